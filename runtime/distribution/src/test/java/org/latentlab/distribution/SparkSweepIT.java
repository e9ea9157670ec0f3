package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code latentlab sweep --spark local[2,2]} in the real lab: the cells run as Spark tasks (two at once, two attempts
 * each), each task a {@code latentlab sweep-cell} process with the same engine and backends; the result equals a local
 * run of the same spec (same cells, same table up to float rounding, same files). One cell's lab is killed while it
 * runs: Spark runs the cell again. Cells that fail (a network too large to hold) are results, run once, not retried.
 */
class SparkSweepIT {

    /** c000 [32]/8, c001 [2e9]/8 (fails), c002 [32]/64, c003 [2e9]/64 (fails). */
    static final String SPEC = """
            {
              "name": "it-spark",
              "dataset": "mnist",
              "architecture": {"type": "mlp", "hidden": [32], "latentDim": 4},
              "training": {"steps": 20, "batch": 32, "learningRate": 0.003, "seed": 1},
              "axes": {"hidden": [[32], [2000000000]], "trainingSize": [8, 64]},
              "analysis": {"trainSeeds": 16, "testSeeds": 12, "noiseSeeds": 24, "jacobianPoints": 8, "gallery": 2}
            }
            """;

    static LabFixture lab;

    @BeforeAll
    static void start() throws Exception {
        lab = LabFixture.start("spark-local");
    }

    @AfterAll
    static void stop() {
        lab.close();
    }

    @Test
    void onLocal2TheSweepEqualsTheLocalRunAndACellWhoseLabDiesRunsAgain() throws Exception {
        Path spec = Files.writeString(lab.home.resolve("spec.json"), SPEC);
        Path local = lab.home.resolve("local");
        LabFixture.Result l = lab.runAny("sweep", spec.toString(), "--out", local.toString(), "--quiet");
        assertEquals(1, l.code(), "two cells fail: " + l.err());

        // a lab configured (as a server would be) to send sweeps of 4 cells or more to Spark: no --spark on the command
        LabFixture.writeConfig(lab.home, "org.latentlab.spark.cfg", "master = local[2,2]\nconf = spark.ui.enabled=false\n");
        LabFixture.writeConfig(lab.home, "org.latentlab.sweep.cfg", "largeExecutor = spark\nlargeFromCells = 4\n");
        SparkChecks.await("the sweep and executor configurations", LabFixture.TIMEOUT, () -> params().contains(
                "master (string, default local[2,2])") && sweepParams().contains("'spark' for sweeps of at least 4 cells"),
                () -> params() + sweepParams());
        Path spark = lab.home.resolve("on-spark"); // not "spark": the executor keeps its runs in DATA/spark
        AtomicReference<LabFixture.Result> result = new AtomicReference<>();
        Thread sweep = new Thread(() -> {
            try {
                result.set(lab.runAny("sweep", spec.toString(), "--out", spark.toString(), "--quiet"));
            } catch (Exception e) {
                result.set(new LabFixture.Result(-1, "", e.toString()));
            }
        }, "spark-sweep");
        try {
            sparkSweepWithALabKilled(local, spark, sweep, result);
        } finally {
            Files.deleteIfExists(lab.home.resolve("etc/org.latentlab.sweep.cfg"));
            Files.deleteIfExists(lab.home.resolve("etc/org.latentlab.spark.cfg"));
            SparkChecks.await("the configurations removed", LabFixture.TIMEOUT, () -> params().contains("master (string, default null)")
                    && sweepParams().contains("when not given, local ("), () -> params() + sweepParams());
        }
    }

