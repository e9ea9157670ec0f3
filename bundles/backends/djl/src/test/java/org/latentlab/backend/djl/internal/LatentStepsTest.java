package org.latentlab.backend.djl.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.strategies.internal.PicardIteration;
import org.latentlab.rowworkers.RowWorkers;

/**
 * {@link LatentModel#latentSteps} on libtorch (layer stacks and TorchScript: E∘D in one native call, several steps
 * per call) and on ONNX Runtime (the decoded batch stays in a native buffer) against decode and encode called one after
 * the other; and picard on real models, batched with
 * latentSteps, against the plain loop with encode(decode(z)) per step.
 */
class LatentStepsTest {

    static final Path MODELS = DjlBackendsTest.MODELS;
    static final Path MLP784 = Path.of("../../../runtime/benchmarks/models").toAbsolutePath().normalize();

    @BeforeAll
    static void offlineEngines() {
        DjlBackendsTest.offlineEngines();
    }

    static LatentModel memorizer(String format) {
        return switch (format) {
            case "layers" -> new LayersBackend().load(DjlBackendsTest.spec(MODELS.resolve("memorizer-layers"), 4, ".layers.json"));
            case "torchscript" -> new TorchScriptBackend().load(DjlBackendsTest.spec(MODELS.resolve("memorizer-torchscript"), 4, ".pt"));
            default -> new OnnxBackend().load(DjlBackendsTest.spec(MODELS.resolve("memorizer"), 4, ".onnx"));
        };
    }

