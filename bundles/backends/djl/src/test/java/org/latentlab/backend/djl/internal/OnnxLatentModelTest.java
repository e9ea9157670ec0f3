package org.latentlab.backend.djl.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.layerstack.LayerStack;
import org.latentlab.layerstack.WeightedLayer;

/**
 * The 'onnx' backend on ONNX Runtime's own API ({@link OnnxLatentModel}) against a hand-computed map (the memorizer's
 * weights, from its layer-stack copy, evaluated in double precision here), against the same files through DJL (the
 * path it replaced), and against TorchScript on the same weights; its reused buffers across batch sizes; and files it
 * must refuse with a message naming them.
 */
class OnnxLatentModelTest {

    static final Path MODELS = DjlBackendsTest.MODELS;
    static final Path FIXTURES = Path.of("src/test/resources/onnx").toAbsolutePath();

    @TempDir
    Path dir;

    @BeforeAll
    static void offlineEngines() {
        DjlBackendsTest.offlineEngines();
    }

    /** A copy of the memorizer's ONNX folder, to break. */
    Path copy(String name) throws Exception {
        Path to = Files.createDirectories(dir.resolve(name));
        try (var s = Files.list(MODELS.resolve("memorizer"))) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
        return to;
    }

    static LatentModel memorizer() {
        return new OnnxBackend().load(DjlBackendsTest.spec(MODELS.resolve("memorizer"), 4, ".onnx"));
    }

    static ModelSpec conv() {
        return new ModelSpec(MODELS.resolve("conv-memorizer"), "conv-memorizer", new int[] {1, 8, 8}, 3, "encoder.onnx",
                "decoder.onnx", null);
    }

    /** Dense layers with tanh / sigmoid / relu, in double: what the memorizer's networks compute. */
    static double[] forward(List<WeightedLayer> layers, double[] x) {
        double[] v = x;
        for (WeightedLayer wl : layers) {
            switch (wl.layer().type()) {
                case "linear" -> {
                    int in = wl.layer().in();
                    int out = wl.layer().out();
                    double[] y = new double[out];
                    for (int o = 0; o < out; o++) {
                        double s = wl.bias()[o];
                        for (int i = 0; i < in; i++) {
                            s += (double) wl.weight()[o * in + i] * v[i];
                        }
                        y[o] = s;
                    }
                    v = y;
                }
                case "tanh" -> v = java.util.Arrays.stream(v).map(Math::tanh).toArray();
                case "sigmoid" -> v = java.util.Arrays.stream(v).map(a -> 1 / (1 + Math.exp(-a))).toArray();
                case "relu" -> v = java.util.Arrays.stream(v).map(a -> Math.max(0, a)).toArray();
                default -> throw new AssertionError("layer " + wl.layer().type());
            }
        }
        return v;
    }

    @Test
    void latentStepsEncodeAndDecodeAreTheHandComputedMap() {
        Path layers = MODELS.resolve("memorizer-layers");
        List<WeightedLayer> enc = LayerStack.read(layers.resolve("encoder.layers.json"));
        List<WeightedLayer> dec = LayerStack.read(layers.resolve("decoder.layers.json"));
        Tensor z = LatentStepsTest.gaussian(23, 4, 2, 5);
        int steps = 4;
        try (LatentModel m = memorizer()) {
            Tensor t = m.latentSteps(z, steps);
            assertArrayEquals(new int[] {steps, 23, 4}, t.shape());
            Tensor x = m.decode(z);
            assertArrayEquals(new int[] {23, 16}, x.shape());
            Tensor e = m.encode(x);
            for (int r = 0; r < 23; r++) {
                double[] zr = new double[4];
                for (int j = 0; j < 4; j++) {
                    zr[j] = z.data()[r * 4 + j];
                }
                double[] xr = forward(dec, zr);
                double[] er = forward(enc, xr);
                for (int i = 0; i < 16; i++) {
                    assertEquals(xr[i], x.data()[r * 16 + i], 1e-6, "decode, row " + r);
                }
                for (int j = 0; j < 4; j++) {
                    assertEquals(er[j], e.data()[r * 4 + j], 1e-5 * Math.max(1, Math.abs(er[j])), "encode, row " + r);
                }
                double[] cur = zr;
                for (int s = 0; s < steps; s++) {
                    cur = forward(enc, forward(dec, cur));
                    for (int j = 0; j < 4; j++) {
                        // float32 in the engine: each step rounds, and the map (a memorizer) is contracting
                        assertEquals(cur[j], t.data()[(s * 23 + r) * 4 + j], 1e-4 * Math.max(1, Math.abs(cur[j])),
                                "step " + (s + 1) + ", row " + r);
                    }
                }
            }
        }
    }

