package org.latentlab.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.latentlab.api.dynamics.Trajectory;

/**
 * The JMH benchmark's own set-up and method, run on this module's class path: a backend class missing from it (as
 * when {@code RowWorkers} moved into its own bundle and the benchmark's JMH part failed in every set-up while the
 * side-by-side script printed zeros) fails the build here.
 */
class LatentMapBenchmarkTest {

    @BeforeAll
    static void offlineEngines() {
        String cache = Path.of(System.getProperty("java.io.tmpdir"), "latentlab-test-djl").toString(); // the backend tests' cache
        System.setProperty("DJL_CACHE_DIR", cache);
        System.setProperty("ENGINE_CACHE_DIR", cache);
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
    }

    /** Every format of the committed MLP takes the benchmark's 20 steps for every seed and lands where the others do. */
    @Test
    void picardIterationRunsEveryFormatOfTheCommittedModel() throws Exception {
        int batch = 8;
        float[] first = null;
        for (String backend : List.of("torchscript", "onnx", "layers")) {
            LatentMapBenchmark b = new LatentMapBenchmark();
            b.backend = backend;
            b.batch = batch;
            b.map = "fused";
            b.precision = "float32";
            b.models = Path.of("models").toAbsolutePath().toString();
            b.setUp();
            try {
                LatentMapBenchmark.SeedSteps counter = new LatentMapBenchmark.SeedSteps();
                List<Trajectory> runs = b.picardIteration(counter);
                assertEquals(batch, runs.size(), backend);
                // every row through f counts: the first f(z_0), then one per step
                assertEquals((long) batch * (LatentMapBenchmark.STEPS + 1), counter.seedSteps, backend);
                int k = runs.get(0).endpoint().length;
                float[] ends = new float[batch * k];
                for (int i = 0; i < batch; i++) {
                    Trajectory t = runs.get(i);
                    assertEquals(LatentMapBenchmark.STEPS, t.steps(), backend + " seed " + i);
                    assertEquals(LatentMapBenchmark.STEPS + 1, t.mapEvaluations(), backend + " seed " + i);
                    System.arraycopy(t.endpoint(), 0, ends, i * k, k);
                }
                if (first == null) {
                    first = ends;
                } else {
                    for (int j = 0; j < ends.length; j++) {
                        assertEquals(first[j], ends[j], 1e-3 * Math.max(1, Math.abs(first[j])), backend + " value " + j);
                    }
                }
            } finally {
                b.tearDown();
            }
        }
    }
}
