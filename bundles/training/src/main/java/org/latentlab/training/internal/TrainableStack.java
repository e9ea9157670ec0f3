package org.latentlab.training.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.latentlab.api.LatentLabException;
import org.latentlab.layerstack.Layer;
import org.latentlab.layerstack.LayerStack;
import org.latentlab.layerstack.WeightedLayer;

/**
 * A layer stack being trained: PyTorch-layout weights as DJL NDArrays that take gradients, and the forward pass
 * the loss is computed with. The 'layers' backend runs saved stacks with the same operations (TrainingTest checks
 * that it reproduces this forward pass on a trained model); the file format is {@link LayerStack}'s.
 */
final class TrainableStack {

    private final List<Layer> layers;
    /** Weight and bias per layer; null for layers without weights. */
    private final NDArray[][] params;
    /**
     * System property {@code latentlab.training.onednnConv=true}: conv layers train on oneDNN (DJL's {@code Conv2d}) as
     * before 2026-12-06, about 4x faster a step (MNIST, channels 16,32, batch 128, AMD EPYC: 85 against 365-400 ms),
     * where its backward is known to be right; read once.
     */
    static final boolean ONEDNN_CONV = Boolean.getBoolean("latentlab.training.onednnConv");
    /** The convolution kernel conv layers train with, loaded at the first (see {@link ReferenceConv2d} for why). */
    private ReferenceConv2d conv;

    private TrainableStack(List<Layer> layers, NDArray[][] params) {
        this.layers = List.copyOf(layers);
        this.params = params;
    }

    /**
     * Fresh weights: "kaiming-uniform" (PyTorch's default, U(±1/√fan_in) for weight and bias),
     * "xavier-normal" (N(0, 2/(fan_in + fan_out)), zero bias) or "normal" (N(0, 0.02²), zero bias);
     * reproducible from {@code seed}.
     */
    static TrainableStack initialise(List<Layer> layers, String init, long seed, NDManager manager) {
        return initialise(layers, init, 1.0, seed, manager);
    }

    /**
     * Fresh weights as {@link #initialise(List, String, long, NDManager)}, each weight and bias then multiplied by
     * {@code scale} (the float32 weight times scale, rounded to float32: scale 1 leaves every weight exactly as drawn).
     * The scale draws nothing: the same seed gives the same draws at every scale.
     */
    static TrainableStack initialise(List<Layer> layers, String init, double scale, long seed, NDManager manager) {
        SplittableRandom r = new SplittableRandom(seed);
        NDArray[][] params = new NDArray[layers.size()][];
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
                        w[j] = (float) (org.latentlab.numerics.Gaussian.next(r) * sd);
                    }
                }
                case "normal" -> {
                    for (int j = 0; j < n; j++) {
                        w[j] = (float) (org.latentlab.numerics.Gaussian.next(r) * 0.02);
                    }
                }
                default -> throw new LatentLabException("unknown initialisation '" + init
                        + "'; use kaiming-uniform, xavier-normal or normal");
            }
            if (scale != 1.0) {
                scale(w, scale);
                scale(b, scale);
            }
            params[i] = new NDArray[] {manager.create(w, new Shape(ws)), manager.create(b, new Shape(biasSize))};
        }
        return new TrainableStack(layers, params);
    }

    private static void scale(float[] values, double scale) {
        for (int j = 0; j < values.length; j++) {
            values[j] = (float) (values[j] * scale);
        }
    }

    /** All parameter arrays, in order: weight then bias of each weighted layer. */
    List<NDArray> parameters() {
        List<NDArray> out = new ArrayList<>();
        for (NDArray[] p : params) {
            if (p != null) {
                out.addAll(Arrays.asList(p));
            }
        }
        return out;
    }

    /** Applies the layers to a batch, recording autograd operations inside a gradient collector. */
    NDArray forward(NDArray x) {
        NDArray h = x;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            NDArray[] p = params[i];
            h = switch (l.type()) {
                case "linear" -> Linear.linear(h, p[0], p[1]).singletonOrThrow();
                case "conv2d" -> {
                    if (ONEDNN_CONV) { // asked for: about 4x faster a step, but see ReferenceConv2d
                        yield ai.djl.nn.convolutional.Conv2d.conv2d(h, p[0], p[1], new Shape(l.stride(), l.stride()),
                                new Shape(l.padding(), l.padding()), new Shape(1, 1), 1).singletonOrThrow();
                    }
                    if (conv == null) {
                        conv = ReferenceConv2d.load(p[0].getManager());
                    }
                    yield conv.apply(h, p[0], p[1], l.stride(), l.padding());
                }
                case "upsample" -> h.repeat(h.getShape().dimension() - 2, l.stride()).repeat(h.getShape().dimension() - 1, l.stride());
                case "crop" -> h.get(new NDIndex("..., :{}, :{}", l.shape()[0], l.shape()[1]));
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
    Path save(Path dir, String name) throws IOException {
        List<WeightedLayer> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            NDArray[] p = params[i];
            out.add(p == null ? WeightedLayer.of(layers.get(i))
                    : new WeightedLayer(layers.get(i), p[0].toFloatArray(), p[1].toFloatArray()));
        }
        return LayerStack.write(dir, name, out);
    }
}
