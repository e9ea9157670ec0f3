package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No command deletes or overwrites what it did not write (issue 9, items 1 and 5): train, analyze
 * and field refuse a folder holding foreign files, an output of another kind, a regular file and a
 * path below a file, before any work; a rerun into their own output replaces only their files; a
 * failing exporter publishes nothing. Each refusal leaves every file byte-identical.
 */
class OutputSafetyIT {

    static final Path MODELS = Path.of(System.getProperty("latentlab.it.models"));
    static final Path MEMORIZER = MODELS.resolve("memorizer");
    static final String MARKER = ".latentlab-output.json";
    static LabFixture lab;
    static Path scratch;

    @BeforeAll
    static void start() throws Exception {
        lab = LabFixture.start("output-safety", "latentlab-it-probe"); // the probe brings the failing exporter it-fail
        scratch = Files.createDirectories(lab.home.resolve("S"));
    }

    @AfterAll
    static void stop() {
        lab.close();
    }

    /** A folder holding a user's file. */
    static Path userFolder(String name) throws Exception {
        Path dir = Files.createDirectories(scratch.resolve(name));
        Files.writeString(dir.resolve("thesis.tex"), "x");
        return dir;
    }

    /** Every file below {@code dir} with its bytes: to show nothing changed. */
    static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.filter(Files::isRegularFile).toList()) {
                    out.put(dir.relativize(p).toString(), java.util.HexFormat.of().formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                }
            }
        }
        return out;
    }

    static void assertRefused(LabFixture.Result r, String... words) {
        assertEquals(1, r.code(), "refused: " + r.out() + r.err());
        for (String w : words) {
            assertTrue(r.err().contains(w), "message should contain '" + w + "': " + r.err());
        }
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertFalse(r.err().contains("loading") || r.err().contains("epoch") || r.err().contains("[1/4]"),
                "refused before any work: " + r.err());
    }

    /** No hidden staging folder was left next to the targets. */
    static void assertNoLeftovers(Path parent) throws Exception {
        try (Stream<Path> s = Files.list(parent)) {
            List<String> hidden = s.map(p -> p.getFileName().toString()).filter(n -> n.contains("latentlab-staging")).toList();
            assertEquals(List.of(), hidden, "staging folders left in " + parent);
        }
    }

    LabFixture.Result analyze(Path out, String... more) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--model", MEMORIZER.toString(), "--seeds",
                MEMORIZER.resolve("seeds.npy").toString(), "--out", out.toString(), "--quiet"));
        args.addAll(List.of(more));
        return lab.runAny("analyze", args.toArray(String[]::new));
    }

    LabFixture.Result field(Path out) throws Exception {
        return lab.runAny("field", "--model", MEMORIZER.toString(), "--points",
                MEMORIZER.resolve("reference_attractors.npy").toString(), "--out", out.toString());
    }

    static LabFixture.Result train(Path out, String... more) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--train-size", "64", "--epochs", "1", "--batch", "32",
                "--hidden", "8", "--latent", "2", "--out", out.toString()));
        args.addAll(List.of(more));
        return lab.runAny("train", args.toArray(String[]::new));
    }

    @Test
    void theIssuesReproductionTrainIntoAFolderWithAThesisIsRefusedAndTheThesisKept() throws Exception {
        // exactly as reported, through bin/latentlab in its own process
        Path keep = userFolder("keep");
        LauncherScriptIT.Result r = LauncherScriptIT.latentlab(lab.home.resolve("script-home"), "train", "--train-size", "64",
                "--epochs", "1", "--out", keep.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("output folder " + keep + " is not empty and was not written by LatentLab (it holds thesis.tex)"),
                r.err());
        assertTrue(r.err().contains("choose another --out, or empty the folder yourself"), r.err());
        assertEquals("x", Files.readString(keep.resolve("thesis.tex")));
        assertEquals(List.of("thesis.tex"), snapshot(keep).keySet().stream().toList());
        assertNoLeftovers(scratch);
    }

    @Test
    void everyCommandRefusesForeignFoldersFilesAndPathsBelowFilesBeforeAnyWork() throws Exception {
        Path file = Files.writeString(scratch.resolve("notes.txt"), "mine");
        for (String command : List.of("train", "analyze", "field", "demo")) {
            Path foreign = userFolder("foreign-" + command);
            Map<String, String> before = snapshot(scratch);
            for (Path out : List.of(foreign, file, file.resolve("sub"))) {
                LabFixture.Result r = switch (command) {
                    case "train" -> train(out);
                    case "analyze" -> analyze(out);
                    case "field" -> field(out);
                    default -> lab.runAny("demo", "--seeds", "10", "--out", out.toString());
                };
                String words = out.equals(foreign) ? "is not empty and was not written by LatentLab"
                        : out.equals(file) ? "output folder " + file + " is an existing file, not a folder"
                        : "cannot create output folder " + out + ": " + file + " is a file, not a folder";
                assertRefused(r, command + ": ", words, "choose another --out");
            }
            assertEquals(before, snapshot(scratch), command + " changed nothing");
            assertNoLeftovers(scratch);
        }
        // unwritable: as root, permissions do not stop us; /proc does
        assertRefused(analyze(Path.of("/proc/latentlab-it/out")), "cannot write output folder /proc/latentlab-it/out");
        assertRefused(field(Path.of("/proc/latentlab-it/out")), "cannot write output folder /proc/latentlab-it/out");
    }

    @Test
    void aRerunReplacesOnlyItsOwnFilesAndOutputsOfAnotherKindAreRefused() throws Exception {
        // train: MNIST is fetched once into this lab's data folder; 64 digits, one epoch
        Path model = scratch.resolve("model");
        LabFixture.Result first = train(model);
        assertEquals(0, first.code(), first.err());
        assertEquals("model", marker(model).get("kind").asText());
        Files.writeString(model.resolve("README.txt"), "my notes");
        LabFixture.Result second = train(model, "--seed", "5");
        assertEquals(0, second.code(), second.err());
        assertEquals("my notes", Files.readString(model.resolve("README.txt")));
        assertTrue(Files.readString(model.resolve("training.json")).contains("\"seed\" : 5"), "the new model replaced the old");
        assertFalse(marker(model).toString().contains("README"), "the user's file is not LatentLab's");

        // analyze: the second run writes fewer exporters; stale results go, the user's file stays
        Path result = scratch.resolve("result");
        assertEquals(0, analyze(result).code());
        assertTrue(Files.isRegularFile(result.resolve("report.html")));
        Files.writeString(result.resolve("my-plot.py"), "import numpy");
        LabFixture.Result again = analyze(result, "--exporters", "json,npy");
        assertEquals(0, again.code(), again.err());
        assertEquals("import numpy", Files.readString(result.resolve("my-plot.py")));
        assertFalse(Files.exists(result.resolve("report.html")), "a result of the earlier run that this run did not write");
        assertFalse(Files.exists(result.resolve("attractors.csv")));
        assertArrayEquals(new String[] {".latentlab-output.json", "attractors.npy", "converged.npy", "diverged.npy", "endpoints.npy",
                "labels.npy", "map_evaluations.npy", "my-plot.py", "path_lengths.npy", "residuals.npy", "result.json", "steps.npy"},
                list(result));
        JsonNode m = marker(result);
        assertEquals("analysis", m.get("kind").asText());
        assertTrue(m.get("complete").asBoolean());

        // field: twice into its own folder
        Path field = scratch.resolve("field");
        assertEquals(0, field(field).code());
        assertEquals(0, field(field).code());
        assertEquals("field", marker(field).get("kind").asText());

        // outputs of another kind are refused, untouched
        Map<String, String> before = snapshot(scratch);
        assertRefused(analyze(model), "output folder " + model + " holds a LatentLab model output, not an analysis output");
        assertRefused(field(result), "holds a LatentLab analysis output, not a field output");
        assertRefused(train(field), "holds a LatentLab field output, not a model output");
        assertRefused(lab.runAny("demo", "--seeds", "10", "--out", result.toString()),
                "holds a LatentLab analysis output, not a demo output");
        assertEquals(before, snapshot(scratch));
        assertNoLeftovers(scratch);
    }

    @Test
    void aFailingExporterPublishesNothingAndKeepsTheEarlierResult() throws Exception {
        Path fresh = scratch.resolve("failed");
        LabFixture.Result r = analyze(fresh, "--exporters", "json,npy,csv,it-fail");
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().contains("exporter 'it-fail' could not write its files")
                && r.err().contains("No space left on device") && r.err().contains("nothing was written to " + fresh), r.err());
        assertFalse(Files.exists(fresh), "no partial result.json / .npy / .csv");
        assertNoLeftovers(scratch);

        Path earlier = scratch.resolve("earlier");
        assertEquals(0, analyze(earlier).code());
        Map<String, String> before = snapshot(earlier);
        assertEquals(1, analyze(earlier, "--exporters", "json,it-fail").code());
        assertEquals(before, snapshot(earlier), "the complete earlier result stays as it was");
        assertNoLeftovers(scratch);
    }

    static JsonNode marker(Path dir) throws Exception {
        return new ObjectMapper().readTree(dir.resolve(MARKER).toFile());
    }

    static String[] list(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }
}
