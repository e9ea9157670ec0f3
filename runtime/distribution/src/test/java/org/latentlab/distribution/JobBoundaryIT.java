package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every job ends, with a message: an {@link Error} inside a job (a plugin's AssertionError,
 * StackOverflowError, a real OutOfMemoryError) fails the job instead of leaving it running;
 * requests that cannot fit in memory, or whose sizes overflow an int, are refused before they run
 * with what they need; a job keeps the services it was accepted with.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a job that never ends fails the test instead of hanging the build
class JobBoundaryIT {

    static final Path MODELS = Path.of(System.getProperty("latentlab.it.models"));
    static final Path MEMORIZER = MODELS.resolve("memorizer");
    static final String METRIC = "org.latentlab.api.metric.Metric";
    static LabFixture lab;

    @BeforeAll
    static void start() throws Exception {
        lab = LabFixture.start("job-boundary", "latentlab-it-faults");
        LabFixture.await("the it-fault metric", () -> lab.service(METRIC, "it-fault").isPresent());
    }

    @AfterAll
    static void stop() {
        lab.close();
    }

    private static Path out(String name) throws Exception {
        return Files.createTempDirectory(lab.home, name + "-").resolve("out");
    }

    private static LabFixture.Result analyze(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--model", MEMORIZER.toString(), "--out", out("a").toString(), "--quiet"));
        args.addAll(List.of(extra));
        return lab.runAny("analyze", args.toArray(String[]::new));
    }

