package org.latentlab.backend.nd4j.internal;

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
import org.latentlab.layerstack.Layer;
import org.latentlab.layerstack.LayerStack;
import org.latentlab.layerstack.WeightedLayer;

/** The ND4J backend on its real native engine: hand-computed numbers, and bad files refused by name at load. */
class Nd4jBackendTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void cache() {
        System.setProperty("org.bytedeco.javacpp.cachedir", Path.of(System.getProperty("java.io.tmpdir"), "latentlab-test-javacpp").toString());
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
    }

    /** Encoder 2 → 1: relu(x0 − x1 + 0.5); decoder 1 → 2: (2z, −z + 1). */
    static Path model(String name, List<WeightedLayer> encoder) throws Exception {
        Path folder = Files.createDirectories(dir.resolve(name));
        LayerStack.write(folder, "encoder", encoder);
        LayerStack.write(folder, "decoder", List.of(new WeightedLayer(Layer.linear(1, 2), new float[] {2, -1}, new float[] {0, 1})));
        return folder;
    }

    static List<WeightedLayer> dense() {
        return List.of(new WeightedLayer(Layer.linear(2, 1), new float[] {1, -1}, new float[] {0.5f}),
                WeightedLayer.of(Layer.activation("relu")));
    }

    static ModelSpec spec(Path folder, int latentDim) {
        return new ModelSpec(folder, "tiny", new int[] {2}, latentDim, "encoder.layers.json", "decoder.layers.json", null);
    }

    @Test
    void runsADenseStackAsComputedByHand() throws Exception {
        try (LatentModel m = new Nd4jBackend().load(spec(model("dense", dense()), 1))) {
            Tensor z = m.encode(Tensor.matrix(3, 2, new float[] {1, 0, 0, 1, 3, 1}));
            assertArrayEquals(new float[] {1.5f, 0, 2.5f}, z.data(), 1e-6f); // relu(1.5), relu(-0.5), relu(2.5)
            Tensor x = m.decode(z);
            assertArrayEquals(new int[] {3, 2}, x.shape());
            assertArrayEquals(new float[] {3, -0.5f, 0, 1, 5, -1.5f}, x.data(), 1e-6f);
        }
    }

    @Test
    void aLatentWidthOtherThanModelJsonSaysIsRefusedAtLoad() throws Exception {
        Path folder = model("wide", dense());
        LatentLabException e = assertThrows(LatentLabException.class, () -> new Nd4jBackend().load(spec(folder, 2)).close());
        assertTrue(e.getMessage().contains(folder.resolve("encoder.layers.json").toString()), e.getMessage());
    }

    @Test
    void missingAndCorruptFilesAndUnsupportedLayersAreNamed() throws Exception {
        Path missing = model("missing", dense());
        Files.delete(missing.resolve("decoder.0.weight.npy"));
        assertMessage(spec(missing, 1), "decoder.layers.json names decoder.0.weight.npy, which does not exist");

        Path corrupt = model("corrupt", dense());
        Files.writeString(corrupt.resolve("encoder.layers.json"), "[1, 2");
        assertMessage(spec(corrupt, 1), corrupt.resolve("encoder.layers.json") + " is not a readable layers file");

        Path conv = model("conv", List.of(new WeightedLayer(Layer.conv2d(1, 1, 1, 1, 0), new float[] {1}, new float[] {0}),
                WeightedLayer.of(Layer.flatten()), new WeightedLayer(Layer.linear(2, 1), new float[] {1, 1}, new float[] {0})));
        assertMessage(spec(conv, 1), conv.resolve("encoder.layers.json") + ": the nd4j backend runs dense layer stacks");
        assertMessage(spec(conv, 1), "layer 'conv2d' needs the 'layers' backend");
    }

    static void assertMessage(ModelSpec spec, String words) {
        LatentLabException e = assertThrows(LatentLabException.class, () -> new Nd4jBackend().load(spec).close());
        assertTrue(e.getMessage().contains(words), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
