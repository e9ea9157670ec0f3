package org.latentlab.engine.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.clusterers.internal.EuclideanClusterer;
import org.latentlab.strategies.internal.PicardIteration;

/**
 * The engine's fast path: a {@link org.latentlab.api.dynamics.StreamingIteration} strategy gets the whole run
 * (one batch refilled as seeds finish) and finds what the same strategy finds chunk by chunk; the model's map goes
 * through {@link LatentModel#latentSteps} in sub-batches of the model batch.
 */
class StreamedAnalysisTest {

    /** Picard seen only as a plain IterationStrategy: the engine runs it chunk by chunk, as before. */
    static final IterationStrategy CHUNKED = new IterationStrategy() {
        final PicardIteration picard = new PicardIteration();

        public List<ParameterSpec> parameters() {
            return picard.parameters();
        }

        public List<Trajectory> iterate(LatentMap map, Tensor seeds, Parameters params, Progress progress) {
            return PicardIteration.plain(map, seeds, params, progress);
        }
    };

    static Analysis.Outcome analyse(LatentMap f, Tensor seeds, IterationStrategy s, int chunk, List<String> stages) {
        Analysis.Listener l = new Analysis.Listener() {
            public void stage(String stage, long total, String message) {
                stages.add(stage + ": " + message);
            }

            public void advance(long units) {}

            public boolean cancelled() {
                return false;
            }
        };
        return Analysis.run(new Analysis.Inputs(f, seeds, AnalysisTest.choice("picard", s, Map.of()),
                AnalysisTest.choice("euclidean", (AttractorClusterer) new EuclideanClusterer(), Map.of()), List.of(),
                Optional.empty(), Optional.empty(), chunk, 1e-3), l);
    }

    @Test
    void streamedPicardFindsWhatChunkedPicardFindsSeedForSeed() {
        // two wells, a slow direction (rate 0.98 near (±1, 0)) so seeds stop at very different steps
        LatentMap wells = z -> {
            float[] o = new float[z.data().length];
            for (int r = 0; r < z.rows(); r++) {
                float x = z.data()[2 * r];
                float y = z.data()[2 * r + 1];
                o[2 * r] = x + 0.5f * (x - x * x * x);
                o[2 * r + 1] = 0.98f * y + 0.01f * x * y;
            }
            return Tensor.matrix(z.rows(), 2, o);
        };
        Tensor seeds = Tensor.ofRows(AnalysisTest.gaussianSeeds(300, 2, 5, 1.5));
        List<String> chunkedStages = new ArrayList<>();
        List<String> streamedStages = new ArrayList<>();
        Analysis.Outcome chunked = analyse(wells, seeds, CHUNKED, 32, chunkedStages);
        Analysis.Outcome streamed = analyse(wells, seeds, new PicardIteration(), 32, streamedStages);
        assertEquals(2, chunked.attractors().size());
        assertArrayEquals(chunked.labels(), streamed.labels());
        for (int i = 0; i < 300; i++) {
            Trajectory a = chunked.trajectories().get(i);
            Trajectory b = streamed.trajectories().get(i);
            assertEquals(i, b.seed());
            assertEquals(a.steps(), b.steps(), "seed " + i);
            assertArrayEquals(a.endpoint(), b.endpoint(), "seed " + i);
        }
        for (int a = 0; a < 2; a++) {
            assertArrayEquals(chunked.attractors().get(a).latent(), streamed.attractors().get(a).latent());
            assertEquals(chunked.attractors().get(a).basinSize(), streamed.attractors().get(a).basinSize());
        }
        // chunk by chunk: one stage line per chunk; streamed: one for the whole run
        assertEquals(10, chunkedStages.stream().filter(s -> s.startsWith("iterating")).count());
        assertEquals(List.of("iterating: 300 seeds, 32 at a time"),
                streamedStages.stream().filter(s -> s.startsWith("iterating")).toList());
    }

    @Test
    void aStreamedRunChecksItsServicesWhileItIterates() {
        // seeds that never converge (a rotation): only the engine's check between chunkSize seed-steps can stop the run
        LatentMap rotation = z -> {
            float[] o = new float[z.data().length];
            for (int r = 0; r < z.rows(); r++) {
                o[2 * r] = -z.data()[2 * r + 1];
                o[2 * r + 1] = z.data()[2 * r];
            }
            return Tensor.matrix(z.rows(), 2, o);
        };
        long[] advanced = {0};
        Analysis.Listener l = new Analysis.Listener() {
            public void stage(String stage, long total, String message) {}

            public void advance(long units) {
                advanced[0] += units;
            }

            public boolean cancelled() {
                return false;
            }

            public void checkpoint() {
                if (advanced[0] > 0) {
                    throw new LatentLabException("clusterer 'euclidean' was removed while it ran");
                }
            }
        };
        LatentLabException e = assertThrows(LatentLabException.class, () -> Analysis.run(new Analysis.Inputs(rotation,
                Tensor.ofRows(AnalysisTest.gaussianSeeds(1000, 2, 6, 1)),
                AnalysisTest.choice("picard", new PicardIteration(), Map.of("maxSteps", "2000")),
                AnalysisTest.choice("euclidean", (AttractorClusterer) new EuclideanClusterer(), Map.of()), List.of(),
                Optional.empty(), Optional.empty(), 64, 1e-3), l));
        assertTrue(e.getMessage().contains("removed"), e.getMessage());
        assertTrue(advanced[0] < 200, "stopped after about one chunk of seed-steps, not at the end: " + advanced[0]);
    }

