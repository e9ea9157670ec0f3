package org.latentlab.spark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver on {@code local[2,2]} (two task slots, two attempts per task) with a stand-in for {@code latentlab
 * sweep-cell}: a shell script that acts per cell (writes a cell folder, fails once, always fails, exits without a
 * cell, or waits). Checks the events the executor reads, the zips, Spark's retry, and cancellation.
 */
class SweepDriverTest {

    static final String SCRIPT = """
            #!/bin/bash
            # stand-in for: latentlab --home H sweep-cell --cell FILE --out DIR --exit-with-stdin
            [[ "$1" == --home && "$3" == sweep-cell && "$4" == --cell && "$6" == --out && "$8" == --exit-with-stdin ]] || exit 9
            home="$2"; cell="$5"; out="$7"
            id=$(basename "$out")
            echo "lab for $id, threads ${OMP_NUM_THREADS:-unset}"
            case "$id" in
              c001) if [[ ! -f "$home/c001.failed-once" ]]; then touch "$home/c001.failed-once"; echo "crashed"; exit 137; fi ;;
              c002) echo "boom: training blew up"; exit 1 ;;
              c003) exit 0 ;;
              c009) echo $$ > "$home/c009.pid"; exec sleep 600 ;;
            esac
            mkdir -p "$out/model"
            cp "$cell" "$out/cell.json"
            printf 'weights of %s' "$id" > "$out/model/weights.bin"
            """;

    @TempDir
    Path dir;

    Path script() throws IOException {
        Path s = dir.resolve("fake-latentlab");
        Files.writeString(s, SCRIPT);
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwx------"));
        return s;
    }

    DriverJob job(String master, String... ids) throws IOException {
        List<DriverJob.Cell> cells = java.util.Arrays.stream(ids).map(id -> new DriverJob.Cell(id, "{\"id\": \"" + id + "\"}")).toList();
        return new DriverJob(master, "SweepDriverTest", Map.of("spark.ui.enabled", "false"), List.of(),
                List.of(script().toString(), "--home", dir.toString()), dir.resolve("results").toString(), cells);
    }

    /** Events as lines, and a way to wait for one. */
    static final class Events {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        List<String> lines() {
            return bytes.toString(StandardCharsets.UTF_8).lines().toList();
        }

        String first(String prefix) {
            return lines().stream().filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
        }
    }

    @Test
    void eachCellComesBackZippedAFailedAttemptIsRetriedAndACellThatKeepsFailingIsReported() throws Exception {
        Events ev = new Events();
        int rc = new SweepDriver(job("local[2,2]", "c000", "c001", "c002", "c003"), ev.out)
                .run(openStdin());
        assertEquals(0, rc, String.join("\n", ev.lines()));
        List<String> lines = ev.lines();
        assertTrue(lines.get(0).matches("app local-\\d+ -"), lines.get(0));
        assertEquals("end", lines.get(lines.size() - 1));

        for (String id : List.of("c000", "c001")) {
            String finished = ev.first("finished " + id + " ");
            assertTrue(finished != null, id + " finished: " + lines);
            Path zip = Path.of(finished.substring(("finished " + id + " ").length()));
            assertEquals(dir.resolve("results").resolve(id + ".zip"), zip);
            Map<String, String> files = unzip(zip);
            assertEquals(Map.of("cell.json", "{\"id\": \"" + id + "\"}", "model/weights.bin", "weights of " + id), files);
        }
        // c001's first attempt died without a cell: Spark ran it again
        assertTrue(ev.first("started c001 0 ") != null && ev.first("started c001 1 ") != null, lines.toString());
        assertTrue(ev.first("started c000 1 ") == null, "a cell that worked ran once: " + lines);
        String lost = ev.first("lost c001 0 ");
        assertTrue(lost != null && lost.contains("exited with 137 without writing the cell") && lost.contains("crashed"), lost);

        // c002 fails on both attempts: reported with the lab's last lines, once
        String failed = ev.first("failed c002 ");
        assertTrue(failed != null && failed.contains("failed 2 times") && failed.contains("exited with 1")
                && failed.contains("boom: training blew up"), failed);
        String threads = System.getenv("OMP_NUM_THREADS") == null ? "1" : System.getenv("OMP_NUM_THREADS");
        assertTrue(failed.contains("threads " + threads), "the task's one core: " + failed);
        assertEquals(1, lines.stream().filter(l -> l.startsWith("failed c002 ")).count());
        // c003 exited 0 without writing its cell.json: a failure too
        String noCell = ev.first("failed c003 ");
        assertTrue(noCell != null && noCell.contains("exited with 0 without writing the cell"), noCell);
        assertFalse(Files.exists(dir.resolve("results/c002.zip")) || Files.exists(dir.resolve("results/c003.zip")));
        assertEquals(List.of("c000.zip", "c001.zip"), list(dir.resolve("results")));
    }

