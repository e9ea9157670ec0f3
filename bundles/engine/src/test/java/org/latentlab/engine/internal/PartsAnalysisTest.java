package org.latentlab.engine.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.attractor.Clustering;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.result.SeedColumn;
import org.latentlab.clusterers.internal.CosineClusterer;
import org.latentlab.clusterers.internal.DbscanClusterer;
import org.latentlab.clusterers.internal.EuclideanClusterer;
import org.latentlab.npy.Npy;
import org.latentlab.strategies.internal.AndersonAcceleration;
import org.latentlab.strategies.internal.PicardIteration;

/**
 * A run above the in-memory limit (parts of seeds, per-seed results streamed to disk, each part clustered alone and
 * the parts merged) finds what the same run finds all in memory, on a map with three known attractors: same
 * attractors (positions, basins, steps), the same label for every seed, the same per-seed records.
 */
class PartsAnalysisTest {

    @TempDir
    Path dir;

    /**
     * Three wells on the unit circle: in polar coordinates r ← r + ½(1 − r), θ ← θ − 0.3 sin 3θ. Attractors at
     * angles 0, 2π/3, 4π/3 (Jacobian eigenvalues ½ radially, 1 − 0.9 = 0.1 along the circle), repelling directions
     * between them.
     */
    static final LatentMap THREE_WELLS = z -> {
        float[] o = new float[z.data().length];
        for (int i = 0; i < z.rows(); i++) {
            double x = z.data()[2 * i];
            double y = z.data()[2 * i + 1];
            double r = Math.hypot(x, y);
            double t = Math.atan2(y, x);
            double r1 = r + 0.5 * (1 - r);
            double t1 = t - 0.3 * Math.sin(3 * t);
            o[2 * i] = (float) (r1 * Math.cos(t1));
            o[2 * i + 1] = (float) (r1 * Math.sin(t1));
        }
        return Tensor.matrix(z.rows(), 2, o);
    };

    static final float[][] KNOWN = {{1, 0}, {(float) Math.cos(2 * Math.PI / 3), (float) Math.sin(2 * Math.PI / 3)},
            {(float) Math.cos(4 * Math.PI / 3), (float) Math.sin(4 * Math.PI / 3)}};

    static Analysis.Outcome run(IterationStrategy s, AttractorClusterer c, Map<String, String> cp, Tensor seeds, int inMemory,
            Path work, List<String> stages) {
        Analysis.Listener l = new Analysis.Listener() {
            public void stage(String stage, long total, String message) {
                stages.add(stage + ": " + message);
            }

            public void advance(long units) {}

            public boolean cancelled() {
                return false;
            }
        };
        return Analysis.run(new Analysis.Inputs(THREE_WELLS, SeedInput.of(seeds), AnalysisTest.choice("s", s, Map.of()),
                AnalysisTest.choice("c", c, cp), List.of(), Optional.empty(), Optional.empty(), 10, Spectra.Settings.defaults(1e-3), inMemory, work), l);
    }

    /** Every seed's record from an outcome's per-seed records (in memory or on disk). */
    static List<Trajectory> records(Analysis.Outcome o, int[] labels) {
        List<Trajectory> out = new ArrayList<>();
        o.perSeed().forEach(64, b -> {
            for (int i = 0; i < b.rows(); i++) {
                out.add(b.trajectory(i));
                labels[(int) b.first() + i] = b.labels()[i];
            }
        });
        return out;
    }

    void assertSameRun(IterationStrategy s, AttractorClusterer c, Map<String, String> cp) throws IOException {
        Tensor seeds = Tensor.ofRows(AnalysisTest.gaussianSeeds(600, 2, 11, 1.5));
        Analysis.Outcome whole = run(s, c, cp, seeds, Integer.MAX_VALUE, null, new ArrayList<>());
        List<String> stages = new ArrayList<>();
        Path work = dir.resolve("work-" + c.getClass().getSimpleName() + "-" + s.getClass().getSimpleName());
        Analysis.Outcome parts = run(s, c, cp, seeds, 100, work, stages);
        assertEquals(c instanceof org.latentlab.api.attractor.MergeableClusterer,
                stages.contains("clustering: merging the clusters of 6 parts"), stages.toString());
        // a streamed strategy's map calls (and so its evaluation counts) follow its batch: each part has its own tail
        boolean sameBatches = !(s instanceof org.latentlab.api.dynamics.StreamingIteration);

        assertEquals(3, whole.attractors().size());
        assertEquals(whole.attractors().size(), parts.attractors().size());
        for (int a = 0; a < 3; a++) {
            Attractor x = whole.attractors().get(a);
            Attractor y = parts.attractors().get(a);
            assertEquals(x.basinSize(), y.basinSize(), "basin of attractor " + a);
            assertArrayEquals(x.latent(), y.latent(), 1e-6f, "attractor " + a);
            float[] p = x.latent();
            assertTrue(java.util.Arrays.stream(KNOWN).anyMatch(k -> Math.hypot(k[0] - p[0], k[1] - p[1]) < 1e-5),
                    "attractor " + a + " at a known well: " + java.util.Arrays.toString(p));
            assertEquals(x.meanSteps(), y.meanSteps(), 1e-12);
            assertEquals(x.predictedSteps(), y.predictedSteps(), 1e-6 * Math.abs(x.predictedSteps()));
            assertEquals(x.spectralRadius(), y.spectralRadius(), 1e-9);
        }
        assertEquals(whole.summary().seeds(), parts.summary().seeds());
        assertEquals(whole.summary().converged(), parts.summary().converged());
        assertEquals(whole.summary().diverged(), parts.summary().diverged());
        if (sameBatches) {
            assertEquals(whole.summary(), parts.summary());
        }
        // in memory: every seed in the outcome; on disk: none there, all in the per-seed files
        assertEquals(600, whole.trajectories().size());
        assertTrue(parts.trajectories().isEmpty() && parts.labels().length == 0 && parts.seeds().rows() == 0);
        int[] labels = new int[600];
        List<Trajectory> read = records(parts, labels);
        assertArrayEquals(whole.labels(), labels, "the same attractor for every seed");
        for (int i = 0; i < 600; i++) {
            Trajectory a = whole.trajectories().get(i);
            Trajectory b = read.get(i);
            assertEquals(i, b.seed());
            assertArrayEquals(a.endpoint(), b.endpoint());
            assertEquals(a.steps(), b.steps());
            assertEquals(a.converged(), b.converged());
            assertEquals(a.diverged(), b.diverged());
            assertEquals(a.pathLength(), b.pathLength());
            assertEquals(a.finalResidual(), b.finalResidual());
            if (sameBatches) {
                assertEquals(a.mapEvaluations(), b.mapEvaluations());
            }
        }
        // the files themselves, as NumPy and the npy exporter see them
        Path ends = parts.perSeed().file(SeedColumn.ENDPOINTS).orElseThrow();
        assertArrayEquals(new int[] {600, 2}, Npy.header(ends).shape());
        assertArrayEquals(whole.trajectories().get(599).endpoint(), Npy.readRows(ends, Npy.header(ends), 599, 600).data());
        Path lab = parts.perSeed().file(SeedColumn.LABELS).orElseThrow();
        assertArrayEquals(whole.labels(), Npy.readIntRows(lab, Npy.header(lab), 0, 600));
        for (SeedColumn col : SeedColumn.values()) {
            assertEquals(600, Npy.header(parts.perSeed().file(col).orElseThrow()).shape()[0], col.fileName());
        }
    }

