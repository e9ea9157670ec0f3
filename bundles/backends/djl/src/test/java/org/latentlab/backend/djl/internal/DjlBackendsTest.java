package org.latentlab.backend.djl.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelBackend;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.backend.nd4j.internal.Nd4jBackend;
import org.latentlab.layerstack.Layer;
import org.latentlab.layerstack.LayerStack;
import org.latentlab.layerstack.WeightedLayer;

/**
 * The DJL backends on their real engines (ONNX Runtime, libtorch), on the integration tests' memorizer models:
 * files that are missing, corrupt or of the wrong shape are refused at load with the file's name; and the 'layers'
 * backend and ND4J give the same numbers for the same layer-stack files.
 */
class DjlBackendsTest {

    /** The fixtures of the integration tests (a 16 → 4 → 16 MLP autoencoder in every format). */
    static final Path MODELS = Path.of("../../../runtime/distribution/src/test/resources/models").toAbsolutePath().normalize();

    @TempDir
    static Path dir;

    @BeforeAll
    static void offlineEngines() {
        System.setProperty("ai.djl.offline", "true");
        String cache = Path.of(System.getProperty("java.io.tmpdir"), "latentlab-test-djl").toString();
        System.setProperty("DJL_CACHE_DIR", cache);
        System.setProperty("ENGINE_CACHE_DIR", cache);
        System.setProperty("org.bytedeco.javacpp.cachedir", Path.of(System.getProperty("java.io.tmpdir"), "latentlab-test-javacpp").toString());
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
    }

    static ModelSpec spec(Path folder, int latentDim, String ext) {
        return new ModelSpec(folder, "memorizer", new int[] {16}, latentDim, "encoder" + ext, "decoder" + ext, null);
    }

    /** A copy of a fixture folder, to break. */
    static Path copy(String fixture, String name) throws Exception {
        Path to = Files.createDirectories(dir.resolve(name));
        try (var s = Files.list(MODELS.resolve(fixture))) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
        return to;
    }

    @Test
    void eachEngineRunsItsFixtureAndTheyAgree() {
        Tensor x = inputs(5, 16, 1);
        try (LatentModel onnx = new OnnxBackend().load(spec(MODELS.resolve("memorizer"), 4, ".onnx"));
                LatentModel pt = new TorchScriptBackend().load(spec(MODELS.resolve("memorizer-torchscript"), 4, ".pt"))) {
            Tensor a = onnx.decode(onnx.encode(x));
            Tensor b = pt.decode(pt.encode(x));
            assertArrayEquals(new int[] {5, 16}, a.shape());
            assertClose(a.data(), b.data(), 1e-5, "ONNX Runtime vs libtorch on the same network");
        }
    }

    @Test
    void eachBackendAcceptsOnlyItsOwnFiles() {
        ModelSpec onnx = spec(MODELS.resolve("memorizer"), 4, ".onnx");
        ModelSpec pt = spec(MODELS.resolve("memorizer-torchscript"), 4, ".pt");
        ModelSpec layers = spec(MODELS.resolve("memorizer-layers"), 4, ".layers.json");
        assertEquals(List.of(true, false, false), List.of(new OnnxBackend().accepts(onnx), new OnnxBackend().accepts(pt),
                new OnnxBackend().accepts(layers)));
        assertEquals(List.of(false, true, false), List.of(new TorchScriptBackend().accepts(onnx),
                new TorchScriptBackend().accepts(pt), new TorchScriptBackend().accepts(layers)));
        assertEquals(List.of(false, false, true), List.of(new LayersBackend().accepts(onnx), new LayersBackend().accepts(pt),
                new LayersBackend().accepts(layers)));
    }

    @Test
    void missingFilesAreNamed() throws Exception {
        Path onnx = copy("memorizer", "missing-onnx");
        Files.delete(onnx.resolve("decoder.onnx"));
        assertMessage(new OnnxBackend(), spec(onnx, 4, ".onnx"), "decoder file " + onnx.resolve("decoder.onnx") + " does not exist");
        Path pt = copy("memorizer-torchscript", "missing-pt");
        Files.delete(pt.resolve("encoder.pt"));
        assertMessage(new TorchScriptBackend(), spec(pt, 4, ".pt"), "encoder file " + pt.resolve("encoder.pt") + " does not exist");
        Path layers = copy("memorizer-layers", "missing-layers");
        Files.delete(layers.resolve("encoder.2.weight.npy"));
        assertMessage(new LayersBackend(), spec(layers, 4, ".layers.json"), "encoder.layers.json names encoder.2.weight.npy, which does not exist");
    }

