package org.latentlab.layerstack.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import java.util.List;
import org.latentlab.api.LatentLabException;
import org.latentlab.layerstack.Layer;

/** What each layer type of a layer stack computes, on DJL NDArrays (autograd records it inside a gradient collector). */
public final class DjlLayers {

    private DjlLayers() {}

    /**
     * Applies the layers to a batch.
     *
     * @param params weight and bias per layer (null for layers without weights), in the layers' order
     * @throws LatentLabException for a layer type this version does not know
     */
    public static NDArray forward(List<Layer> layers, NDArray[][] params, NDArray x) {
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
