package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An analysis on a standalone cluster whose worker cannot see the lab's files: the worker runs in a mount namespace of its
 * own ({@code unshare -m}) with an empty tmpfs over the lab's data folder, which holds the model, the output folder with
 * its seed parts and the Spark run folder. The seeds travelling in the tasks and the shipped model give the local run's
 * results; with shipping off the same run fails because the worker's labs cannot read the model at the lab's path, which
 * shows that the worker really sees none of the lab's files. Skipped where mount namespaces are not allowed (not root).
 */
class SparkNoSharedFileSystemIT {

    static LabFixture lab;
    static Path dist;
    static Path worker;
    static final List<Process> daemons = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        lab = LabFixture.start("spark-no-shared-fs");
        dist = Path.of(System.getProperty("latentlab.distribution"));
        worker = Files.createTempDirectory(Path.of(System.getProperty("latentlab.it.work")), "spark-no-shared-fs-worker-");
    }

    @AfterAll
    static void stop() {
        for (Process p : daemons) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        if (lab != null) {
            lab.close();
        }
    }

    /** Whether this machine lets a process mount a tmpfs in a mount namespace of its own. */
    static boolean namespacesAllowed() {
        try {
            Path probe = Files.createTempDirectory(worker, "probe-");
            Process p = new ProcessBuilder("unshare", "-m", "sh", "-c", "mount -t tmpfs none \"$0\"", probe.toString())
                    .redirectErrorStream(true).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static Process daemon(String name, List<String> cmd) throws IOException {
        return SparkChecks.daemon(worker, name, cmd, Map.of("LATENTLAB_HOME", worker.resolve("home").toString()), daemons); // not the lab's
    }

    static String log(String name) {
        return SparkChecks.log(worker, name);
    }

    @Test
    void aWorkerThatSeesNoneOfTheLabsFilesGivesTheLocalResult() throws Exception {
        assumeTrue(namespacesAllowed(), "unshare -m with a tmpfs mount is not allowed here");
        // the model only in the lab's data folder, which the worker will not see
        Path model = Files.createDirectories(lab.home.resolve("models/memorizer"));
        Path fixture = Path.of(System.getProperty("latentlab.it.models")).resolve("memorizer");
        for (String f : List.of("model.json", "encoder.onnx", "decoder.onnx", "seeds.npy")) {
            Files.copy(fixture.resolve(f), model.resolve(f));
        }
        String[] analysis = {"--model", model.toString(), "--seeds", model.resolve("seeds.npy").toString(), "--quiet"};
        Path local = lab.home.resolve("local");
        lab.run("analyze", SparkClusterIT.concat(analysis, "--out", local.toString()));

        daemon("master", List.of(dist.resolve("bin/latentlab-spark").toString(), "master", "--host", "127.0.0.1", "--port", "0",
                "--webui-port", "0"));
        SparkChecks.await("the master", SparkChecks.LONG, () -> SparkClusterIT.MASTER_URL.matcher(log("master")).find()
                && log("master").contains("New state: ALIVE"), () -> log("master"));
        Matcher m = SparkClusterIT.MASTER_URL.matcher(log("master"));
        assertTrue(m.find());
        String url = m.group(1);
        // the worker (and the executors and labs it starts) in a mount namespace with an empty tmpfs over the lab's folder
        daemon("worker", List.of("unshare", "-m", "bash", "-c", "mount -t tmpfs none \"$1\" && shift && exec \"$@\"", "bash",
                lab.home.toString(), dist.resolve("bin/latentlab-spark").toString(), "worker", url, "--host", "127.0.0.1", "--port",
                "0", "--webui-port", "0", "--cores", "2", "--memory", "1g", "--work-dir",
                Files.createDirectories(worker.resolve("work")).toString()));
        SparkChecks.await("the worker registered", SparkChecks.LONG, () -> log("master").contains("Registering worker"),
                () -> log("master") + "\n" + log("worker"));

        String[] spark = {"--spark", url, "--partitions", "3", "--spark-conf", "spark.driver.host=127.0.0.1", "--spark-conf",
            "spark.driver.bindAddress=127.0.0.1", "--spark-conf", "spark.executor.memory=512m", "--spark-conf", "spark.ui.enabled=false",
            "--spark-conf", "spark.task.maxFailures=1"};
        Path shipped = lab.home.resolve("on-spark");
        LabFixture.Result r = lab.runAny("analyze", SparkClusterIT.concat(SparkClusterIT.concat(analysis, "--out", shipped.toString()),
                spark));
        Path run = SparkChecks.lastRun(lab.home);
        String context = r + "\n" + String.join("\n", SparkChecks.events(run)) + "\n" + SparkChecks.tail(run.resolve("driver.log"), 40)
                + "\n" + log("worker");
        assertEquals(0, r.code(), context);
        SparkAnalyzeIT.assertSameResult(local, shipped, "memorizer", "Spark, master " + url + ", 3 parts");
        SparkAnalyzeIT.assertShipped(run, 3);

        // the control: the model read at the lab's path is not there for the worker's labs
        Path notShipped = lab.home.resolve("not-shipped");
        LabFixture.Result x = lab.runAny("analyze", SparkClusterIT.concat(SparkClusterIT.concat(analysis, "--out",
                notShipped.toString(), "--executor-param", "shipModelMB=0"), spark));
        assertEquals(1, x.code(), x.toString());
        assertTrue(x.err().contains("model folder " + model + " does not exist"), "the worker cannot read the lab's files: " + x.err());
        assertFalse(Files.exists(notShipped));
        SparkAnalyzeIT.assertNoPartLeft();
    }
}
