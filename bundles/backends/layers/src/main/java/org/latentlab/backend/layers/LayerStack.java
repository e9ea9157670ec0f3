package org.latentlab.backend.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.latentlab.api.LatentLabException;
import org.latentlab.npy.Npy;

/**
 * A feed-forward network as a list of {@link Layer}s with PyTorch-layout weights held as DJL
 * NDArrays. {@link #forward} is the one code path used both to run a trained model and to train it
 * (parameters with gradients, inside a DJL GradientCollector).
 *
 * <p>Layer types: linear, conv2d, relu, tanh, sigmoid, leaky-relu, gelu, flatten, reshape, upsample, crop.
 * File format {@code NAME.layers.json}: {@code {"format": "latentlab-layers/1", "layers": [{"type":
 * "linear", "in": 784, "out": 256, "weight": "NAME.0.weight.npy", "bias": "NAME.0.bias.npy"}, {"type":
 * "relu"}, ...]}}, weights as float32 .npy files beside it.
 */
public final class LayerStack {

    public static final String FORMAT = "latentlab-layers/1";

    private final List<Layer> layers;
    /** Weight and bias per weighted layer index. */
    private final Map<Integer, NDArray[]> params;

    private LayerStack(List<Layer> layers, Map<Integer, NDArray[]> params) {
        this.layers = List.copyOf(layers);
        this.params = params;
    }

    /** Whether a model folder's encoder and decoder are layer-stack files. */
    public static boolean isLayerStack(org.latentlab.api.model.ModelSpec spec) {
        return spec.encoder().toLowerCase(java.util.Locale.ROOT).endsWith(".layers.json")
                && spec.decoder().toLowerCase(java.util.Locale.ROOT).endsWith(".layers.json");
    }

    public List<Layer> layers() {
        return layers;
    }

    /** All parameter arrays, in order: weight then bias of each weighted layer. */
    public List<NDArray> parameters() {
        List<NDArray> out = new ArrayList<>();
        params.values().forEach(p -> out.addAll(Arrays.asList(p)));
        return out;
    }

