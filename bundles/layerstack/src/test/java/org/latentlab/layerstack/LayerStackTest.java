package org.latentlab.layerstack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.npy.Npy;

class LayerStackTest {

    @TempDir
    Path dir;

    static float[] random(Random r, long n) {
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    static WeightedLayer weighted(Layer l, Random r) {
        long n = 1;
        for (long s : l.weightShape()) {
            n *= s;
        }
        return new WeightedLayer(l, random(r, n), random(r, l.out()));
    }

    /** One layer of every kind the format has. */
    static List<WeightedLayer> everyKind() {
        Random r = new Random(5);
        return List.of(weighted(Layer.conv2d(1, 2, 3, 2, 1), r), WeightedLayer.of(Layer.activation("gelu")),
                WeightedLayer.of(Layer.reshape(2, 4, 4)), WeightedLayer.of(Layer.upsample(2)), WeightedLayer.of(Layer.crop(7, 7)),
                WeightedLayer.of(Layer.flatten()), weighted(Layer.linear(98, 3), r), WeightedLayer.of(Layer.activation("leaky-relu")),
                WeightedLayer.of(Layer.activation("relu")), WeightedLayer.of(Layer.activation("tanh")),
                WeightedLayer.of(Layer.activation("sigmoid")));
    }

    @Test
    void writtenStacksReadBackLayerForLayerAndValueForValue() throws Exception {
        List<WeightedLayer> written = everyKind();
        Path json = LayerStack.write(dir, "encoder", written);
        assertEquals(dir.resolve("encoder.layers.json"), json);
        assertTrue(Files.readString(json).contains("\"format\" : \"" + LayerStack.FORMAT + "\""));
        List<WeightedLayer> read = LayerStack.read(json);
        assertEquals(written.size(), read.size());
        for (int i = 0; i < written.size(); i++) {
            Layer w = written.get(i).layer();
            Layer r = read.get(i).layer();
            String what = "layer " + i + " (" + w.type() + ")";
            assertEquals(w.type(), r.type(), what);
            assertArrayEquals(w.weightShape(), r.weightShape(), what);
            assertArrayEquals(w.shape(), r.shape(), what);
            if (w.type().equals("upsample") || w.type().equals("conv2d")) {
                assertEquals(w.stride(), r.stride(), what);
            }
            if (w.type().equals("conv2d")) {
                assertEquals(w.padding(), r.padding(), what);
            }
            if (w.type().equals("leaky-relu")) {
                assertEquals(w.alpha(), r.alpha(), what);
            }
            assertArrayEquals(written.get(i).weight(), read.get(i).weight(), what);
            assertArrayEquals(written.get(i).bias(), read.get(i).bias(), what);
        }
        assertNull(read.get(1).weight(), "an activation has no weight");
        // PyTorch layout on disk: conv2d [out, in, k, k], linear [out, in]
        assertArrayEquals(new int[] {2, 1, 3, 3}, Npy.readFloats(dir.resolve("encoder.0.weight.npy")).shape());
        assertArrayEquals(new int[] {3, 98}, Npy.readFloats(dir.resolve("encoder.6.weight.npy")).shape());
    }

    @Test
    void valuesThatDoNotFitTheLayerAreRefusedBeforeWriting() {
        Layer l = Layer.linear(4, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LayerStack.write(dir, "bad", List.of(new WeightedLayer(l, new float[7], new float[2]))));
        assertTrue(e.getMessage().contains("layer 0 needs a weight of shape [2, 4] (8 values), got 7 values"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("bad.layers.json")));
    }

    @Test
    void missingCorruptAndWrongShapeFilesAreNamedInTheError() throws Exception {
        Path json = LayerStack.write(dir, "decoder", List.of(weighted(Layer.linear(4, 2), new Random(1)),
                WeightedLayer.of(Layer.activation("relu"))));

        assertMessage(() -> LayerStack.read(dir.resolve("nothing.layers.json")),
                "layers file " + dir.resolve("nothing.layers.json") + " does not exist");

        Path garbage = Files.writeString(dir.resolve("garbage.layers.json"), "{\"format\": \"latentlab-layers/1\", \"layers\": [");
        assertMessage(() -> LayerStack.read(garbage), garbage + " is not a readable layers file");

        Path other = Files.writeString(dir.resolve("other.layers.json"), "{\"format\": \"keras/2\", \"layers\": []}");
        assertMessage(() -> LayerStack.read(other), other + ": \"format\" must be \"latentlab-layers/1\"");

        Path empty = Files.writeString(dir.resolve("empty.layers.json"), "{\"format\": \"latentlab-layers/1\", \"layers\": []}");
        assertMessage(() -> LayerStack.read(empty), empty + " has no layers");

        Npy.writeFloats(dir.resolve("decoder.0.weight.npy"), new int[] {4, 2}, new float[8]); // transposed
        assertMessage(() -> LayerStack.read(json), dir.resolve("decoder.0.weight.npy") + " has shape [4, 2], decoder.layers.json needs [2, 4]");

        Files.writeString(dir.resolve("decoder.0.weight.npy"), "not a numpy file");
        assertMessage(() -> LayerStack.read(json), dir.resolve("decoder.0.weight.npy") + " (named by decoder.layers.json) is not a readable float .npy file");

        Files.delete(dir.resolve("decoder.0.bias.npy"));
        Npy.writeFloats(dir.resolve("decoder.0.weight.npy"), new int[] {2, 4}, new float[8]);
        assertMessage(() -> LayerStack.read(json), json + " names decoder.0.bias.npy, which does not exist in " + dir);
    }

    @Test
    void aModelFolderIsALayerStackWhenBothNetworksAre() {
        ModelSpec both = new ModelSpec(dir, "m", new int[] {4}, 2, "encoder.layers.json", "decoder.LAYERS.json", null);
        ModelSpec mixed = new ModelSpec(dir, "m", new int[] {4}, 2, "encoder.layers.json", "decoder.onnx", null);
        assertTrue(LayerStack.isLayerStack(both));
        assertTrue(!LayerStack.isLayerStack(mixed));
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String words) {
        LatentLabException x = assertThrows(LatentLabException.class, e);
        assertTrue(x.getMessage().contains(words), x.getMessage());
    }
}
