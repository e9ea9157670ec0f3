package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Spark standalone cluster on this machine, on loopback: a master and two workers (one core each) started
 * from the distribution's own Spark jars ({@code bin/latentlab-spark}, no Spark download). A sweep on it equals the
 * local run of the same spec; one worker is killed while a cell runs on it: its executor and the cell's lab end with
 * it, Spark runs the cell again on the other worker, and the sweep completes. Then an analysis whose seeds are iterated on
 * the cluster (3 parts, on the worker left) equals the local run of the same model and seeds.
 */
class SparkClusterIT {

    static final String SPEC = """
            {
              "name": "it-cluster",
              "dataset": "mnist",
              "architecture": {"type": "mlp", "hidden": [32], "latentDim": 4},
              "training": {"trainingSize": 16, "steps": 20, "batch": 32, "learningRate": 0.003},
              "axes": {"seed": [1, 2, 3]},
              "analysis": {"trainSeeds": 16, "testSeeds": 12, "noiseSeeds": 24, "jacobianPoints": 8, "gallery": 2}
            }
            """;
    static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://127\\.0\\.0\\.1:\\d+)");

    static LabFixture lab;
    static Path dist;
    static Path logs;
    static final List<Process> daemons = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        lab = LabFixture.start("spark-cluster");
        dist = Path.of(System.getProperty("latentlab.distribution"));
        logs = Files.createDirectories(lab.home.resolve("cluster"));
    }

    @AfterAll
    static void stop() {
        for (Process p : daemons) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        lab.close();
    }

    /** {@code bin/latentlab-spark ARGS}, its output in cluster/NAME.log. */
    static Process daemon(String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(dist.resolve("bin/latentlab-spark").toString()));
        cmd.addAll(List.of(args));
        return SparkChecks.daemon(logs, name, cmd, java.util.Map.of(), daemons);
    }

    static String log(String name) {
        return SparkChecks.log(logs, name);
    }

    static String logs() {
        return SparkChecks.tail(logs.resolve("master.log"), 30) + "\n" + SparkChecks.tail(logs.resolve("worker1.log"), 30) + "\n"
                + SparkChecks.tail(logs.resolve("worker2.log"), 30);
    }

    @Test
    void aSweepOnAStandaloneClusterEqualsTheLocalRunAndSurvivesAKilledWorker() throws Exception {
        Path spec = Files.writeString(lab.home.resolve("spec.json"), SPEC);
        Path local = lab.home.resolve("local");
        LabFixture.Result l = lab.runAny("sweep", spec.toString(), "--out", local.toString(), "--quiet");
        assertEquals(0, l.code(), l.err());

        Process master = daemon("master", "master", "--host", "127.0.0.1", "--port", "0", "--webui-port", "0");
        SparkChecks.await("the master", SparkChecks.LONG, () -> MASTER_URL.matcher(log("master")).find()
                && log("master").contains("New state: ALIVE"), SparkClusterIT::logs);
        Matcher m = MASTER_URL.matcher(log("master"));
        assertTrue(m.find());
        String url = m.group(1);
        List<Process> workers = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            workers.add(daemon("worker" + i, "worker", url, "--host", "127.0.0.1", "--port", "0", "--webui-port", "0", "--cores", "1",
                    "--memory", "1g", "--work-dir", Files.createDirectories(logs.resolve("work" + i)).toString()));
        }
        SparkChecks.await("two workers registered", SparkChecks.LONG,
                () -> Pattern.compile("Registering worker").matcher(log("master")).results().count() == 2, SparkClusterIT::logs);

        Path spark = lab.home.resolve("on-spark"); // not "spark": the executor keeps its runs in DATA/spark
        AtomicReference<LabFixture.Result> result = new AtomicReference<>();
        Thread sweep = new Thread(() -> {
            try {
                result.set(lab.runAny("sweep", spec.toString(), "--out", spark.toString(), "--spark", url,
                        "--executor-param", "home=" + lab.home, "--spark-conf", "spark.driver.host=127.0.0.1",
                        "--spark-conf", "spark.driver.bindAddress=127.0.0.1", "--spark-conf", "spark.executor.memory=512m",
                        "--spark-conf", "spark.ui.enabled=false", "--quiet"));
            } catch (Exception e) {
                result.set(new LabFixture.Result(-1, "", e.toString()));
            }
        }, "cluster-sweep");
        sweep.start();

        // the first worker seen running a cell's lab is killed (the worker daemon itself, with SIGKILL)
        AtomicReference<Process> victim = new AtomicReference<>();
        AtomicReference<ProcessHandle> lostLab = new AtomicReference<>();
        SparkChecks.await("a cell's lab on a worker", SparkChecks.LONG, () -> {
            for (Process w : workers) {
                Optional<ProcessHandle> lab1 = SparkChecks.cellLab(lab.home, null, w.descendants());
                if (lab1.isPresent()) {
                    victim.set(w);
                    lostLab.set(lab1.get());
                    return true;
                }
            }
            return !sweep.isAlive();
        }, () -> result.get() + "\n" + logs());
        assertTrue(victim.get() != null, "the sweep ended before a cell ran on a worker: " + result.get());
        List<ProcessHandle> tree = victim.get().descendants().toList(); // its executor JVM and the cell's lab
        String cell = cellOf(lostLab.get());
        victim.get().destroyForcibly();
        SparkChecks.await("the killed worker's executor and the cell's lab end with it", SparkChecks.LONG,
                () -> tree.stream().noneMatch(ProcessHandle::isAlive), SparkClusterIT::logs);

        sweep.join(SparkChecks.LONG.toMillis());
        assertFalse(sweep.isAlive(), "the sweep on the cluster ends");
        LabFixture.Result r = result.get();
        Path run = SparkChecks.lastRun(lab.home);
        List<String> events = SparkChecks.events(run);
        String all = r + "\n" + String.join("\n", events) + "\n" + SparkChecks.tail(run.resolve("driver.log"), 40) + "\n" + logs();
        assertEquals(0, r.code(), "every cell finished: " + all);
        SparkChecks.assertSameSweep(local, spark);
        JsonNode json = SparkChecks.JSON.readTree(spark.resolve("sweep.json").toFile());
        assertEquals(url, json.at("/environment/executorParams/master").asText());
        assertEquals(3, json.get("done").asInt());
        SweepIT.assertNoLeftovers(spark);

        assertTrue(events.get(0).matches("app app-\\d+-\\d+ -"), all);
        assertTrue(events.stream().anyMatch(e -> e.startsWith("lost " + cell + " 0 ") && e.contains("ExecutorLostFailure")), all);
        assertTrue(events.stream().anyMatch(e -> e.startsWith("started " + cell + " 1 127.0.0.1")), cell + " ran again: " + all);
        assertTrue(events.stream().anyMatch(e -> e.startsWith("finished " + cell + " ")), all);
        assertEquals("end", events.get(events.size() - 1), all);
        assertTrue(master.isAlive() && workers.stream().filter(Process::isAlive).count() == 1, "the master and the other worker run on");

        // an analysis on the same cluster: the seed parts travel in the tasks, the model is fetched by the executor
        Path models = Path.of(System.getProperty("latentlab.it.models"));
        String[] analysis = {"--model", models.resolve("memorizer").toString(), "--seeds",
            models.resolve("memorizer").resolve("seeds.npy").toString(), "--quiet"};
        Path localAnalysis = lab.home.resolve("analysis-local");
        Path sparkAnalysis = lab.home.resolve("analysis-on-spark");
        lab.run("analyze", concat(analysis, "--out", localAnalysis.toString()));
        LabFixture.Result a = lab.runAny("analyze", concat(analysis, "--out", sparkAnalysis.toString(), "--spark", url, "--partitions", "3",
                "--executor-param", "home=" + lab.home, "--spark-conf", "spark.driver.host=127.0.0.1",
                "--spark-conf", "spark.driver.bindAddress=127.0.0.1", "--spark-conf", "spark.executor.memory=512m",
                "--spark-conf", "spark.ui.enabled=false"));
        Path analysisRun = SparkChecks.lastRun(lab.home);
        String context = a + "\n" + String.join("\n", SparkChecks.events(analysisRun)) + "\n"
                + SparkChecks.tail(analysisRun.resolve("driver.log"), 40) + "\n" + logs();
        assertEquals(0, a.code(), context);
        SparkAnalyzeIT.assertSameResult(localAnalysis, sparkAnalysis, "memorizer", "Spark, master " + url + ", 3 parts");
        assertTrue(SparkChecks.events(analysisRun).stream().filter(e -> e.startsWith("finished part-")).count() == 3, context);
        SparkAnalyzeIT.assertNoPartLeft();
        SparkAnalyzeIT.assertShipped(analysisRun, 3); // the cluster's workers read nothing at the lab's paths
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The cell id of a lab process: the last part of its --out folder. */
    static String cellOf(ProcessHandle lab) {
        List<String> args = List.of(lab.info().arguments().orElseThrow());
        return Path.of(args.get(args.indexOf("--out") + 1)).getFileName().toString();
    }
}
