package org.latentlab.backend.djl.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import java.nio.file.Path;
import java.util.List;
import org.latentlab.api.LatentLabException;
import org.latentlab.layerstack.Layer;
import org.latentlab.layerstack.LayerStack;
import org.latentlab.layerstack.WeightedLayer;

/**
 * A layer-stack file ({@link LayerStack}) with its weights as DJL NDArrays: the 'layers' backend's network. The
 * training bundle trains the same layer types with the same operations (its own copy, checked against this one by
 * its tests), so a trained model runs here exactly as it was trained.
 */
final class DjlLayerStack {

    private final List<Layer> layers;
    /** Weight and bias per layer; null for layers without weights. */
    private final NDArray[][] params;

    private DjlLayerStack(List<Layer> layers, NDArray[][] params) {
        this.layers = layers;
        this.params = params;
    }

    /** Reads a {@code .layers.json} file and its weights into NDArrays of {@code manager}. */
    static DjlLayerStack load(Path json, NDManager manager) {
        List<WeightedLayer> read = LayerStack.read(json);
        NDArray[][] params = new NDArray[read.size()][];
        for (int i = 0; i < read.size(); i++) {
            WeightedLayer l = read.get(i);
            if (l.weight() != null) {
                params[i] = new NDArray[] {manager.create(l.weight(), new Shape(l.layer().weightShape())),
                        manager.create(l.bias(), new Shape(l.layer().out()))};
            }
        }
        return new DjlLayerStack(read.stream().map(WeightedLayer::layer).toList(), params);
    }

    /** Applies the layers to a batch (records autograd operations when a gradient collector is open). */
    NDArray forward(NDArray x) {
        NDArray h = x;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            NDArray[] p = params[i];
            h = switch (l.type()) {
                case "linear" -> Linear.linear(h, p[0], p[1]).singletonOrThrow();
                case "conv2d" -> Conv2d.conv2d(h, p[0], p[1], new Shape(l.stride(), l.stride()),
                        new Shape(l.padding(), l.padding()), new Shape(1, 1), 1).singletonOrThrow();
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
}
