package org.latentlab.backend.djl.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import org.latentlab.layerstack.Layer;
import org.latentlab.layerstack.djl.DjlLayers;
import org.latentlab.layerstack.LayerStack;
import org.latentlab.layerstack.WeightedLayer;

/**
 * A layer-stack file ({@link LayerStack}) with its weights as DJL NDArrays: the 'layers' backend's network. The
 * training bundle trains with the same forward pass ({@link DjlLayers}), so a trained model runs here exactly as it
 * was trained.
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
        return DjlLayers.forward(layers, params, x);
    }
}