    /**
     * Fresh weights: "kaiming-uniform" (PyTorch's default, U(±1/√fan_in) for weight and bias),
     * "xavier-normal" (N(0, 2/(fan_in + fan_out)), zero bias) or "normal" (N(0, 0.02²), zero bias);
     * reproducible from {@code seed}.
     */
    public static LayerStack initialise(List<Layer> layers, String init, long seed, NDManager manager) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<Integer, NDArray[]> params = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            if (!l.hasWeights()) {
                continue;
            }
            long[] ws = l.weightShape();
            int n = (int) Arrays.stream(ws).reduce(1, (a, b) -> a * b);
            int biasSize = l.out();
            float[] w = new float[n];
            float[] b = new float[biasSize];
            double fanIn = l.fanIn();
            double fanOut = n / fanIn;
            switch (init) {
                case "kaiming-uniform" -> {
                    double bound = 1 / Math.sqrt(fanIn);
                    for (int j = 0; j < n; j++) {
                        w[j] = (float) ((r.nextDouble() * 2 - 1) * bound);
                    }
                    for (int j = 0; j < biasSize; j++) {
                        b[j] = (float) ((r.nextDouble() * 2 - 1) * bound);
                    }
                }
                case "xavier-normal" -> {
                    double sd = Math.sqrt(2 / (fanIn + fanOut));
                    for (int j = 0; j < n; j++) {
                        w[j] = (float) (gaussian(r) * sd);
                    }
                }
                case "normal" -> {
                    for (int j = 0; j < n; j++) {
                        w[j] = (float) (gaussian(r) * 0.02);
                    }
                }
                default -> throw new LatentLabException("unknown initialisation '" + init
                        + "'; use kaiming-uniform, xavier-normal or normal");
            }
            params.put(i, new NDArray[] {manager.create(w, new Shape(ws)), manager.create(b, new Shape(biasSize))});
        }
        return new LayerStack(layers, params);
    }

    private static double gaussian(SplittableRandom r) {
        return org.latentlab.numerics.Gaussian.next(r);
    }

    /** Applies the layers to a batch. */
    public NDArray forward(NDArray x) {
        NDArray h = x;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            NDArray[] p = params.get(i);
            h = switch (l.type()) {
                case "linear" -> Linear.linear(h, p[0], p[1]).singletonOrThrow();
                case "conv2d" -> Conv2d.conv2d(h, p[0], p[1], new Shape(l.stride(), l.stride()),
                        new Shape(l.padding(), l.padding()), new Shape(1, 1), 1).singletonOrThrow();
                case "upsample" -> h.repeat(h.getShape().dimension() - 2, l.stride()).repeat(h.getShape().dimension() - 1, l.stride());
                case "crop" -> h.get(new ai.djl.ndarray.index.NDIndex("..., :{}, :{}", l.shape()[0], l.shape()[1]));
                case "relu" -> Activation.relu(h);
                case "tanh" -> Activation.tanh(h);
                case "sigmoid" -> Activation.sigmoid(h);
                case "leaky-relu" -> Activation.leakyRelu(h, (float) l.alpha());
                case "gelu" -> Activation.gelu(h);
                case "flatten" -> h.reshape(h.getShape().get(0), -1);
                case "reshape" -> {
                    long[] s = new long[l.shape().length + 1];
                    s[0] = h.getShape().get(0);
                    for (int j = 0; j < l.shape().length; j++) {
                        s[j + 1] = l.shape()[j];
                    }
                    yield h.reshape(new Shape(s));
                }
                default -> throw new LatentLabException("unknown layer type '" + l.type() + "'");
            };
        }
        return h;
    }

    /** Writes {@code dir/NAME.layers.json} and the weight files; returns the json file. */
    public Path save(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        root.put("format", FORMAT);
        ArrayNode arr = root.putArray("layers");
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            ObjectNode o = arr.addObject();
            o.put("type", l.type());
            if (l.hasWeights()) {
                o.put("in", l.in()).put("out", l.out());
                if (!l.type().equals("linear")) {
                    o.put("kernel", l.kernel()).put("stride", l.stride()).put("padding", l.padding());
                }
                String w = name + "." + i + ".weight.npy";
                String b = name + "." + i + ".bias.npy";
                NDArray[] p = params.get(i);
                Npy.writeFloats(dir.resolve(w), toInt(p[0].getShape().getShape()), p[0].toFloatArray());
                Npy.writeFloats(dir.resolve(b), toInt(p[1].getShape().getShape()), p[1].toFloatArray());
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
        Path json = dir.resolve(name + ".layers.json");
        org.latentlab.io.AtomicFile.write(json, out -> om.writerWithDefaultPrettyPrinter().writeValue(out, root));
        return json;
    }

    /** A layer as read from a file: its description and, for weighted layers, weight and bias values. */
    public record LoadedLayer(Layer layer, float[] weight, float[] bias) {}

    /**
     * Reads a {@code .layers.json} file and its weight files without any engine, so other backends
     * (ND4J) can run the same format. Errors name the file and the problem.
     */
    public static List<LoadedLayer> read(Path json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json.toFile());
        } catch (IOException e) {
            throw new LatentLabException(json + " is not a readable layers file: " + e.getMessage());
        }
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new LatentLabException(json + ": \"format\" must be \"" + FORMAT + "\"");
        }
        List<LoadedLayer> out = new ArrayList<>();
        for (JsonNode n : root.path("layers")) {
            String type = n.path("type").asText();
            int[] shape = n.has("shape") ? toIntArray(n.get("shape")) : null;
            Layer l = new Layer(type, n.path("in").asInt(), n.path("out").asInt(), n.path("kernel").asInt(),
                    n.path("stride").asInt(1), n.path("padding").asInt(), n.path("outputPadding").asInt(), shape,
                    n.path("alpha").asDouble(0.01));
            if (l.hasWeights()) {
                out.add(new LoadedLayer(l, weight(json, n.path("weight").asText(), l.weightShape()),
                        weight(json, n.path("bias").asText(), new long[] {l.out()})));
            } else {
                out.add(new LoadedLayer(l, null, null));
            }
        }
        if (out.isEmpty()) {
            throw new LatentLabException(json + " has no layers");
        }
        return out;
    }

    /** Reads a {@code .layers.json} file and its weights into NDArrays of {@code manager}. */
    public static LayerStack load(Path json, NDManager manager) {
        List<Layer> layers = new ArrayList<>();
        Map<Integer, NDArray[]> params = new LinkedHashMap<>();
        List<LoadedLayer> read = read(json);
        for (int i = 0; i < read.size(); i++) {
            LoadedLayer l = read.get(i);
            layers.add(l.layer());
            if (l.weight() != null) {
                params.put(i, new NDArray[] {manager.create(l.weight(), new Shape(l.layer().weightShape())),
                        manager.create(l.bias(), new Shape(l.layer().out()))});
            }
        }
        return new LayerStack(layers, params);
    }

    private static float[] weight(Path json, String file, long[] shape) {
        Path p = json.resolveSibling(file);
        try {
            Npy.FloatArray a = Npy.readFloats(p);
            if (!Arrays.equals(Arrays.stream(a.shape()).asLongStream().toArray(), shape)) {
                throw new LatentLabException(p + " has shape " + Arrays.toString(a.shape()) + ", " + json.getFileName()
                        + " needs " + Arrays.toString(shape));
            }
            return a.data();
        } catch (IOException e) {
            throw new LatentLabException(json.getFileName() + " names " + file + ": " + e.getMessage());
        }
    }

    private static int[] toIntArray(JsonNode arr) {
        int[] out = new int[arr.size()];
        for (int j = 0; j < out.length; j++) {
            out[j] = arr.get(j).asInt();
        }
        return out;
    }

    private static int[] toInt(long[] s) {
        return Arrays.stream(s).mapToInt(v -> (int) v).toArray();
    }
}
