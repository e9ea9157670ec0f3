package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.latentlab.npy.Npy;

/**
 * A careless researcher on the newest paths, with the real launcher: a large seed file (run in parts) on a small heap
 * runs every time, not only when the garbage collector happened to run before the request was checked; a model.json
 * that is a named pipe is reported, not waited for; a Spark master that does not answer fails the
 * analysis with its address instead of leaving it waiting.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class CarelessIT {

    static final Path MEMORIZER = Path.of(System.getProperty("latentlab.it.models")).resolve("memorizer");

    /** Each test's data folder, under the ITs' work folder; removed after the test. */
    Path home;

    @BeforeEach
    void newHome() throws Exception {
        Path work = Files.createDirectories(Path.of(System.getProperty("latentlab.it.work")));
        home = Files.createTempDirectory(work, "careless-");
    }

    @AfterEach
    void removeHome() throws Exception {
        Files.deleteIfExists(home.resolve("model/model.json")); // a named pipe one test makes: removed, never opened
        ProbeSuiteIT.deleteTree(home);
    }

    record Run(int code, String out, String err) {}

    static Run launch(Path home, String heap, String... args) throws Exception {
        Path script = Path.of(System.getProperty("latentlab.distribution"), "bin", "latentlab");
        List<String> cmd = new java.util.ArrayList<>(List.of(script.toString(), "--home", home.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LATENTLAB_JAVA_OPTS", heap);
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> quietly(p.getErrorStream()));
        CompletableFuture<String> std = CompletableFuture.supplyAsync(() -> quietly(p.getInputStream()));
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("latentlab " + String.join(" ", args) + " did not end: " + err.getNow(""));
        }
        return new Run(p.exitValue(), std.get(), err.get());
    }

    @Test
    void aLargeSeedFileOnASmallHeapRunsEveryTime() throws Exception {
        // 300,000 latent seeds (3 parts of ~100,000, ~23 MB held at once) with -Xmx96m: the lab has just started and
        // checked the file row by row, so much of the heap is garbage when the request is checked. It was refused
        // ("... but this lab can use 3 MB") in 5 of 6 tries before the check collected garbage before refusing.
        int n = 300_000;
        float[] z = new float[n * 4];
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) r.nextGaussian();
        }
        Path seeds = home.resolve("seeds.npy");
        Npy.writeFloats(seeds, new int[] {n, 4}, z);
        for (int attempt = 0; attempt < 3; attempt++) {
            Path out = home.resolve("out-" + attempt);
            Run run = launch(home, "-Xmx96m", "analyze", "--model", MEMORIZER.toString(), "--seeds", seeds.toString(),
                    "--exporters", "json,npy", "--out", out.toString(), "--quiet");
            assertEquals(0, run.code(), "attempt " + attempt + ": " + run.err());
            assertArrayEquals(new int[] {n}, Npy.header(out.resolve("labels.npy")).shape());
            try (Stream<Path> s = Files.list(home)) {
                assertEquals(List.of(), s.map(x -> x.getFileName().toString()).filter(x -> x.contains("staging")).toList());
            }
        }
    }

    @Test
    void aModelJsonThatIsAPipeIsReportedNotWaitedFor() throws Exception {
        // A named pipe (or a stalled mount) where model.json should be must not block anything that reads it first (an
        // engine prewarm in the launcher once did, for good): the command says at once that there is no model.json file.
        Path model = Files.createDirectories(home.resolve("model"));
        org.junit.jupiter.api.Assumptions.assumeTrue(
                new ProcessBuilder("mkfifo", model.resolve("model.json").toString()).start().waitFor() == 0, "mkfifo");
        Run run = launch(home, "-Xmx128m", "analyze", "--model", model.toString(), "--noise", "10", "--out",
                home.resolve("out").toString(), "--quiet");
        assertEquals(1, run.code(), run.err());
        assertEquals("analyze: model folder " + model + " has no model.json", run.err().strip());
    }

    @Test
    void aSparkMasterThatDoesNotAnswerFailsTheAnalysisNamingIt() throws Exception {
        // Nothing listens at the port: Spark itself retried for about a minute and then could leave the driver waiting
        // for good; the driver now checks the master's address first and the lab reports what it found.
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path out = home.resolve("out");
        Run run = launch(home, "-Xmx256m", "analyze", "--model", MEMORIZER.toString(), "--noise", "100", "--spark",
                "spark://127.0.0.1:" + port, "--out", out.toString(), "--quiet");
        assertEquals(1, run.code(), run.err());
        org.junit.jupiter.api.Assertions.assertTrue(run.err().contains("cannot reach the Spark master spark://127.0.0.1:" + port),
                run.err());
        org.junit.jupiter.api.Assertions.assertFalse(Files.exists(out), "nothing written to " + out);
        try (Stream<Path> s = Files.list(home)) {
            assertEquals(List.of(), s.map(x -> x.getFileName().toString()).filter(x -> x.contains("staging")).toList());
        }
    }

    private static void assertArrayEquals(int[] a, int[] b) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(a, b);
    }

    private static String quietly(java.io.InputStream in) {
        try {
            return LabFixture.read(in);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
