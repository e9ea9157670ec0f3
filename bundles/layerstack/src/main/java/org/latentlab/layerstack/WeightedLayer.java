package org.latentlab.layerstack;

/**
 * A layer of a stack with its values: for weighted layers ({@link Layer#hasWeights()}) the weight in PyTorch
 * layout ({@link Layer#weightShape()}, row-major) and the bias ({@code out} values); {@code null} for the others.
 */
public record WeightedLayer(Layer layer, float[] weight, float[] bias) {

    /** A layer without weights (activation, flatten, reshape, upsample, crop). */
    public static WeightedLayer of(Layer layer) {
        return new WeightedLayer(layer, null, null);
    }
}