    private void sparkSweepWithALabKilled(Path local, Path spark, Thread sweep, AtomicReference<LabFixture.Result> result)
            throws Exception {
        sweep.start();
        // c002's lab is killed once it runs: its task fails, Spark runs it again. The process seen is the one killed (a
        // second look could miss it: the process list is read from /proc while processes start, exec and end; CI saw
        // "the sweep ended before c002's lab was seen: null" with the sweep still running)
        AtomicReference<ProcessHandle> seen = new AtomicReference<>();
        SparkChecks.await("the lab of c002", SparkChecks.LONG, () -> {
            SparkChecks.cellLab(lab.home, "c002", ProcessHandle.current().descendants()).ifPresent(seen::set);
            return seen.get() != null || !sweep.isAlive();
        }, () -> String.valueOf(result.get()));
        ProcessHandle victim = java.util.Optional.ofNullable(seen.get()).orElseThrow(
                () -> new AssertionError("the sweep ended before c002's lab was seen: " + result.get()));
        victim.descendants().forEach(ProcessHandle::destroyForcibly);
        victim.destroyForcibly();
        sweep.join(SparkChecks.LONG.toMillis());
        assertFalse(sweep.isAlive(), "the sweep on Spark ends");

        LabFixture.Result r = result.get();
        assertEquals(1, r.code(), "the same two cells fail: " + r.err());
        assertTrue(r.out().startsWith("Sweep it-spark: 4 cells on mnist (hidden × trainingSize), run on Spark, master local[2,2]\n"),
                r.out());
        SparkChecks.assertSameSweep(local, spark);
        JsonNode json = SparkChecks.JSON.readTree(spark.resolve("sweep.json").toFile());
        assertEquals("spark", json.at("/environment/executorId").asText());
        assertEquals("Spark, master local[2,2]", json.at("/environment/ranOn").asText());
        SweepIT.assertNoLeftovers(spark);

        Path run = SparkChecks.lastRun(lab.home);
        List<String> events = SparkChecks.events(run);
        String all = String.join("\n", events) + "\n" + SparkChecks.tail(run.resolve("driver.log"), 40);
        assertTrue(events.get(0).startsWith("app local-"), all);
        assertEquals("end", events.get(events.size() - 1), all);
        assertTrue(events.stream().anyMatch(e -> e.startsWith("lost c002 0 ") && e.contains("exited with 137")), all);
        assertTrue(events.stream().anyMatch(e -> e.startsWith("started c002 1 ")), "c002 ran again: " + all);
        for (String failed : List.of("c001", "c003")) { // a cell that fails is a result: once, not retried
            assertEquals(1, events.stream().filter(e -> e.startsWith("started " + failed + " ")).count(), failed + ": " + all);
            assertTrue(events.stream().anyMatch(e -> e.startsWith("finished " + failed + " ")), all);
        }
        assertEquals(0, events.stream().filter(e -> e.startsWith("failed ")).count(), all);
        // Spark's own log is on (an SLF4J binding in the driver): the lost attempt is there
        assertTrue(Files.readString(run.resolve("driver.log")).contains("WARN TaskSetManager: Lost task"), all);
        assertEquals(List.of(), ProcessHandle.current().descendants().filter(p -> p.info().arguments()
                .map(a -> List.of(a).contains("sweep-cell")).orElse(false)).toList(), "no cell's lab is left running");
    }

    @Test
    void theHiddenSweepCellCommandRefusesWhatIsNotACellAndTheSweepRefusesBadSparkOptions() throws Exception {
        Path notACell = Files.writeString(lab.home.resolve("not-a-cell.json"), "{\"id\": \"c000\"}");
        LabFixture.Result r = lab.runAny("sweep-cell", "--cell", notACell.toString(), "--out", lab.home.resolve("x").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("sweep-cell: --cell " + notACell + ": not a sweep cell"), r.err());
        assertFalse(Files.exists(lab.home.resolve("x")));

        Path spec = Files.writeString(lab.home.resolve("spec2.json"), SPEC);
        Map<List<String>, String> bad = Map.of(
                List.of("--spark", "local[2]", "--executor", "local"), "sweep: --spark runs the cells on the spark executor; it cannot be "
                        + "combined with --executor local",
                List.of("--spark-conf", "spark.a=1"), "sweep: --spark-conf is for --spark MASTER (or --executor spark)",
                List.of("--spark", "local[2]", "--spark-conf", "nonsense"), "sweep: --spark-conf nonsense: give KEY=VALUE",
                List.of("--executor-param", "master"), "sweep: --executor-param master: give KEY=VALUE");
        for (Map.Entry<List<String>, String> b : bad.entrySet()) {
            List<String> args = new java.util.ArrayList<>(List.of(spec.toString(), "--out", lab.home.resolve("never").toString()));
            args.addAll(b.getKey());
            LabFixture.Result x = lab.runAny("sweep", args.toArray(String[]::new));
            assertEquals(2, x.code(), b.getKey() + ": " + x.err());
            assertTrue(x.err().startsWith(b.getValue()), b.getKey() + ": " + x.err());
        }
        // what only the running lab knows is refused when the job starts, before any cell runs
        LabFixture.Result unknown = lab.runAny("sweep", spec.toString(), "--out", lab.home.resolve("never").toString(), "--spark",
                "local[2]", "--executor-param", "mastr=x");
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("executor 'spark' has no parameter 'mastr'; it has [master, conf, latentlab, home, shipModelMB]"),
                unknown.err());
        assertFalse(Files.exists(lab.home.resolve("never")));
    }

    @Test
    void theExecutorsDefaultsComeFromItsConfigurationLive() throws Exception {
        LabFixture.writeConfig(lab.home, "org.latentlab.spark.cfg",
                "master = spark://10.0.0.9:7077\nconf = spark.a=1\\nspark.b=2\nhome = /data/lab\n");
        SparkChecks.await("the configured defaults", LabFixture.TIMEOUT, () -> params().contains(
                "master (string, default spark://10.0.0.9:7077)") && params().contains("conf (string, default spark.a=1\nspark.b=2)")
                && params().contains("home (string, default /data/lab)"), SparkSweepIT::params);
        Files.delete(lab.home.resolve("etc/org.latentlab.spark.cfg"));
        SparkChecks.await("no defaults once the file is gone", LabFixture.TIMEOUT,
                () -> params().contains("master (string, default null)"), SparkSweepIT::params);
    }

    static String sweepParams() {
        try {
            return lab.run("services", "--kind", "experiment", "--params");
        } catch (Exception e) {
            return e.toString();
        }
    }

    static String params() {
        try {
            return lab.run("services", "--kind", "cell-executor", "--params");
        } catch (Exception e) {
            return e.toString();
        }
    }
}