    @Test
    void cosineByPartsEqualsAllInMemory() throws IOException {
        assertSameRun(new PicardIteration(), new CosineClusterer(), Map.of());
    }

    @Test
    void euclideanByPartsEqualsAllInMemory() throws IOException {
        assertSameRun(new PicardIteration(), new EuclideanClusterer(), Map.of("tolerance", "0.05"));
    }

    @Test
    void dbscanByPartsEqualsAllInMemory() throws IOException {
        // parts of 100 seeds hold ~33 end points per well, far above minPoints
        assertSameRun(new PicardIteration(), new DbscanClusterer(), Map.of("eps", "0.05", "minPoints", "5"));
    }

    @Test
    void aChunkedStrategyByPartsEqualsAllInMemory() throws IOException {
        assertSameRun(new AndersonAcceleration(), new CosineClusterer(), Map.of());
    }

    @Test
    void aClustererThatCannotMergeGetsEveryEndPointAtOnce() throws IOException {
        EuclideanClusterer e = new EuclideanClusterer();
        AttractorClusterer plain = new AttractorClusterer() {
            public List<org.latentlab.api.ParameterSpec> parameters() {
                return e.parameters();
            }

            public Clustering cluster(Tensor endpoints, Parameters params) {
                return e.cluster(endpoints, params);
            }
        };
        assertSameRun(new PicardIteration(), plain, Map.of("tolerance", "0.05"));
    }

    @Test
    void partsAreWholeChunksOfAboutTheLimitAndEqual() {
        assertEquals(100, Analysis.segmentSize(600, 100, 10));
        assertEquals(60, Analysis.segmentSize(101, 100, 10), "101 seeds: two parts of 51, rounded up to whole chunks");
        assertEquals(4096 * 25, Analysis.segmentSize(1_000_000, 100_000, 4096));
        assertEquals(7, Analysis.segmentSize(12, 10, 7));
    }

    @Test
    void seedBlocksOfAnySizeAreRecutInOrderAndACountThatDoesNotMatchFails() {
        Tensor all = Tensor.ofRows(AnalysisTest.gaussianSeeds(25, 3, 1, 1));
        Iterator<Tensor> blocks = List.of(all.slice(0, 4), all.slice(4, 5), all.slice(5, 25)).iterator();
        SeedInput in = SeedInput.of(25, 3, blocks, "test source");
        float[] got = new float[75];
        int at = 0;
        for (int rows : new int[] {7, 7, 7, 7}) {
            Tensor t = in.next(rows);
            System.arraycopy(t.data(), 0, got, at * 3, t.data().length);
            at += t.rows();
        }
        assertEquals(25, at);
        assertArrayEquals(all.data(), got);
        SeedInput shortOne = SeedInput.of(30, 3, List.of(all).iterator(), "test source");
        Exception e = assertThrows(RuntimeException.class, () -> shortOne.next(30));
        assertTrue(e.getMessage().contains("made 25 seeds, 30 were announced"), e.getMessage());
    }

    @Test
    void theWorkFolderHoldsOnlyTheColumnsAndTheSeeds() throws IOException {
        Path work = dir.resolve("w");
        run(new PicardIteration(), new CosineClusterer(), Map.of(), Tensor.ofRows(AnalysisTest.gaussianSeeds(50, 2, 3, 1)), 20,
                work, new ArrayList<>());
        List<String> names = new ArrayList<>();
        try (var s = Files.list(work)) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        }
        java.util.Collections.sort(names);
        List<String> want = new ArrayList<>(java.util.Arrays.stream(SeedColumn.values()).map(SeedColumn::fileName).toList());
        want.add("seeds.npy");
        java.util.Collections.sort(want);
        assertEquals(want, names);
        assertFalse(names.contains("running.npy"), "the running cluster ids are gone once the labels are written");
    }
}