    @Test
    void corruptFilesAreNamedWithTheEngineThatRefusedThem() throws Exception {
        Path onnx = copy("memorizer", "corrupt-onnx");
        Files.write(onnx.resolve("encoder.onnx"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertMessage(new OnnxBackend(), spec(onnx, 4, ".onnx"), "encoder file " + onnx.resolve("encoder.onnx")
                + " could not be loaded by OnnxRuntime");
        Path pt = copy("memorizer-torchscript", "corrupt-pt");
        Files.writeString(pt.resolve("decoder.pt"), "not a TorchScript archive");
        assertMessage(new TorchScriptBackend(), spec(pt, 4, ".pt"), "decoder file " + pt.resolve("decoder.pt")
                + " could not be loaded by PyTorch");
        Path layers = copy("memorizer-layers", "corrupt-layers");
        Files.writeString(layers.resolve("decoder.layers.json"), "{ this is not json");
        assertMessage(new LayersBackend(), spec(layers, 4, ".layers.json"), layers.resolve("decoder.layers.json")
                + " is not a readable layers file");
    }

    @Test
    void networksOfAnotherShapeThanModelJsonSaysAreRefusedAtLoad() throws Exception {
        // the fixtures' latent width is 4; model.json claiming 3 must fail at load, naming the network
        assertMessage(new OnnxBackend(), spec(MODELS.resolve("memorizer"), 3, ".onnx"), "memorizer/encoder.onnx returned shape [1, 4]");
        assertMessage(new TorchScriptBackend(), spec(MODELS.resolve("memorizer-torchscript"), 3, ".pt"),
                "memorizer-torchscript/encoder.pt returned shape [1, 4]");
        assertMessage(new LayersBackend(), spec(MODELS.resolve("memorizer-layers"), 3, ".layers.json"), "encoder.layers.json");
        // a weight of another shape than its layers.json says
        Path layers = copy("memorizer-layers", "wrong-weight");
        org.latentlab.npy.Npy.writeFloats(layers.resolve("decoder.0.weight.npy"), new int[] {4, 4}, new float[16]);
        assertMessage(new LayersBackend(), spec(layers, 4, ".layers.json"), layers.resolve("decoder.0.weight.npy") + " has shape [4, 4]");
    }

    @Test
    void layersOnLibtorchAndNd4jComputeTheSameNumbersForTheSameFiles() throws Exception {
        // a hand-built dense stack with every activation both engines run
        Random r = new Random(11);
        Path folder = Files.createDirectories(dir.resolve("hand-built"));
        LayerStack.write(folder, "encoder", List.of(dense(6, 5, r), WeightedLayer.of(Layer.activation("tanh")), dense(5, 3, r),
                WeightedLayer.of(Layer.activation("leaky-relu"))));
        LayerStack.write(folder, "decoder", List.of(dense(3, 5, r), WeightedLayer.of(Layer.activation("relu")), dense(5, 6, r),
                WeightedLayer.of(Layer.activation("sigmoid"))));
        ModelSpec spec = new ModelSpec(folder, "hand-built", new int[] {6}, 3, "encoder.layers.json", "decoder.layers.json", null);
        Tensor x = inputs(7, 6, 2);
        try (LatentModel torch = new LayersBackend().load(spec); LatentModel nd4j = new Nd4jBackend().load(spec)) {
            Tensor zt = torch.encode(x);
            Tensor zn = nd4j.encode(x);
            assertArrayEquals(new int[] {7, 3}, zt.shape());
            assertClose(reference(folder.resolve("encoder.layers.json"), x), zt.data(), 1e-5, "libtorch vs plain Java");
            assertClose(zt.data(), zn.data(), 1e-5, "encode: libtorch vs ND4J");
            assertClose(torch.decode(zt).data(), nd4j.decode(zt).data(), 1e-5, "decode: libtorch vs ND4J");
            assertTrue(torch.latentJacobian(zt).isPresent(), "libtorch has autograd");
        }
    }

    @Test
    void layersJacobianMatchesCentralDifferences() throws Exception {
        ModelSpec spec = spec(MODELS.resolve("memorizer-layers"), 4, ".layers.json");
        try (LatentModel m = new LayersBackend().load(spec)) {
            Tensor z = m.encode(inputs(2, 16, 3));
            float[] jac = m.latentJacobian(z).orElseThrow().data();
            double h = 1e-2;
            for (int a = 0; a < 2; a++) {
                for (int j = 0; j < 4; j++) {
                    float[] plus = z.row(a);
                    float[] minus = z.row(a);
                    plus[j] += h;
                    minus[j] -= h;
                    float[] fp = m.encode(m.decode(Tensor.matrix(1, 4, plus))).data();
                    float[] fm = m.encode(m.decode(Tensor.matrix(1, 4, minus))).data();
                    for (int i = 0; i < 4; i++) {
                        double fd = (fp[i] - fm[i]) / (2 * h);
                        assertEquals(fd, jac[(a * 4 + i) * 4 + j], 2e-2 * Math.max(1, Math.abs(fd)), "J[" + i + "][" + j + "]");
                    }
                }
            }
        }
    }

    /** The stack's forward pass in plain Java (dense layers and activations), independent of both engines. */
    static float[] reference(Path json, Tensor x) {
        double[][] h = new double[x.rows()][];
        for (int i = 0; i < x.rows(); i++) {
            h[i] = new double[x.width()];
            for (int j = 0; j < x.width(); j++) {
                h[i][j] = x.data()[i * x.width() + j];
            }
        }
        for (WeightedLayer l : LayerStack.read(json)) {
            for (int i = 0; i < h.length; i++) {
                double[] v = h[i];
                h[i] = switch (l.layer().type()) {
                    case "linear" -> {
                        double[] y = new double[l.layer().out()];
                        for (int o = 0; o < y.length; o++) {
                            y[o] = l.bias()[o];
                            for (int k = 0; k < l.layer().in(); k++) {
                                y[o] += l.weight()[o * l.layer().in() + k] * v[k];
                            }
                        }
                        yield y;
                    }
                    case "tanh" -> java.util.Arrays.stream(v).map(Math::tanh).toArray();
                    case "relu" -> java.util.Arrays.stream(v).map(t -> Math.max(0, t)).toArray();
                    case "sigmoid" -> java.util.Arrays.stream(v).map(t -> 1 / (1 + Math.exp(-t))).toArray();
                    case "leaky-relu" -> java.util.Arrays.stream(v).map(t -> t > 0 ? t : l.layer().alpha() * t).toArray();
                    default -> throw new IllegalArgumentException(l.layer().type());
                };
            }
        }
        float[] out = new float[h.length * h[0].length];
        for (int i = 0; i < h.length; i++) {
            for (int j = 0; j < h[i].length; j++) {
                out[i * h[i].length + j] = (float) h[i][j];
            }
        }
        return out;
    }

    static WeightedLayer dense(int in, int out, Random r) {
        float[] w = new float[in * out];
        float[] b = new float[out];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) r.nextGaussian();
        }
        return new WeightedLayer(Layer.linear(in, out), w, b);
    }

    static Tensor inputs(int rows, int width, long seed) {
        Random r = new Random(seed);
        float[] v = new float[rows * width];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat();
        }
        return Tensor.matrix(rows, width, v);
    }

    static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance * Math.max(1, Math.abs(expected[i])), what + " at " + i);
        }
    }

    static void assertMessage(ModelBackend backend, ModelSpec spec, String words) {
        LatentLabException e = assertThrows(LatentLabException.class, () -> backend.load(spec).close());
        assertTrue(e.getMessage().contains(words), e.getMessage());
        assertTrue(e.getMessage().lines().count() == 1, "one line: " + e.getMessage());
    }
}