    /** A model that runs {@code rows} rows per block. */
    static LatentModel withBlock(ModelSpec spec, int rows) {
        System.setProperty(OnnxLatentModel.BLOCK, "" + rows);
        try {
            return new OnnxBackend().load(spec);
        } finally {
            System.clearProperty(OnnxLatentModel.BLOCK);
        }
    }

    /**
     * The new path against the old one (DJL's OnnxRuntime engine on the same file): the same numbers to float precision,
     * in one block and in blocks of 16 rows (the last one short), on a dense model and a convolutional one ([n, 1, 8, 8]).
     */
    @Test
    void encodeDecodeAndLatentStepsMatchTheDjlPath() {
        for (ModelSpec spec : List.of(DjlBackendsTest.spec(MODELS.resolve("memorizer"), 4, ".onnx"), conv())) {
            for (int block : new int[] {OnnxLatentModel.BLOCK_ROWS, 16}) {
                String what = spec.name() + ", blocks of " + block;
                int k = spec.latentDim();
                try (LatentModel fresh = withBlock(spec, block); LatentModel djl = DjlLatentModel.load(spec, "OnnxRuntime")) {
                    Tensor z = LatentStepsTest.gaussian(41, k, 2, 6);
                    Tensor x = djl.decode(z);
                    Tensor x2 = fresh.decode(z);
                    assertArrayEquals(x.shape(), x2.shape(), what);
                    DjlBackendsTest.assertClose(x.data(), x2.data(), 1e-6, what + ": decode");
                    DjlBackendsTest.assertClose(djl.encode(x).data(), fresh.encode(x).data(), 1e-6, what + ": encode");
                    for (int steps : new int[] {1, 3}) {
                        float[] want = LatentStepsTest.repeated(djl, z, steps);
                        DjlBackendsTest.assertClose(want, fresh.latentSteps(z, steps).data(), 1e-6, what + ": " + steps + " steps");
                    }
                }
            }
        }
    }

    /** The benchmark MLP (784-512-256-32, ReLU, sigmoid) in ONNX and TorchScript: the same map. */
    @Test
    void theBenchmarkMlpGivesTheTorchScriptMap() {
        Path root = LatentStepsTest.MLP784;
        ModelSpec onnx = new ModelSpec(root.resolve("mlp784-onnx"), "mlp784", new int[] {784}, 32, "encoder.onnx", "decoder.onnx", null);
        ModelSpec pt = new ModelSpec(root.resolve("mlp784-torchscript"), "mlp784", new int[] {784}, 32, "encoder.pt", "decoder.pt", null);
        try (LatentModel a = new OnnxBackend().load(onnx); LatentModel b = new TorchScriptBackend().load(pt)) {
            Tensor z = LatentStepsTest.gaussian(300, 32, 1, 7);
            DjlBackendsTest.assertClose(b.latentSteps(z, 3).data(), a.latentSteps(z, 3).data(), 1e-5, "ONNX Runtime vs libtorch");
            DjlBackendsTest.assertClose(b.decode(z).data(), a.decode(z).data(), 1e-5, "decode");
        }
    }

    /** The reused buffers: large, small, empty and large batches in turn give what a fresh model gives. */
    @Test
    void batchesOfEverySizeInAnyOrderGiveTheSameRows() {
        Tensor big = LatentStepsTest.gaussian(300, 4, 2, 8);
        try (LatentModel m = memorizer(); LatentModel fresh = memorizer()) {
            float[] once = fresh.latentSteps(big, 2).data();
            Tensor small = big.slice(0, 3);
            float[] smallSteps = m.latentSteps(small, 2).data(); // first at 3 rows: buffers grow later
            assertArrayEquals(m.latentSteps(big, 2).data(), once);
            assertArrayEquals(smallSteps, m.latentSteps(small, 2).data());
            Tensor none = m.latentSteps(Tensor.matrix(0, 4, new float[0]), 3);
            assertArrayEquals(new int[] {3, 0, 4}, none.shape());
            assertArrayEquals(new int[] {0, 4}, m.encode(new Tensor(new int[] {0, 16}, new float[0])).shape());
            assertArrayEquals(new int[] {0, 16}, m.decode(Tensor.matrix(0, 4, new float[0])).shape());
            // rows do not depend on their batch or block: row 1 of the small batch is row 1 of the big one (first block of
            // 256), row 299 alone is row 299 of the big one (second block), at each step
            float[] last = m.latentSteps(big.slice(299, 300), 2).data();
            for (int s = 0; s < 2; s++) {
                for (int j = 0; j < 4; j++) {
                    assertEquals(once[(s * 300 + 1) * 4 + j], smallSteps[(s * 3 + 1) * 4 + j], 1e-6);
                    assertEquals(once[(s * 300 + 299) * 4 + j], last[s * 4 + j], 1e-6);
                }
            }
            assertArrayEquals(once, m.latentSteps(big, 2).data());
        }
    }

