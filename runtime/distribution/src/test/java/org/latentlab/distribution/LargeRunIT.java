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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.latentlab.npy.Npy;

/**
 * An analysis above the engine's in-memory limit (100,000 seeds) in the real launcher with a heap far too small to
 * hold one record per seed: it runs in parts, streams every seed's result to .npy files, keeps result.json to
 * counts and attractors, and finds the memorizer's seven attractors with the same end points and attractors for the
 * seeds an in-memory run of the first 50,000 of them finds.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class LargeRunIT {

    static final Path MEMORIZER = Path.of(System.getProperty("latentlab.it.models")).resolve("memorizer");
    static final int N = 400_000;
    static final int K = 4;

    /** One process of the launcher with {@code -Xmx64m}: 400,000 records of ~200 bytes alone would need 80 MB. */
    static String runSmallHeap(Path home, Path out) throws Exception {
        Path script = Path.of(System.getProperty("latentlab.distribution"), "bin", "latentlab");
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "--home", home.toString(), "analyze", "--model",
                MEMORIZER.toString(), "--noise", Integer.toString(N), "--noise-sigma", "3", "--metric", "sparsity",
                "--exporters", "json,npy,csv,html", "--out", out.toString(), "--quiet");
        pb.environment().put("LATENTLAB_JAVA_OPTS", "-Xmx64m");
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> quietly(p.getErrorStream()));
        CompletableFuture<String> std = CompletableFuture.supplyAsync(() -> quietly(p.getInputStream()));
        if (!p.waitFor(400, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("analyze of " + N + " seeds did not end");
        }
        assertEquals(0, p.exitValue(), std.get() + "\n" + err.get());
        return std.get();
    }

    @Test
    void manySeedsRunInPartsWithASmallHeapAndTheFilesHoldEverySeed() throws Exception {
        Path work = Files.createDirectories(Path.of(System.getProperty("latentlab.it.work")));
        Path home = Files.createTempDirectory(work, "large-run-");
        Path out = home.resolve("out");
        String text = runSmallHeap(home, out);
        assertTrue(text.contains(N + " seeds"), text);

        JsonNode r = new ObjectMapper().readTree(out.resolve("result.json").toFile());
        assertEquals(N, r.at("/seeds/count").asInt());
        assertFalse(r.at("/seeds/trajectoriesListed").asBoolean());
        assertTrue(r.at("/trajectories").isMissingNode(), "no per-seed list above the in-memory limit");
        assertEquals(N, r.at("/summary/converged").asLong() + r.at("/summary/diverged").asLong()
                + r.at("/summary/notConverged").asLong());
        assertEquals(7, r.at("/attractors").size(), "the memorizer's seven attractors");
        assertEquals(N, r.at("/metrics/sparsity/seeds").asInt(), "metrics read every seed from the streamed records");
        assertTrue(Files.exists(out.resolve("attractors.csv")) && !Files.exists(out.resolve("trajectories.csv")));
        assertTrue(Files.readString(out.resolve("report.html")).contains(N + " seeds"));

        // every per-seed column, one row per seed, in the documented types
        for (String f : List.of("labels", "steps")) {
            Npy.Header h = Npy.header(out.resolve(f + ".npy"));
            assertArrayEquals(new int[] {N}, h.shape(), f);
            assertEquals("i4", h.type(), f);
        }
        for (String f : List.of("converged", "diverged")) {
            assertEquals("u1", Npy.header(out.resolve(f + ".npy")).type(), f);
            assertArrayEquals(new int[] {N}, Npy.header(out.resolve(f + ".npy")).shape(), f);
        }
        for (String f : List.of("path_lengths", "residuals")) {
            assertEquals("f8", Npy.header(out.resolve(f + ".npy")).type(), f);
        }
        assertEquals("i8", Npy.header(out.resolve("map_evaluations.npy")).type());
        Npy.Header eh = Npy.header(out.resolve("endpoints.npy"));
        assertArrayEquals(new int[] {N, K}, eh.shape());
        int[] labels = Npy.readIntRows(out.resolve("labels.npy"), Npy.header(out.resolve("labels.npy")), 0, N);
        long[] conv = Npy.readLongRows(out.resolve("converged.npy"), Npy.header(out.resolve("converged.npy")), 0, N);
        assertEquals(r.at("/summary/converged").asLong(), java.util.Arrays.stream(conv).sum());
        int[] basin = new int[7];
        for (int i = 0; i < N; i++) {
            assertTrue(labels[i] >= -1 && labels[i] < 7, "label of seed " + i);
            assertTrue(labels[i] < 0 || conv[i] == 1, "a labelled seed converged");
            if (labels[i] >= 0) {
                basin[labels[i]]++;
            }
        }
        for (int a = 0; a < 7; a++) {
            assertEquals(r.at("/attractors/" + a + "/basinSize").asInt(), basin[a], "basin of attractor " + a);
        }
        // attractors at the independent PyTorch run's positions (make_memorizer.py)
        float[] ref = Npy.readFloats(MEMORIZER.resolve("reference_attractors.npy")).data();
        float[] got = Npy.readFloats(out.resolve("attractors.npy")).data();
        for (int a = 0; a < 7; a++) {
            assertTrue(nearest(got, a, ref) < 1e-4, "attractor " + a + " matches a reference attractor");
        }
        // nothing left of the work folder
        try (Stream<Path> s = Files.list(home)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains("latentlab-staging")), "staging folders gone");
        }
        try (Stream<Path> s = Files.list(out)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".per-seed")));
        }

        // the first 50,000 seeds analysed all in memory (the same Gaussian draw): same end points, same attractors
        try (LabFixture lab = LabFixture.start("large-run-small")) {
            Path small = lab.home.resolve("small");
            lab.run("analyze", "--model", MEMORIZER.toString(), "--noise", "50000", "--noise-sigma", "3", "--exporters",
                    "json,npy", "--out", small.toString(), "--quiet");
            JsonNode rs = new ObjectMapper().readTree(small.resolve("result.json").toFile());
            assertEquals(50_000, rs.get("trajectories").size(), "below the limit every record is listed");
            float[] smallEnds = Npy.readFloats(small.resolve("endpoints.npy")).data();
            float[] bigEnds = Npy.readRows(out.resolve("endpoints.npy"), eh, 0, 50_000).data();
            assertArrayEquals(smallEnds, bigEnds, 1e-6f);
            int[] smallLabels = Npy.readIntRows(small.resolve("labels.npy"), Npy.header(small.resolve("labels.npy")), 0, 50_000);
            float[] smallAtt = Npy.readFloats(small.resolve("attractors.npy")).data();
            for (int i = 0; i < 50_000; i++) {
                assertEquals(smallLabels[i] < 0, labels[i] < 0, "seed " + i);
                if (labels[i] >= 0) {
                    assertTrue(distance(got, labels[i], smallAtt, smallLabels[i]) < 1e-4, "seed " + i + " reaches the same attractor");
                }
            }
        }
    }

    private static double distance(float[] a, int i, float[] b, int j) {
        double d = 0;
        for (int c = 0; c < K; c++) {
            double t = a[i * K + c] - b[j * K + c];
            d += t * t;
        }
        return Math.sqrt(d);
    }

    /** Relative distance from attractor a of {@code got} to the nearest row of {@code ref}. */
    private static double nearest(float[] got, int a, float[] ref) {
        double best = Double.MAX_VALUE;
        double norm = distance(got, a, new float[K], 0);
        for (int b = 0; b < ref.length / K; b++) {
            best = Math.min(best, distance(got, a, ref, b) / Math.max(1, norm));
        }
        return best;
    }

    private static String quietly(java.io.InputStream in) {
        try {
            return LabFixture.read(in);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