    static Tensor gaussian(int n, int k, double sigma, long seed) {
        Random r = new Random(seed);
        float[] d = new float[n * k];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (sigma * r.nextGaussian());
        }
        return Tensor.matrix(n, k, d);
    }

    /** encode(decode(z)) repeated, one step per call: what latentSteps must give. */
    static float[] repeated(LatentModel m, Tensor z, int steps) {
        int n = z.rows();
        int k = z.width();
        float[] out = new float[steps * n * k];
        Tensor cur = z;
        for (int s = 0; s < steps; s++) {
            cur = m.encode(m.decode(cur));
            System.arraycopy(cur.data(), 0, out, s * n * k, n * k);
        }
        return out;
    }

    /**
     * Enough rows for the row workers (two parts of 150 rows run side by side, each in blocks, each with one libtorch
     * thread): the same values as decode and encode on the caller's thread, on both libtorch formats; and with the
     * workers turned off (a model loaded with latentlab.libtorch.rowWorkers=1), the same again.
     */
    @Test
    void rowsSplitAcrossWorkersGiveWhatOneThreadGives() {
        Tensor z = gaussian(300, 32, 1, 11);
        ModelSpec spec = new ModelSpec(MLP784.resolve("mlp784-torchscript"), "mlp784", new int[] {784}, 32, "encoder.pt",
                "decoder.pt", null);
        ModelSpec layers = new ModelSpec(MLP784.resolve("mlp784-layers"), "mlp784", new int[] {784}, 32,
                "encoder.layers.json", "decoder.layers.json", null);
        float[] alone;
        System.setProperty(RowWorkers.PROPERTY, "1");
        try (LatentModel m = new TorchScriptBackend().load(spec)) {
            alone = m.latentSteps(z, 3).data();
        } finally {
            System.clearProperty(RowWorkers.PROPERTY);
        }
        for (LatentModel m : List.of(new TorchScriptBackend().load(spec), new LayersBackend().load(layers))) {
            try (m) {
                float[] split = m.latentSteps(z, 3).data();
                float[] want = repeated(m, z, 3);
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], split[i], 1e-5 * Math.max(1, Math.abs(want[i])), m + " value " + i);
                    assertEquals(alone[i], split[i], 1e-5 * Math.max(1, Math.abs(alone[i])), m + " value " + i);
                }
            }
        }
        // ONNX Runtime the same way: rows split across workers (sessions of one intra-op thread), for the latent map and
        // for encode and decode, against one caller with two threads in the session
        ModelSpec onnx = new ModelSpec(MLP784.resolve("mlp784-onnx"), "mlp784", new int[] {784}, 32, "encoder.onnx",
                "decoder.onnx", null);
        float[] onnxAlone;
        float[] decodedAlone;
        System.setProperty(OnnxLatentModel.ROW_WORKERS, "1");
        try (LatentModel m = new OnnxBackend().load(onnx)) {
            onnxAlone = m.latentSteps(z, 3).data();
            decodedAlone = m.decode(z).data();
        } finally {
            System.clearProperty(OnnxLatentModel.ROW_WORKERS);
        }
        try (LatentModel m = new OnnxBackend().load(onnx)) {
            float[] split = m.latentSteps(z, 3).data();
            float[] want = repeated(m, z, 3);
            Tensor decoded = m.decode(z);
            assertArrayEquals(new int[] {300, 784}, decoded.shape());
            for (int i = 0; i < decodedAlone.length; i++) {
                assertEquals(decodedAlone[i], decoded.data()[i], 1e-5 * Math.max(1, Math.abs(decodedAlone[i])), "decoded " + i);
            }
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], split[i], 1e-5 * Math.max(1, Math.abs(want[i])), "onnx value " + i);
                assertEquals(onnxAlone[i], split[i], 1e-5 * Math.max(1, Math.abs(onnxAlone[i])), "onnx value " + i);
            }
        }
    }

    @Test
    void latentStepsAreEncodeOfDecodeRepeatedOnEveryEngine() {
        Tensor z = gaussian(37, 4, 2, 1);
        for (String format : List.of("layers", "torchscript", "onnx")) {
            try (LatentModel m = memorizer(format)) {
                for (int steps : new int[] {1, 5}) {
                    Tensor t = m.latentSteps(z, steps);
                    assertArrayEquals(new int[] {steps, 37, 4}, t.shape(), format);
                    float[] want = repeated(m, z, steps);
                    for (int i = 0; i < want.length; i++) {
                        assertEquals(want[i], t.data()[i], 1e-6 * Math.max(1, Math.abs(want[i])), format + " value " + i);
                    }
                }
                // the input is not changed, and a second call gives the same values (nothing left over from the first)
                assertArrayEquals(gaussian(37, 4, 2, 1).data(), z.data());
                assertArrayEquals(m.latentSteps(z, 3).data(), m.latentSteps(z, 3).data(), format);
            }
        }
    }

    @Test
    void rowsPerLibtorchBlockShrinkWithTheInputSize() {
        assertEquals(512, DjlLatentModel.blockRows(16));
        assertEquals(512, DjlLatentModel.blockRows(784), "the MLP's measured best");
        assertEquals(8, DjlLatentModel.blockRows(3 * 128 * 128), "196 KB rows: a few per block");
        assertEquals(1, DjlLatentModel.blockRows(3 * 1024 * 1024), "never none");
        assertEquals(256, OnnxLatentModel.blockRows(784), "ONNX Runtime's measured best for the MLP");
        assertEquals(8, OnnxLatentModel.blockRows(3 * 128 * 128));
        Map<String, String> settings = Map.of("MALLOC_MMAP_THRESHOLD_", "33554432", "MALLOC_TRIM_THRESHOLD_", "67108864");
        long launcher = DjlLatentModel.keptBytes("Linux", settings);
        assertEquals(32L << 20, launcher, "bin/latentlab's settings: the smaller of the two");
        assertEquals(0, DjlLatentModel.keptBytes("Mac OS X", settings), "not glibc");
        assertEquals(0, DjlLatentModel.keptBytes("Linux", Map.of()), "glibc's own adaptive thresholds: nothing assumed");
        assertEquals(0, DjlLatentModel.keptBytes("Linux", Map.of("MALLOC_MMAP_THRESHOLD_", "33554432")), "both are needed");
        assertEquals(0, DjlLatentModel.keptBytes("Linux", Map.of("MALLOC_MMAP_THRESHOLD_", "32M", "MALLOC_TRIM_THRESHOLD_",
                "67108864")), "not a number");
        assertEquals(0, DjlLatentModel.keptBytes("Linux", Map.of("MALLOC_MMAP_THRESHOLD_", "67108864",
                "MALLOC_TRIM_THRESHOLD_", "67108864")), "above glibc's largest mmap threshold: refused by glibc");
        assertEquals(2048, DjlLatentModel.oneDnnBlockRows(16, launcher));
        assertEquals(2048, DjlLatentModel.oneDnnBlockRows(784, launcher), "the MLP's measured best on the oneDNN modules");
        assertEquals(8, DjlLatentModel.oneDnnBlockRows(3 * 128 * 128, launcher), "big inputs keep their blocks");
        assertEquals(392, DjlLatentModel.oneDnnBlockRows(1024, launcher), "capped by bytes, not rows: kept");
        assertEquals(1, DjlLatentModel.oneDnnBlockRows(3 * 4096 * 4096, launcher), "never none");
        assertEquals(512, DjlLatentModel.oneDnnBlockRows(784, 0), "without malloc keeping them, no big blocks");
        assertEquals(512, DjlLatentModel.oneDnnBlockRows(784, 16L * 784 * 2048), "four blocks must stay below what is kept");
        assertEquals(2048, DjlLatentModel.oneDnnBlockRows(784, 16L * 784 * 2048 + 1));
        System.setProperty(DjlLatentModel.BLOCK, "40");
        try {
            assertEquals(40, DjlLatentModel.blockRows(3 * 128 * 128));
            assertEquals(40, DjlLatentModel.oneDnnBlockRows(784, launcher), "one setting for both");
            assertEquals(40, DjlLatentModel.oneDnnBlockRows(784, 0));
        } finally {
            System.clearProperty(DjlLatentModel.BLOCK);
        }
        assertEquals(4096, DjlLowPrecisionModel.blockRows(DjlLatentModel.blockRows(784)), "bfloat16: one block per worker");
        assertEquals(64, DjlLowPrecisionModel.blockRows(8));
        System.setProperty(DjlLowPrecisionModel.BLOCK, "1024");
        try {
            assertEquals(1024, DjlLowPrecisionModel.blockRows(512), "the bfloat16 blocks' own setting");
            assertEquals(512, DjlLatentModel.blockRows(784), "float32 blocks unchanged by it");
        } finally {
            System.clearProperty(DjlLowPrecisionModel.BLOCK);
        }
    }

    @Test
    void rowPaddingGivesFewShapes() {
        DjlLatentModel.RowPadding none = DjlLatentModel.RowPadding.NONE;
        DjlLatentModel.RowPadding pow = DjlLatentModel.RowPadding.POWER_OF_TWO;
        DjlLatentModel.RowPadding m64 = DjlLatentModel.RowPadding.MULTIPLE_OF_64;
        int[] rows = {1, 7, 8, 9, 33, 64, 65, 127, 128, 129, 1000, 1024, 2047, 2048, 2049};
        int[] powers = {8, 8, 8, 16, 64, 64, 128, 128, 128, 256, 1024, 1024, 2048, 2048, 4096};
        int[] sixtyFours = {8, 8, 8, 16, 64, 64, 128, 128, 128, 192, 1024, 1024, 2048, 2048, 2112};
        for (int i = 0; i < rows.length; i++) {
            assertEquals(rows[i], none.rows(rows[i]));
            assertEquals(powers[i], pow.rows(rows[i]), "power of two for " + rows[i]);
            assertEquals(sixtyFours[i], m64.rows(rows[i]), "multiple of 64 for " + rows[i]);
        }
        // every row count of a block of 2,048 takes one of 35 shapes (8, 16, 32, 64, then the 31 multiples of 64 from 128)
        assertEquals(35, java.util.stream.IntStream.rangeClosed(1, 2048).map(m64::rows).distinct().count());
    }

    @Test
    void blocksArePaddedWithZeroRowsButNeverBeyondTheBlock() {
        // an identity "map" that records the shapes it sees and checks that padding rows are zero
        java.util.List<Long> shapes = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Tensor z = gaussian(230, 4, 1.0, 3);
        float[] out = DjlLatentModel.withEngine(() -> {
            try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager("PyTorch")) {
                return DjlLatentModel.steps(manager, z, 2, 4, 100, DjlLatentModel.RowPadding.MULTIPLE_OF_64, null, x -> {
                    shapes.add(x.getShape().get(0));
                    if (x.getShape().get(0) == 32) {
                        for (float v : x.get("30:").toFloatArray()) {
                            assertEquals(0f, v, "padding rows are zero");
                        }
                    }
                    return x.mul(1f);
                }, "test").data();
            }
        }, "test");
        // blocks of 100, 100, 30: whole blocks stay 100 rows (not 128), the tail of 30 becomes 32; two steps each
        assertEquals(java.util.List.of(100L, 100L, 100L, 100L, 32L, 32L), shapes);
        float[] in = z.data();
        for (int s = 0; s < 2; s++) {
            assertArrayEquals(in, java.util.Arrays.copyOfRange(out, s * in.length, (s + 1) * in.length), "step " + s);
        }
    }

    /**
     * Batches over one libtorch block (512 rows of the memorizer, 2,048 on the oneDNN modules) go block by block, each
     * through all its steps: same values.
     */
    @Test
    void latentStepsOverSeveralRowBlocksAreTheStepsOfTheWholeBatch() {
        // two whole blocks and a part, whichever modules run the map
        int n = 2 * Math.max(DjlLatentModel.blockRows(16), DjlLatentModel.oneDnnBlockRows(16,
                DjlLatentModel.keptBytes(System.getProperty("os.name"), System.getenv()))) + 88;
        Tensor z = gaussian(n, 4, 2, 3);
        for (String format : List.of("layers", "torchscript")) {
            try (LatentModel m = memorizer(format)) {
                for (int steps : new int[] {1, 4}) {
                    Tensor t = m.latentSteps(z, steps);
                    assertArrayEquals(new int[] {steps, n, 4}, t.shape(), format);
                    float[] want = repeated(m, z, steps);
                    for (int i = 0; i < want.length; i++) {
                        assertEquals(want[i], t.data()[i], 1e-6 * Math.max(1, Math.abs(want[i])),
                                format + ", " + steps + " steps, step " + i / (n * 4) + " row " + i % (n * 4) / 4);
                    }
                }
            }
        }
    }

    /**
     * A thread's input buffer is made once and reused: each call writes its rows from the given offset, and padding rows
     * are zeros even where an earlier, larger call left values; a buffer above the kept size is made for its call only.
     */
    @Test
    void inputBuffersAreReusedAndTheirPaddingIsZero() {
        int k = 4;
        float[] ones = new float[16 * k];
        java.util.Arrays.fill(ones, 7f);
        java.nio.ByteBuffer first = DjlLatentModel.input(ones, 0, 16, 16, k);
        assertEquals(16 * k * Float.BYTES, first.remaining());
        float[] data = new float[10 * k];
        for (int i = 0; i < data.length; i++) {
            data[i] = i;
        }
        java.nio.ByteBuffer again = DjlLatentModel.input(data, 2, 3, 8, k);
        assertTrue(first == again, "the thread's buffer is reused");
        assertEquals(8 * k * Float.BYTES, again.remaining());
        float[] got = new float[8 * k];
        again.asFloatBuffer().get(got);
        for (int i = 0; i < got.length; i++) {
            assertEquals(i < 3 * k ? 2 * k + i : 0f, got[i], "value " + i);
        }
        int wide = DjlLatentModel.KEEP_INPUT_BYTES / Float.BYTES / k + 1; // rows just above the kept size
        java.nio.ByteBuffer big = DjlLatentModel.input(new float[wide * k], 0, wide, wide, k);
        assertTrue(big != first && big.remaining() == wide * k * Float.BYTES);
        assertTrue(DjlLatentModel.input(data, 0, 1, 1, k) == first, "the big buffer was not kept");
        java.util.concurrent.atomic.AtomicReference<java.nio.ByteBuffer> theirs = new java.util.concurrent.atomic.AtomicReference<>();
        Thread other = new Thread(() -> theirs.set(DjlLatentModel.input(data, 0, 1, 1, k)));
        other.start();
        try {
            other.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertTrue(theirs.get() != null && theirs.get() != first, "each thread has its own buffer");
    }

    @Test
    void latentStepsRefuseLatentsOfTheWrongWidthWithTheReason() {
        for (String format : List.of("layers", "torchscript", "onnx")) {
            try (LatentModel m = memorizer(format)) {
                LatentLabException e = assertThrows(LatentLabException.class, () -> m.latentSteps(gaussian(2, 5, 1, 2), 2));
                assertTrue(e.getMessage().contains("latentDim 4"), e.getMessage());
            }
        }
    }

    /** The map the engine builds on a model: every call through latentSteps. */
    static LatentMap fused(LatentModel m) {
        return new LatentMap() {
            public Tensor apply(Tensor z) {
                return Tensor.matrix(z.rows(), z.width(), m.latentSteps(z, 1).data());
            }

            public Tensor applySteps(Tensor z, int steps) {
                return m.latentSteps(z, steps);
            }
        };
    }

    /**
     * The batched picard run (a small streamed batch, so seeds enter as others finish and the tail takes several
     * steps per call) on the fused map, against the plain loop on encode(decode(z)) with all seeds at once: the same
     * end points to float precision and the same step count for each seed.
     */
    static void assertPicardMatchesThePlainLoop(LatentModel m, Tensor seeds, int batch, String tolerance) {
        PicardIteration picard = new PicardIteration();
        Parameters p = Parameters.resolve("test", picard.parameters(), Map.of("tolerance", tolerance));
        List<Trajectory> plain = PicardIteration.plain(z -> m.encode(m.decode(z)), seeds, p, Progress.NONE);
        List<Trajectory> fast = picard.iterate(fused(m), seeds, batch, p, Progress.NONE);
        int k = seeds.width();
        int sameSteps = 0;
        for (int i = 0; i < seeds.rows(); i++) {
            Trajectory a = plain.get(i);
            Trajectory b = fast.get(i);
            assertEquals(a.converged(), b.converged(), "seed " + i);
            assertEquals(a.diverged(), b.diverged(), "seed " + i);
            // libtorch may round a row differently in another batch composition (last bits): a seed whose residual
            // sits right at the tolerance could then stop one step apart; the end points agree either way
            assertTrue(Math.abs(a.steps() - b.steps()) <= 1, "seed " + i + ": " + a.steps() + " vs " + b.steps());
            sameSteps += a.steps() == b.steps() ? 1 : 0;
            double scale = 0;
            for (int j = 0; j < k; j++) {
                scale = Math.max(scale, Math.abs(a.endpoint()[j]));
            }
            for (int j = 0; j < k; j++) {
                assertEquals(a.endpoint()[j], b.endpoint()[j], 1e-3 * Math.max(1, scale), "seed " + i + " coordinate " + j);
            }
        }
        assertTrue(sameSteps >= seeds.rows() * 99 / 100, sameSteps + " of " + seeds.rows() + " seeds took the same steps");
        assertTrue(plain.stream().filter(Trajectory::converged).count() > seeds.rows() / 2, "most seeds converge");
    }

    @Test
    void picardBatchedOnTheFusedMapFindsWhatThePlainLoopFindsOnTheMemorizers() {
        Tensor seeds = gaussian(400, 4, 2, 3);
        for (String format : List.of("layers", "torchscript", "onnx")) {
            try (LatentModel m = memorizer(format)) {
                assertPicardMatchesThePlainLoop(m, seeds, 48, "1e-6"); // the paper's rule
                assertPicardMatchesThePlainLoop(m, seeds, 16, "1e-10"); // longer paths, several steps per call throughout
            }
        }
    }

    /** The benchmark's 784-512-256-32 MLP (untrained: seeds converge in a few steps), for the width of a real model. */
    @Test
    void picardBatchedOnTheFusedMapFindsWhatThePlainLoopFindsOnA784To32Mlp() {
        ModelSpec spec = new ModelSpec(MLP784.resolve("mlp784-torchscript"), "mlp784", new int[] {784}, 32, "encoder.pt",
                "decoder.pt", null);
        try (LatentModel m = new TorchScriptBackend().load(spec)) {
            assertPicardMatchesThePlainLoop(m, gaussian(200, 32, 1, 4), 40, "1e-6");
        }
        ModelSpec onnx = new ModelSpec(MLP784.resolve("mlp784-onnx"), "mlp784", new int[] {784}, 32, "encoder.onnx",
                "decoder.onnx", null);
        try (LatentModel m = new OnnxBackend().load(onnx)) {
            assertPicardMatchesThePlainLoop(m, gaussian(200, 32, 1, 4), 40, "1e-6");
        }
    }
}
