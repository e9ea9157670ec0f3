package org.latentlab.training.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.Tensor;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.backend.djl.internal.LayersBackend;
import org.latentlab.layerstack.Layer;

/**
 * Training's forward pass and the 'layers' backend's are two copies of the same layer semantics (bundles share only
 * the file format): a saved stack with every layer type must give the same numbers in both.
 */
class TrainableStackTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void offlineEngine() {
        System.setProperty("ai.djl.offline", "true");
        String cache = Path.of(System.getProperty("java.io.tmpdir"), "latentlab-test-djl").toString();
        System.setProperty("DJL_CACHE_DIR", cache);
        System.setProperty("ENGINE_CACHE_DIR", cache);
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
    }

    @Test
    void initScaleMultipliesEveryInitialWeightAndBiasAndDrawsNothingElse() {
        List<Layer> layers = List.of(Layer.conv2d(1, 2, 3, 2, 1), Layer.activation("relu"), Layer.flatten(), Layer.linear(32, 5));
        Thread.currentThread().setContextClassLoader(Engine.class.getClassLoader());
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            for (String init : List.of("kaiming-uniform", "xavier-normal", "normal")) {
                List<float[]> plain = values(TrainableStack.initialise(layers, init, 42, m));
                assertEquals(4, plain.size(), "weight and bias of two layers");
                List<float[]> one = values(TrainableStack.initialise(layers, init, 1.0, 42, m));
                for (int i = 0; i < plain.size(); i++) {
                    assertArrayEquals(plain.get(i), one.get(i), 0f, init + ": scale 1 is the init as it was");
                }
                for (double c : new double[] {0.5, 3, 1e-3}) {
                    List<float[]> scaled = values(TrainableStack.initialise(layers, init, c, 42, m));
                    for (int i = 0; i < plain.size(); i++) {
                        float[] p = plain.get(i);
                        float[] s = scaled.get(i);
                        assertEquals(p.length, s.length);
                        for (int j = 0; j < p.length; j++) {
                            assertEquals((float) (p[j] * c), s[j], 0f, init + " x " + c + ", parameter " + i + "[" + j + "]");
                        }
                    }
                }
                List<float[]> half = values(TrainableStack.initialise(layers, init, 0.5, 42, m));
                double norm = 0;
                for (int j = 0; j < plain.get(0).length; j++) {
                    assertEquals(plain.get(0)[j] / 2, half.get(0)[j], 0f, "a power of two scales exactly");
                    norm += Math.abs(plain.get(0)[j]);
                }
                assertTrue(norm > 0, init + " draws non-zero weights");
            }
        }
    }

    private static List<float[]> values(TrainableStack s) {
        return s.parameters().stream().map(a -> a.toFloatArray()).toList();
    }

    @Test
    void aSavedStackOfEveryLayerTypeRunsInTheLayersBackendAsInTraining() throws Exception {
        // encoder [1, 8, 8] -> 3; decoder 3 -> [1, 8, 8] through upsampling to 10x10 and a crop
        List<Layer> enc = List.of(Layer.conv2d(1, 2, 3, 2, 1), Layer.activation("gelu"), Layer.flatten(), Layer.linear(32, 3),
                Layer.activation("tanh"));
        List<Layer> dec = List.of(Layer.linear(3, 50), Layer.activation("leaky-relu"), Layer.reshape(2, 5, 5), Layer.upsample(2),
                Layer.conv2d(2, 1, 3, 1, 1), Layer.activation("relu"), Layer.crop(8, 8), Layer.activation("sigmoid"));
        Random r = new Random(4);
        float[] x = new float[3 * 64];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        float[] z;
        float[] y;
        Thread.currentThread().setContextClassLoader(Engine.class.getClassLoader());
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            TrainableStack e = TrainableStack.initialise(enc, "kaiming-uniform", 1, m);
            TrainableStack d = TrainableStack.initialise(dec, "xavier-normal", 2, m);
            z = e.forward(m.create(x, new Shape(3, 1, 8, 8))).toFloatArray();
            y = d.forward(m.create(z, new Shape(3, 3))).toFloatArray();
            e.save(dir, "encoder");
            d.save(dir, "decoder");
        }
        ModelSpec spec = new ModelSpec(dir, "every-layer", new int[] {1, 8, 8}, 3, "encoder.layers.json", "decoder.layers.json", null);
        try (LatentModel model = new LayersBackend().load(spec)) {
            Tensor zb = model.encode(new Tensor(new int[] {3, 1, 8, 8}, x));
            assertArrayEquals(z, zb.data(), 1e-6f, "encoder: training vs 'layers' backend");
            Tensor yb = model.decode(Tensor.matrix(3, 3, z));
            assertArrayEquals(new int[] {3, 1, 8, 8}, yb.shape());
            assertArrayEquals(y, yb.data(), 1e-6f, "decoder: training vs 'layers' backend");
            assertEquals(3 * 64, y.length);
        }
    }
}
