package org.latentlab.engine.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.latentlab.api.Capability;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.clusterers.internal.CosineClusterer;
import org.latentlab.strategies.internal.PicardIteration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a run above the in-memory limit costs the engine itself: the whole analysis ({@link Analysis#run}, streamed
 * picard, cosine clusterer, stability, final pass) of {@code seeds} seeds on a map that costs next to nothing, all in
 * memory ({@code inMemory=all}: one trajectory record per seed, one clustering) against parts of about
 * {@code inMemory} seeds (per-seed results streamed to .npy files, each part clustered, parts merged, labels from a
 * pass over the files). With a real model the map's time comes on top of both. The map contracts every point
 * halfway to the nearest of eight fixed directions of norm 2 (about 12 steps from N(0, 9) seeds). In package
 * {@code org.latentlab.engine.internal} to reach the engine's package-private pipeline.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g"})
@Warmup(iterations = 1)
@Measurement(iterations = 5)
public class LargeRunBenchmark {

    @Param({"1000000"})
    public int seeds;

    @Param({"4"})
    public int latentDim;

    /** "all" (every record in memory) or the in-memory limit above which the run goes in parts. */
    @Param({"all", "100000"})
    public String inMemory;

    private Tensor start;
    private LatentMap map;
    private Path work;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        int k = latentDim;
        Random r = new Random(1);
        float[] centers = new float[8 * k];
        for (int c = 0; c < 8; c++) {
            double norm = 0;
            for (int j = 0; j < k; j++) {
                centers[c * k + j] = (float) r.nextGaussian();
                norm += centers[c * k + j] * centers[c * k + j];
            }
            for (int j = 0; j < k; j++) {
                centers[c * k + j] *= (float) (2 / Math.sqrt(norm));
            }
        }
        map = z -> {
            float[] d = z.data();
            float[] o = new float[d.length];
            for (int i = 0; i < z.rows(); i++) {
                int best = 0;
                double bestD = Double.MAX_VALUE;
                for (int c = 0; c < 8; c++) {
                    double s = 0;
                    for (int j = 0; j < k; j++) {
                        double t = d[i * k + j] - centers[c * k + j];
                        s += t * t;
                    }
                    if (s < bestD) {
                        bestD = s;
                        best = c;
                    }
                }
                for (int j = 0; j < k; j++) {
                    o[i * k + j] = d[i * k + j] + 0.5f * (centers[best * k + j] - d[i * k + j]);
                }
            }
            return Tensor.matrix(z.rows(), k, o);
        };
        float[] s = new float[seeds * k];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (3 * r.nextGaussian());
        }
        start = Tensor.matrix(seeds, k, s);
        work = Files.createTempDirectory("latentlab-large-run-bench");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        WorkFolders.delete(work);
    }

    static <T extends Capability> Analysis.Choice<T> choice(String id, T s) {
        return new Analysis.Choice<>(id, s, Parameters.resolve(id, s.parameters(), Map.of()));
    }

    static final Analysis.Listener QUIET = new Analysis.Listener() {
        public void stage(String stage, long total, String message) {}

        public void advance(long units) {}

        public boolean cancelled() {
            return false;
        }
    };

    @Benchmark
    public Object analyse() {
        Path dir = work.resolve("run");
        int limit = inMemory.equals("all") ? Integer.MAX_VALUE : Integer.parseInt(inMemory);
        Analysis.Outcome o = Analysis.run(new Analysis.Inputs(map, SeedInput.of(start),
                choice("picard", (IterationStrategy) new PicardIteration()), choice("cosine", (AttractorClusterer) new CosineClusterer()),
                List.of(), Optional.empty(), Optional.empty(), 4096, Spectra.Settings.defaults(1e-3), limit, dir), QUIET);
        WorkFolders.delete(dir);
        if (o.attractors().size() != 8 || o.summary().converged() != seeds) {
            throw new IllegalStateException(o.attractors().size() + " attractors, " + o.summary());
        }
        return o;
    }
}
