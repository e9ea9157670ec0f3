package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A sweep killed as a process (SIGKILL, as a crash or an out-of-memory kill would end it) and run again
 * into the same folder: the cells that had finished are reused as they are, the half-written one and the
 * rest run, and the result is the whole grid. Both runs are {@code bin/latentlab} processes on one data
 * folder, as a user runs them.
 */
class SweepResumeIT {

    static final ObjectMapper JSON = new ObjectMapper();
    /** Generous: both cores may be busy with other builds; the test waits on the file system, never on time. */
    static final long DEADLINE_SECONDS = 600;

    /**
     * Six cells of about a second each (training a 784-128-8 MLP for 3 passes over 512 images, then three
     * analyses); epochs rather than steps, so a cell's work is the same whatever the training does with steps.
     */
    static final String SPEC = """
            {
              "name": "it-resume",
              "dataset": "mnist",
              "architecture": {"type": "mlp", "hidden": [128], "latentDim": 8},
              "training": {"trainingSize": 512, "epochs": 3, "batch": 32, "learningRate": 0.002},
              "axes": {"seed": [0, 1, 2], "weightDecay": [0, 0.001]},
              "analysis": {"trainSeeds": 100, "testSeeds": 100, "noiseSeeds": 300, "jacobianPoints": 20, "gallery": 2}
            }
            """;
    static final int CELLS = 6;

    @Test
    void aKilledSweepRerunReusesTheFinishedCellsAndRunsOnlyTheRest() throws Exception {
        Path home = LauncherScriptIT.freshHome("sweep-resume");
        Path spec = Files.writeString(home.resolve("resume.json"), SPEC);
        Path out = home.resolve("grid");
        Path work = home.resolve(".grid.latentlab-work-sweep/cells");

        Process first = latentlab(home, "first", "sweep", spec.toString(), "--out", out.toString());
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
            // two cells finished and the next one under way: a kill now leaves whole cells and a half-written one
            while (finished(work).size() < 2 || staging(work).isEmpty()) {
                if (!first.isAlive()) {
                    fail("the sweep ended (exit " + first.exitValue() + ") before it could be killed:\n" + output(home, "first"));
                }
                if (System.nanoTime() > end) {
                    fail("no two finished cells after " + DEADLINE_SECONDS + " s:\n" + output(home, "first"));
                }
                Thread.sleep(20);
            }
        } finally {
            kill(first);
        }
        Map<String, byte[]> finished = new TreeMap<>();
        Map<String, FileTime> modified = new TreeMap<>();
        for (Path cellJson : finished(work)) {
            String id = cellJson.getParent().getFileName().toString();
            finished.put(id, Files.readAllBytes(cellJson));
            modified.put(id, Files.getLastModifiedTime(cellJson));
        }
        int reused = finished.size();
        assertTrue(reused >= 2 && reused < CELLS, "killed with " + reused + " of " + CELLS + " cells finished");
        assertFalse(Files.exists(out.resolve("sweep.json")), "a killed sweep publishes nothing");
        System.out.println("SweepResumeIT: killed with " + reused + " cells finished, half-written: " + staging(work));

        Process second = latentlab(home, "second", "sweep", spec.toString(), "--out", out.toString());
        try {
            assertTrue(second.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS), "the rerun did not end:\n" + output(home, "second"));
        } finally {
            kill(second);
        }
        String stdout = Files.readString(home.resolve("second.out"));
        String stderr = Files.readString(home.resolve("second.err"));
        assertEquals(0, second.exitValue(), stdout + stderr);
        assertTrue(stdout.contains("Sweep it-resume: 6 cells on mnist (seed × weightDecay), run on this lab, "), stdout);
        int ran = CELLS - reused;
        assertTrue(stderr.contains("(" + ran + "/" + ran + " run, " + reused + " reused)"), "the last cell's line counts the"
                + " reused cells: " + stderr);
        for (String id : finished.keySet()) {
            assertFalse(stderr.contains("cell " + id + " {"), id + " was not run again: " + stderr);
        }

        JsonNode json = JSON.readTree(out.resolve("sweep.json").toFile());
        assertEquals(reused, json.get("reused").asInt());
        assertEquals(CELLS, json.get("cellCount").asInt());
        assertEquals(CELLS, json.get("done").asInt());
        assertEquals(0, json.get("failed").asInt());
        List<String> ids = new ArrayList<>();
        for (JsonNode c : json.get("cells")) {
            ids.add(c.get("id").asText());
            assertEquals("done", c.get("status").asText(), c.toString());
            assertTrue(Files.isRegularFile(out.resolve(c.get("folder").asText()).resolve("model/model.json")), c.toString());
        }
        assertEquals(List.of("c000", "c001", "c002", "c003", "c004", "c005"), ids);
        for (Map.Entry<String, byte[]> e : finished.entrySet()) {
            Path cellJson = out.resolve("cells").resolve(e.getKey()).resolve("cell.json");
            assertArrayEquals(e.getValue(), Files.readAllBytes(cellJson), e.getKey() + " kept, not measured again");
            assertEquals(modified.get(e.getKey()), Files.getLastModifiedTime(cellJson), e.getKey() + " not rewritten");
        }

        try (Stream<Path> s = Files.list(out.resolve("cells"))) {
            assertEquals(ids, s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "the cells, and no half-written cell folder, in " + out.resolve("cells"));
        }
        assertFalse(Files.exists(home.resolve(".grid.latentlab-work-sweep")), "the work folder is gone after success");
    }

    @Test
    void showPrintsTheStudyAloneOnStandardOutput() throws Exception {
        Path home = LauncherScriptIT.freshHome("sweep-show");
        LauncherScriptIT.Result r = LauncherScriptIT.latentlab(home, "sweep", "--show", "memorization");
        assertEquals(0, r.code(), r.err());
        assertEquals("memorization", JSON.readTree(r.out()).get("name").asText(), r.out());
    }

    /** {@code bin/latentlab --home HOME ARGS} with its outputs in HOME/NAME.out and HOME/NAME.err. */
    static Process latentlab(Path home, String name, String... args) throws IOException {
        Path script = Path.of(System.getProperty("latentlab.distribution"), "bin", "latentlab");
        List<String> cmd = new ArrayList<>(List.of(script.toString(), "--home", home.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(home.resolve(name + ".out").toFile())
                .redirectError(home.resolve(name + ".err").toFile()).start();
        p.getOutputStream().close();
        return p;
    }

    /** Ends the process and everything it started at once, as a crash would. */
    static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the process did not end when killed");
    }

    static String output(Path home, String name) throws IOException {
        return Files.readString(home.resolve(name + ".out")) + Files.readString(home.resolve(name + ".err"));
    }

    /** The cell.json files of finished cells in the work folder's cells/. */
    static List<Path> finished(Path cells) throws IOException {
        if (!Files.isDirectory(cells)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(cells)) {
            return s.filter(p -> p.getFileName().toString().matches("c\\d{3}")).map(p -> p.resolve("cell.json"))
                    .filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** Cell folders being written (hidden staging folders). */
    static List<Path> staging(Path cells) throws IOException {
        if (!Files.isDirectory(cells)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(cells)) {
            return s.filter(p -> p.getFileName().toString().contains(".latentlab-staging-")).toList();
        }
    }
}