    @Test
    void wrongWidthsAndStepCountsAreRefused() {
        try (LatentModel m = memorizer()) {
            LatentLabException e = assertThrows(LatentLabException.class, () -> m.latentSteps(LatentStepsTest.gaussian(2, 5, 1, 2), 2));
            assertTrue(e.getMessage().contains("latentDim 4"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> m.latentSteps(LatentStepsTest.gaussian(2, 4, 1, 2), 0));
            e = assertThrows(LatentLabException.class, () -> m.encode(Tensor.matrix(2, 15, new float[30])));
            assertTrue(e.getMessage().contains("do not match model input [16]"), e.getMessage());
        }
    }

    @Test
    void filesThatCannotServeAreRefusedAtLoadNamingTheFile() throws Exception {
        // the encoder in the decoder's place: it takes [n, 16], model.json promises latents of width 4
        Path swapped = copy("swapped");
        Files.copy(swapped.resolve("encoder.onnx"), swapped.resolve("decoder.onnx"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        DjlBackendsTest.assertMessage(new OnnxBackend(), DjlBackendsTest.spec(swapped, 4, ".onnx"), "decoder "
                + swapped.resolve("decoder.onnx") + " rejected a latent of shape [1, 4] (latentDim in model.json): ");
        // inputs of another shape than model.json says
        ModelSpec wide = new ModelSpec(MODELS.resolve("memorizer"), "memorizer", new int[] {17}, 4, "encoder.onnx", "decoder.onnx", null);
        DjlBackendsTest.assertMessage(new OnnxBackend(), wide, "rejected an input of shape [1, 17] (inputShape in model.json): ");
        // an input shape of another rank
        ModelSpec small = new ModelSpec(MODELS.resolve("memorizer"), "memorizer", new int[] {2, 4}, 4, "encoder.onnx", "decoder.onnx", null);
        DjlBackendsTest.assertMessage(new OnnxBackend(), small, "rejected an input of shape [1, 2, 4]");
        // exported without a dynamic batch axis (make_fixed_batch.py): fails at load, not in the first batch of 2
        DjlBackendsTest.assertMessage(new OnnxBackend(), DjlBackendsTest.spec(FIXTURES.resolve("fixed-batch"), 4, ".onnx"),
                "encoder " + FIXTURES.resolve("fixed-batch/encoder.onnx") + " takes a fixed batch of 1 row (input 'input' has shape [1, 16]);"
                        + " export it with a variable first dimension");
        // truncated file: ONNX Runtime's parse error, one line, with the file
        Path cut = copy("truncated");
        byte[] bytes = Files.readAllBytes(cut.resolve("decoder.onnx"));
        Files.write(cut.resolve("decoder.onnx"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        DjlBackendsTest.assertMessage(new OnnxBackend(), DjlBackendsTest.spec(cut, 4, ".onnx"), "decoder file "
                + cut.resolve("decoder.onnx") + " could not be loaded by OnnxRuntime: ");
    }

    /** DJL's OnnxRuntime engine (the doctor, plugins) still works in a process where this backend used ONNX Runtime first. */
    @Test
    void djlsOnnxRuntimeEngineStillLoadsAfterThisBackendCameFirst() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), OnnxFirstProcess.class.getName(), MODELS.resolve("memorizer").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("max difference (\\S+)").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Double.parseDouble(m.group(1)) < 1e-6, out);
    }

    /** The session options: no spinning, explicit threads (no pinning), unless the system properties say otherwise. */
    @Test
    void sessionOptionsAreTheChosenOnesUnlessOverridden() throws Exception {
        try (var o = OnnxLatentModel.options()) {
            assertEquals("0", o.getConfigEntries().get("session.intra_op.allow_spinning"));
        }
        System.setProperty(OnnxLatentModel.SPINNING, "true");
        System.setProperty(OnnxLatentModel.CONFIG, "session.dynamic_block_base=4, session.intra_op.allow_spinning=0");
        try (var o = OnnxLatentModel.options()) {
            assertEquals("4", o.getConfigEntries().get("session.dynamic_block_base"));
            assertEquals("0", o.getConfigEntries().get("session.intra_op.allow_spinning")); // the config entries come last
        } finally {
            System.clearProperty(OnnxLatentModel.CONFIG);
        }
        try (var o = OnnxLatentModel.options()) {
            assertEquals("1", o.getConfigEntries().get("session.intra_op.allow_spinning"));
        } finally {
            System.clearProperty(OnnxLatentModel.SPINNING);
        }
    }
}