    @Test
    void aStandaloneMasterThatDoesNotAnswerIsRefusedAtOnceNamingIt() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort(); // closed again below: nothing listens there
        }
        String master = "spark://127.0.0.1:" + port;
        Events ev = new Events();
        assertEquals(1, new SweepDriver(job(master, "c000"), ev.out).run(openStdin()), String.join("\n", ev.lines()));
        List<String> lines = ev.lines();
        assertEquals(1, lines.size(), "one error event, no app: " + lines);
        assertTrue(lines.get(0).startsWith("error cannot reach the Spark master " + master + ": 127.0.0.1:" + port), lines.get(0));
        assertEquals(null, SweepDriver.unreachableMaster("local[2]", 100), "not a standalone master: not checked");
        assertEquals(null, SweepDriver.unreachableMaster("yarn", 100));
        try (java.net.ServerSocket listening = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String ha = "spark://127.0.0.1:" + port + ",127.0.0.1:" + listening.getLocalPort();
            assertEquals(null, SweepDriver.unreachableMaster(ha, 2000), "one answering master of several is enough");
            String v6 = "spark://[::1]:" + port;
            String why = SweepDriver.unreachableMaster(v6, 2000);
            assertTrue(why != null && why.contains("::1:" + port) && !why.contains("[["), "an IPv6 literal is connected to: " + why);
        }
    }

    @Test
    void cancelStopsTheJobsAndKillsTheRunningLab() throws Exception {
        Events ev = new Events();
        PipedOutputStream control = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(control);
        AtomicInteger rc = new AtomicInteger(-1);
        Thread driver = new Thread(() -> {
            try {
                rc.set(new SweepDriver(job("local[1]", "c009", "c000"), ev.out).run(in));
            } catch (Exception e) {
                e.printStackTrace(ev.out);
            }
        });
        driver.start();
        Path pidFile = dir.resolve("c009.pid");
        await("the lab of c009 runs", () -> Files.isRegularFile(pidFile) && readPid(pidFile) > 0);
        long pid = readPid(pidFile);
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        control.write("cancel\n".getBytes(StandardCharsets.UTF_8));
        control.flush();
        driver.join();
        assertEquals(3, rc.get(), String.join("\n", ev.lines()));
        await("the lab of c009 is killed", () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        assertTrue(ev.lines().stream().noneMatch(l -> l.startsWith("failed ") || l.equals("end")), "cancelled is not failed: " + ev.lines());
        assertFalse(Files.exists(dir.resolve("results/c000.zip")), "c000 never ran (one slot, c009 first)");
    }

    static final String PART_SCRIPT = """
            #!/bin/bash
            # stand-in for: latentlab --home H analyze-part --part FILE --out DIR --exit-with-stdin --seeds FILE --model DIR
            [[ "$3" == analyze-part && "$4" == --part && "$6" == --out && "$8" == --exit-with-stdin && "$9" == --seeds \
               && "${11}" == --model ]] || { echo "bad arguments: $*"; exit 9; }
            out="$7"; seeds="${10}"; model="${12}"
            mkdir -p "$out"
            cp "$seeds" "$out/seeds.bin"
            cp "$model/model.json" "$out/model.json"
            echo "$seeds" > "$out/seeds-path"
            echo "$model" > "$out/model-path"
            cp "$5" "$out/part.json"
            """;

    @Test
    void aCellsDataTravelsInItsTaskAndTheSharedZipIsUnpackedOncePerExecutor() throws Exception {
        Path s = Files.writeString(dir.resolve("fake-part-lab"), PART_SCRIPT);
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwx------"));
        Path onDriver = Files.createDirectories(dir.resolve("driver-side"));
        Path model = onDriver.resolve("model.zip");
        try (var z = new java.util.zip.ZipOutputStream(Files.newOutputStream(model))) {
            z.putNextEntry(new ZipEntry("model.json"));
            z.write("{\"name\": \"m\"}".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        List<DriverJob.Cell> cells = new java.util.ArrayList<>();
        for (String id : List.of("part-00000", "part-00001")) {
            Path seeds = Files.write(onDriver.resolve(id + ".npy"), ("seeds of " + id).getBytes(StandardCharsets.UTF_8));
            cells.add(new DriverJob.Cell(id, "{\"index\": \"" + id + "\"}", seeds.toString()));
        }
        DriverJob job = new DriverJob("local[2]", "SweepDriverTest parts", Map.of("spark.ui.enabled", "false"), List.of(),
                List.of(s.toString(), "--home", dir.toString()), dir.resolve("results").toString(), cells,
                new DriverJob.Task("analyze-part", "--part", "part.json", "--seeds", "--model"), model.toString());
        Events ev = new Events();
        assertEquals(0, new SweepDriver(job, ev.out).run(openStdin()), String.join("\n", ev.lines()));
        List<String> models = new java.util.ArrayList<>();
        for (String id : List.of("part-00000", "part-00001")) {
            Map<String, String> files = unzip(dir.resolve("results").resolve(id + ".zip"));
            assertEquals("seeds of " + id, files.get("seeds.bin"), "the bytes came with the task");
            assertEquals("{\"index\": \"" + id + "\"}", files.get("part.json"));
            assertEquals("{\"name\": \"m\"}", files.get("model.json"), "the shared zip, unpacked");
            Path seedsPath = Path.of(files.get("seeds-path").strip());
            assertFalse(seedsPath.startsWith(dir), "the lab read a file of the task's own, not the driver's: " + seedsPath);
            assertEquals(id + ".npy", seedsPath.getFileName().toString());
            assertFalse(Files.exists(seedsPath), "the task removed its copy");
            Path modelPath = Path.of(files.get("model-path").strip());
            assertFalse(modelPath.startsWith(dir), "the model was unpacked on the executor's side: " + modelPath);
            models.add(modelPath.toString());
        }
        assertEquals(models.get(0), models.get(1), "one executor (local): the shared zip unpacked once");
    }

    @Test
    void aTaskWhoseDataDidNotComeFailsWithoutRunningTheLab() throws Exception {
        Path missing = dir.resolve("gone.npy");
        DriverJob job = new DriverJob("local[1]", "SweepDriverTest parts", Map.of("spark.ui.enabled", "false"), List.of(),
                List.of(script().toString(), "--home", dir.toString()), dir.resolve("results").toString(),
                List.of(new DriverJob.Cell("part-00000", "{}", missing.toString())),
                new DriverJob.Task("analyze-part", "--part", "part.json", "--seeds", null), null);
        Events ev = new Events();
        assertEquals(0, new SweepDriver(job, ev.out).run(openStdin()), String.join("\n", ev.lines()));
        String failed = ev.first("failed part-00000 ");
        assertTrue(failed != null && failed.contains(missing.toString()), "the driver cannot read the part's data: " + ev.lines());
    }

    static long readPid(Path f) {
        try {
            String s = Files.readString(f).strip();
            return s.isEmpty() ? -1 : Long.parseLong(s);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    static Map<String, String> unzip(Path zip) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (ZipInputStream z = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
                out.put(e.getName(), new String(z.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    static List<String> list(Path d) throws IOException {
        try (var s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Standard input that stays open (the lab that started the driver lives on). */
    static java.io.InputStream openStdin() {
        return new ByteArrayInputStream(new byte[0]) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return block();
            }
        };
    }

    /** Blocks for ever: standard input that stays open. */
    static int block() {
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 120_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }
}