    @Test
    void aStreamingStrategyThatLosesSeedsFailsTheRun() {
        IterationStrategy lossy = new org.latentlab.api.dynamics.StreamingIteration() {
            public List<ParameterSpec> parameters() {
                return new PicardIteration().parameters();
            }

            public List<Trajectory> iterate(LatentMap map, Tensor seeds, Parameters params, Progress progress) {
                return List.of();
            }

            public List<Trajectory> iterate(LatentMap map, Tensor seeds, int batch, Parameters params, Progress progress) {
                return List.of();
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> analyse(z -> z, Tensor.ofRows(new float[][] {{1, 2}}), lossy, 8, new ArrayList<>()));
        assertTrue(e.getMessage().contains("returned 0 trajectories for 1 seeds"), e.getMessage());
    }

    /** f(z) = ½ z + 1 per value, with encode / decode / latentSteps calls recorded. */
    static class HalvingModel implements LatentModel {
        final List<String> calls = new ArrayList<>();
        final boolean fused;

        HalvingModel(boolean fused) {
            this.fused = fused;
        }

        public ModelSpec spec() {
            return new ModelSpec(java.nio.file.Path.of("."), "halving", new int[] {3}, 3, "e", "d", null);
        }

        public Tensor encode(Tensor x) {
            calls.add("encode " + x.rows());
            float[] o = x.data().clone();
            for (int i = 0; i < o.length; i++) {
                o[i] = 0.5f * o[i] + 1;
            }
            return Tensor.matrix(x.rows(), 3, o);
        }

        public Tensor decode(Tensor z) {
            calls.add("decode " + z.rows());
            return Tensor.matrix(z.rows(), 3, z.data().clone());
        }

        @Override
        public Tensor latentSteps(Tensor z, int steps) {
            if (!fused) {
                return LatentModel.super.latentSteps(z, steps);
            }
            calls.add("steps " + z.rows() + "x" + steps);
            LatentMap f = x -> {
                float[] o = x.data().clone();
                for (int i = 0; i < o.length; i++) {
                    o[i] = 0.5f * o[i] + 1;
                }
                return Tensor.matrix(x.rows(), 3, o);
            };
            return f.applySteps(z, steps);
        }

        public void close() {}
    }

    @Test
    void theModelMapSplitsIntoModelBatchesAndPutsEachStepInItsPlace() {
        float[] z = new float[10 * 3];
        for (int i = 0; i < z.length; i++) {
            z[i] = i;
        }
        for (boolean fused : new boolean[] {true, false}) {
            HalvingModel m = new HalvingModel(fused);
            ModelLatentMap f = new ModelLatentMap(m, new ModelBatch("m", 4));
            Tensor out = f.applySteps(Tensor.matrix(10, 3, z), 3);
            assertArrayEquals(new int[] {3, 10, 3}, out.shape());
            for (int s = 0; s < 3; s++) {
                for (int i = 0; i < z.length; i++) {
                    double want = z[i];
                    for (int r = 0; r <= s; r++) {
                        want = 0.5 * want + 1;
                    }
                    assertEquals(want, out.data()[s * z.length + i], 1e-5, "step " + (s + 1) + " value " + i);
                }
            }
            Tensor one = f.apply(Tensor.matrix(10, 3, z));
            assertArrayEquals(new int[] {10, 3}, one.shape());
            assertArrayEquals(java.util.Arrays.copyOf(out.data(), 30), one.data());
            if (fused) { // one model call per sub-batch of at most 4 rows, whatever the steps
                assertEquals(List.of("steps 4x3", "steps 4x3", "steps 2x3", "steps 4x1", "steps 4x1", "steps 2x1"), m.calls);
            } else { // a backend without its own latentSteps: decode then encode, per step and sub-batch
                assertEquals(2 * (3 * 3 + 3), m.calls.size());
                assertEquals(List.of("decode 4", "encode 4", "decode 4", "encode 4"), m.calls.subList(0, 4));
            }
        }
    }

    @Test
    void aModelThatReturnsTheWrongNumberOfValuesIsNamed() {
        LatentModel broken = new HalvingModel(true) {
            @Override
            public Tensor latentSteps(Tensor z, int steps) {
                return Tensor.matrix(z.rows(), 3, new float[z.rows() * 3]); // one step, whatever was asked
            }
        };
        LatentLabException e = assertThrows(LatentLabException.class,
                () -> new ModelLatentMap(broken, new ModelBatch("broken", 8)).applySteps(Tensor.matrix(2, 3, new float[6]), 4));
        assertTrue(e.getMessage().contains("model 'halving'") && e.getMessage().contains("4 steps"), e.getMessage());
    }

    /** An engine that cannot allocate calls above {@code limit} rows (libtorch's message), or any call at all. */
    static LatentModel shortOfMemory(int limit, List<Integer> tried) {
        return new HalvingModel(true) {
            @Override
            public Tensor latentSteps(Tensor z, int steps) {
                tried.add(z.rows());
                if (z.rows() > limit) {
                    throw new RuntimeException(new IllegalStateException("[enforce fail at alloc_cpu.cpp:117] data. "
                            + "DefaultCPUAllocator: not enough memory: you tried to allocate 3221225472 bytes."));
                }
                return super.latentSteps(z, steps);
            }
        };
    }

    @Test
    void aCallTheEngineCannotAllocateIsRunAgainOnHalfTheRowsWithTheSameResults() {
        float[] z = new float[10 * 3];
        for (int i = 0; i < z.length; i++) {
            z[i] = i;
        }
        Tensor want = new ModelLatentMap(new HalvingModel(true), new ModelBatch("m", 16)).applySteps(Tensor.matrix(10, 3, z), 2);
        List<Integer> tried = new ArrayList<>();
        ModelBatch batch = new ModelBatch("m", 16);
        Tensor got = new ModelLatentMap(shortOfMemory(3, tried), batch).applySteps(Tensor.matrix(10, 3, z), 2);
        assertArrayEquals(want.data(), got.data());
        assertEquals(2, batch.size(), "16 -> (10 rows failed) 5 -> 2");
        assertEquals(2, batch.lowered());
        assertEquals(List.of(10, 10, 5, 2, 2, 2, 2, 2), tried);
        // the batch stays lowered for the rest of the job: the next call goes straight to 2 rows
        tried.clear();
        new ModelLatentMap(shortOfMemory(3, tried), batch).apply(Tensor.matrix(4, 3, new float[12]));
        assertEquals(List.of(2, 2), tried);
    }

    @Test
    void aModelWhoseSingleRowCannotBeAllocatedIsRefusedAndOtherErrorsAreNotRetried() {
        List<Integer> tried = new ArrayList<>();
        LatentLabException e = assertThrows(LatentLabException.class,
                () -> new ModelLatentMap(shortOfMemory(0, tried), new ModelBatch("big", 4)).apply(Tensor.matrix(6, 3, new float[18])));
        assertTrue(e.getMessage().startsWith("model 'big': the engine cannot allocate the memory for even one input"), e.getMessage());
        assertTrue(e.getMessage().contains("not enough memory"), e.getMessage());
        assertEquals(List.of(4, 2, 1), tried);
        List<Integer> rowsTried = new ArrayList<>();
        LatentModel wrong = new HalvingModel(true) {
            @Override
            public Tensor latentSteps(Tensor z, int steps) {
                rowsTried.add(z.rows());
                throw new IllegalArgumentException("shape mismatch in layer 2");
            }
        };
        assertThrows(IllegalArgumentException.class, () -> new ModelLatentMap(wrong, new ModelBatch("w", 4)).apply(Tensor.matrix(6, 3, new float[18])));
        assertEquals(List.of(4), rowsTried, "not an allocation failure: not run again");
        assertTrue(ModelBatch.isAllocationFailure(new RuntimeException("x", new OutOfMemoryError("Java heap space"))));
        assertTrue(ModelBatch.isAllocationFailure(new RuntimeException("ai.onnxruntime.OrtException: Error code - ORT_RUNTIME_EXCEPTION - "
                + "message: Failed to allocate memory for requested buffer of size 805306368")));
        assertFalse(ModelBatch.isAllocationFailure(new RuntimeException("model file is corrupt")));
    }

    @Test
    void encodingInputsLowersTheBatchTooAndKeepsTheOrder() {
        LatentModel m = new HalvingModel(true) {
            @Override
            public Tensor encode(Tensor x) {
                if (x.rows() > 2) {
                    throw new IllegalStateException("bad_alloc");
                }
                return Tensor.matrix(x.rows(), 3, java.util.Arrays.copyOf(x.data(), x.rows() * 3));
            }
        };
        float[] x = new float[7 * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        ModelBatch batch = new ModelBatch("m", 8);
        Tensor z = SeedReader.encodeInBatches(m, 7, batch, (from, to) -> Tensor.matrix(to - from, 3,
                java.util.Arrays.copyOfRange(x, from * 3, to * 3)));
        assertArrayEquals(x, z.data());
        assertEquals(1, batch.size(), "8 -> (7 rows failed) 3 -> (failed) 1");
    }
}
