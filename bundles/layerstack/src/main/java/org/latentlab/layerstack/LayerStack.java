package org.latentlab.layerstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.io.AtomicFile;
import org.latentlab.npy.Npy;

/**
 * Reads and writes layer-stack files, engine-free. A feed-forward network is a list of {@link Layer}s; file
 * {@code NAME.layers.json}: {@code {"format": "latentlab-layers/1", "layers": [{"type": "linear", "in": 784,
 * "out": 256, "weight": "NAME.0.weight.npy", "bias": "NAME.0.bias.npy"}, {"type": "relu"}, ...]}}, weights as
 * float32 .npy files beside it (PyTorch layout: linear [out, in], conv2d [out, in, k, k]).
 */
public final class LayerStack {

    public static final String FORMAT = "latentlab-layers/1";
    public static final String SUFFIX = ".layers.json";

    private LayerStack() {}

    /** Whether a model folder's encoder and decoder are layer-stack files. */
    public static boolean isLayerStack(ModelSpec spec) {
        return spec.encoder().toLowerCase(Locale.ROOT).endsWith(SUFFIX)
                && spec.decoder().toLowerCase(Locale.ROOT).endsWith(SUFFIX);
    }

    /**
     * Reads a {@code .layers.json} file and its weight files.
     *
     * @throws LatentLabException naming the file and what is wrong with it (unreadable, wrong format, no layers,
     *                            a missing weight file, a weight of the wrong shape)
     */
    public static List<WeightedLayer> read(Path json) {
        if (!Files.isRegularFile(json)) {
            throw new LatentLabException("layers file " + json + " does not exist");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json.toFile());
        } catch (IOException e) {
            throw new LatentLabException(json + " is not a readable layers file: " + firstLine(e.getMessage()));
        }
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new LatentLabException(json + ": \"format\" must be \"" + FORMAT + "\"");
        }
        List<WeightedLayer> out = new ArrayList<>();
        for (JsonNode n : root.path("layers")) {
            String type = n.path("type").asText();
            int[] shape = n.has("shape") ? toIntArray(n.get("shape")) : null;
            Layer l = new Layer(type, n.path("in").asInt(), n.path("out").asInt(), n.path("kernel").asInt(),
                    n.path("stride").asInt(1), n.path("padding").asInt(), n.path("outputPadding").asInt(), shape,
                    n.path("alpha").asDouble(0.01));
            if (l.hasWeights()) {
                out.add(new WeightedLayer(l, weight(json, n.path("weight").asText(), l.weightShape()),
                        weight(json, n.path("bias").asText(), new long[] {l.out()})));
            } else {
                out.add(WeightedLayer.of(l));
            }
        }
        if (out.isEmpty()) {
            throw new LatentLabException(json + " has no layers");
        }
        return out;
    }

    /**
     * Writes {@code dir/NAME.layers.json} and the weight files {@code NAME.I.weight.npy} / {@code NAME.I.bias.npy}
     * (I: the layer's index); returns the json file, written last and atomically.
     *
     * @throws IllegalArgumentException when a weighted layer's values do not match its shape
     */
    public static Path write(Path dir, String name, List<WeightedLayer> layers) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        root.put("format", FORMAT);
        ArrayNode arr = root.putArray("layers");
        for (int i = 0; i < layers.size(); i++) {
            WeightedLayer wl = layers.get(i);
            Layer l = wl.layer();
            ObjectNode o = arr.addObject();
            o.put("type", l.type());
            if (l.hasWeights()) {
                o.put("in", l.in()).put("out", l.out());
                if (!l.type().equals("linear")) {
                    o.put("kernel", l.kernel()).put("stride", l.stride()).put("padding", l.padding());
                }
                String w = name + "." + i + ".weight.npy";
                String b = name + "." + i + ".bias.npy";
                Npy.writeFloats(dir.resolve(w), checked(l.weightShape(), wl.weight(), "weight", i), wl.weight());
                Npy.writeFloats(dir.resolve(b), checked(new long[] {l.out()}, wl.bias(), "bias", i), wl.bias());
                o.put("weight", w).put("bias", b);
            }
            if (l.type().equals("upsample")) {
                o.put("stride", l.stride());
            }
            if (l.type().equals("reshape") || l.type().equals("crop")) {
                ArrayNode s = o.putArray("shape");
                Arrays.stream(l.shape()).forEach(s::add);
            }
            if (l.type().equals("leaky-relu")) {
                o.put("alpha", l.alpha());
            }
        }
        Path json = dir.resolve(name + SUFFIX);
        AtomicFile.write(json, out -> om.writerWithDefaultPrettyPrinter().writeValue(out, root));
        return json;
    }

    private static int[] checked(long[] shape, float[] values, String what, int index) {
        long size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        if (values == null || values.length != size) {
            throw new IllegalArgumentException("layer " + index + " needs a " + what + " of shape " + Arrays.toString(shape)
                    + " (" + size + " values), got " + (values == null ? "none" : values.length + " values"));
        }
        return Arrays.stream(shape).mapToInt(v -> (int) v).toArray();
    }

    private static float[] weight(Path json, String file, long[] shape) {
        if (file.isEmpty()) {
            throw new LatentLabException(json + ": a weighted layer names no weight or bias file");
        }
        Path p = json.resolveSibling(file);
        if (!Files.isRegularFile(p)) {
            throw new LatentLabException(json + " names " + file + ", which does not exist in " + p.getParent());
        }
        try {
            Npy.FloatArray a = Npy.readFloats(p);
            if (!Arrays.equals(Arrays.stream(a.shape()).asLongStream().toArray(), shape)) {
                throw new LatentLabException(p + " has shape " + Arrays.toString(a.shape()) + ", " + json.getFileName()
                        + " needs " + Arrays.toString(shape));
            }
            return a.data();
        } catch (IOException e) {
            throw new LatentLabException(p + " (named by " + json.getFileName() + ") is not a readable float .npy file: "
                    + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String msg) {
        return msg == null ? "" : msg.lines().findFirst().orElse("");
    }

    private static int[] toIntArray(JsonNode arr) {
        int[] out = new int[arr.size()];
        for (int j = 0; j < out.length; j++) {
            out[j] = arr.get(j).asInt();
        }
        return out;
    }
}