    private static void assertFailedClearly(LabFixture.Result r, String words) {
        assertEquals(1, r.code(), "out: " + r.out() + "\nerr: " + r.err());
        assertTrue(r.err().contains(words), "message should contain '" + words + "': " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void anErrorThrownInsideAJobFailsTheJobWithItsMessage() throws Exception {
        assertFailedClearly(analyze("--noise", "20", "--metric", "it-fault:mode=error"),
                "AssertionError: it-fault: an Error thrown on purpose");
        assertFailedClearly(analyze("--noise", "20", "--metric", "it-fault:mode=stackoverflow"), "StackOverflowError");
        // the engine is still healthy: the next job runs
        LabFixture.Result ok = analyze("--noise", "20", "--metric", "it-fault:mode=ok");
        assertEquals(0, ok.code(), ok.err());
    }

    @Test
    void requestsThatCannotFitAreRefusedBeforeTheyRunSayingWhatTheyNeed() throws Exception {
        // Many seeds alone fit (above inMemorySeeds they run in parts, streamed to disk: LargeRunIT); a part does not
        // fit when each seed is wide. Latent dimension 20,000: a part of ~104,096 seeds needs ~31 GB; refused at
        // submission (model.json is all that is read), not an OutOfMemoryError later.
        Path wide = Files.createDirectories(lab.home.resolve("wide-latent"));
        Files.copy(MEMORIZER.resolve("encoder.onnx"), wide.resolve("encoder.onnx"));
        Files.copy(MEMORIZER.resolve("decoder.onnx"), wide.resolve("decoder.onnx"));
        Files.writeString(wide.resolve("model.json"), "{\"name\": \"wide\", \"inputShape\": [16], \"latentDim\": 20000, "
                + "\"encoder\": \"encoder.onnx\", \"decoder\": \"decoder.onnx\"}");
        LabFixture.Result big = lab.runAny("analyze", "--model", wide.toString(), "--noise", "500000", "--out", out("w").toString());
        assertFailedClearly(big, "500,000 seeds of dimension 20000 run in parts of about 104,096 seeds, which need about");
        assertTrue(big.err().contains("inMemorySeeds") && big.err().contains("-Xmx"), big.err());
        // all in memory below the limit: the seeds themselves
        assertFailedClearly(lab.runAny("analyze", "--model", wide.toString(), "--noise", "90000", "--out", out("w2").toString()),
                "90,000 seeds of dimension 20000 need about");
        // a part of 104,096 x 30,000 values overflows an int: the message says so instead of NegativeArraySizeException
        Files.writeString(wide.resolve("model.json"), "{\"name\": \"wide\", \"inputShape\": [16], \"latentDim\": 30000, "
                + "\"encoder\": \"encoder.onnx\", \"decoder\": \"decoder.onnx\"}");
        assertFailedClearly(lab.runAny("analyze", "--model", wide.toString(), "--noise", "2000000000", "--out", out("w3").toString()),
                "do not fit in one array");

        Path huge = Files.createDirectories(lab.home.resolve("huge-input"));
        Files.copy(MEMORIZER.resolve("encoder.onnx"), huge.resolve("encoder.onnx"));
        Files.copy(MEMORIZER.resolve("decoder.onnx"), huge.resolve("decoder.onnx"));
        Files.writeString(huge.resolve("model.json"), "{\"name\": \"huge\", \"inputShape\": [2000000000], \"latentDim\": 4, "
                + "\"encoder\": \"encoder.onnx\", \"decoder\": \"decoder.onnx\"}");
        LabFixture.Result r = lab.runAny("analyze", "--model", huge.toString(), "--noise", "10", "--out", out("h").toString());
        assertFailedClearly(r, "model 'huge': one input of 2,000,000,000 values");

        Files.writeString(huge.resolve("model.json"), "{\"name\": \"huge\", \"inputShape\": [100000, 100000], \"latentDim\": 4, "
                + "\"encoder\": \"encoder.onnx\", \"decoder\": \"decoder.onnx\"}");
        assertFailedClearly(lab.runAny("analyze", "--model", huge.toString(), "--noise", "10", "--out", out("h2").toString()),
                "do not fit in one array");
    }

    @Test
    void aJobRunsWithTheServicesItWasAcceptedWithOrFailsNamingTheOneRemoved() throws Exception {
        Path dir = Files.createTempDirectory(lab.home, "bind-");
        Path entered = dir.resolve("entered");
        Path release = dir.resolve("release");
        // The first job blocks in its metric stage, so the second one waits in the queue (one job at a time).
        CompletableFuture<LabFixture.Result> first = CompletableFuture.supplyAsync(() -> analyzeQuietly("--noise", "20", "--metric",
                "it-fault:mode=block,entered=" + entered + ",release=" + release));
        LabFixture.await("the first job reached its metric", () -> Files.exists(entered));
        CompletableFuture<LabFixture.Result> second = CompletableFuture.supplyAsync(() -> analyzeQuietly("--noise", "20",
                "--metric", "it-fault:mode=ok"));
        LabFixture.await("the second job is queued", () -> queuedJobs() == 1);

        Files.delete(lab.plugins().resolve("latentlab-it-faults.jar"));
        LabFixture.await("the metric is gone", () -> lab.service(METRIC, "it-fault").isEmpty());
        Files.writeString(release, "go");

        LabFixture.Result r1 = first.get(120, TimeUnit.SECONDS);
        LabFixture.Result r2 = second.get(120, TimeUnit.SECONDS);
        assertFailedClearly(r1, "metric 'it-fault' was removed while it ran");
        assertFailedClearly(r2, "metric 'it-fault' was removed while it ran");

        // put it back for the other tests
        lab.deploy(LabFixture.pluginJar("latentlab-it-faults"), "latentlab-it-faults.jar");
        LabFixture.await("the it-fault metric is back", () -> lab.service(METRIC, "it-fault").isPresent());
    }

    private static LabFixture.Result analyzeQuietly(String... args) {
        try {
            return analyze(args);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Jobs the engine holds in state QUEUED (by reflection: the api classes of this JVM's class path are not the lab's). */
    private static long queuedJobs() {
        try {
            var ref = lab.lab.context().getAllServiceReferences("org.latentlab.api.engine.AnalysisEngine", null)[0];
            Object engine = lab.lab.context().getService(ref);
            try {
                ClassLoader api = engine.getClass().getClassLoader();
                Class<?> engineType = Class.forName("org.latentlab.api.engine.AnalysisEngine", false, api);
                var status = Class.forName("org.latentlab.api.engine.Job", false, api).getMethod("status");
                List<?> jobs = (List<?>) engineType.getMethod("jobs").invoke(engine);
                long n = 0;
                for (Object j : jobs) {
                    var m = status;
                    if (String.valueOf(m.invoke(j)).equals("QUEUED")) {
                        n++;
                    }
                }
                return n;
            } finally {
                lab.lab.context().ungetService(ref);
            }
        } catch (ReflectiveOperationException | org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aRealOutOfMemoryErrorFailsTheJobAndTheCommandEnds() throws Exception {
        // Its own process with a small heap: an OutOfMemoryError must not hit the other tests' lab.
        Path home = Files.createTempDirectory(Files.createDirectories(Path.of(System.getProperty("latentlab.it.work"))), "oom-");
        Files.createDirectories(home.resolve("plugins"));
        Files.copy(LabFixture.pluginJar("latentlab-it-faults"), home.resolve("plugins/latentlab-it-faults.jar"));
        Path script = Path.of(System.getProperty("latentlab.distribution"), "bin", "latentlab");
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "--home", home.toString(), "analyze", "--model",
                MEMORIZER.toString(), "--noise", "20", "--metric", "it-fault:mode=oom", "--out", home.resolve("out").toString(),
                "--quiet");
        pb.environment().put("LATENTLAB_JAVA_OPTS", "-Xmx320m");
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> quietly(p.getErrorStream()));
        CompletableFuture.supplyAsync(() -> quietly(p.getInputStream()));
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("analyze with an OutOfMemoryError in a job did not end");
        }
        assertEquals(1, p.exitValue(), err.get());
        assertTrue(err.get().contains("out of memory in stage 'metrics'"), err.get());
        assertFalse(err.get().contains("\tat "), err.get());
    }

    /** What lies beside an output (its staging folder while a job writes). */
    private static List<String> beside(Path out) throws java.io.IOException {
        try (java.util.stream.Stream<Path> s = Files.list(out.getParent())) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aJobThatFailsAfterWritingPerSeedFilesRemovesThemWithItsStagingFolder() throws Exception {
        // 150,000 seeds: above inMemorySeeds (100,000) every seed's result streams into the staging folder; the metric
        // stage comes after all of them were written
        Path out = out("parts-fail");
        LabFixture.Result r = lab.runAny("analyze", "--model", MEMORIZER.toString(), "--noise", "150000", "--metric",
                "it-fault:mode=error", "--out", out.toString(), "--quiet");
        assertFailedClearly(r, "AssertionError: it-fault: an Error thrown on purpose");
        assertEquals(List.of(), beside(out), "no output, no staging folder, no per-seed files");
    }

    @Test
    void aLabStoppedWhileAJobWritesRemovesTheJobsStagingFolder() throws Exception {
        // The real launcher, stopped by SIGTERM (Ctrl-C, a CI timeout) while a job of 150,000 seeds waits in its metric
        // stage with every per-seed file written: the shutdown stops the engine, which cancels the job and waits for it
        // to remove its staging folder (the job threads are daemons: without the wait they die with the files left). The
        // metric goes on for 5 s after the interrupt, as a long native call would: the lab's stop must wait for it.
        Path home = Files.createTempDirectory(Files.createDirectories(Path.of(System.getProperty("latentlab.it.work"))), "stop-");
        try {
            Files.createDirectories(home.resolve("plugins"));
            Files.copy(LabFixture.pluginJar("latentlab-it-faults"), home.resolve("plugins/latentlab-it-faults.jar"));
            Path out = Files.createDirectories(home.resolve("outs")).resolve("out");
            Path entered = home.resolve("entered");
            Path script = Path.of(System.getProperty("latentlab.distribution"), "bin", "latentlab");
            Process p = new ProcessBuilder(script.toString(), "--home", home.toString(), "analyze", "--model",
                    MEMORIZER.toString(), "--noise", "150000", "--metric", "it-fault:mode=block,busyMillis=5000,entered=" + entered
                    + ",release=" + home.resolve("never"), "--out", out.toString(), "--quiet").redirectErrorStream(true).start();
            p.getOutputStream().close();
            CompletableFuture<String> log = CompletableFuture.supplyAsync(() -> quietly(p.getInputStream()));
            try {
                LabFixture.await("the job reached its metric stage", () -> Files.exists(entered) || !p.isAlive());
                assertTrue(p.isAlive(), "analyze ended early: " + log.getNow(""));
                List<String> staging = beside(out);
                assertEquals(1, staging.size(), "one staging folder while the job runs: " + staging);
                assertTrue(Files.isDirectory(out.getParent().resolve(staging.get(0)).resolve(".per-seed")),
                        "the per-seed files are in it");
                p.destroy(); // SIGTERM: the launcher's shutdown hook stops the lab
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("the lab did not stop: " + log.getNow(""));
                }
            } finally {
                p.destroyForcibly();
            }
            assertEquals(List.of(), beside(out), "the stopped job removed its staging folder: " + log.get());
        } finally {
            ProbeSuiteIT.deleteTree(home); // keep it-work small
        }
    }

    private static String quietly(java.io.InputStream in) {
        try {
            return LabFixture.read(in);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
