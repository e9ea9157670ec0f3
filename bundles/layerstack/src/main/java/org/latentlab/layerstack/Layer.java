package org.latentlab.layerstack;

/**
 * One layer of a {@link LayerStack}, as written in {@code NAME.layers.json}.
 *
 * @param type          linear, conv2d, relu, tanh, sigmoid, leaky-relu, gelu, flatten, reshape, upsample (nearest,
 *                      by {@code stride}), crop (to {@code shape} = [height, width] from the top left)
 * @param in            input features / channels (linear, conv)
 * @param out           output features / channels (linear, conv)
 * @param kernel        kernel size (conv)
 * @param stride        stride (conv)
 * @param padding       padding (conv)
 * @param outputPadding reserved (0)
 * @param shape         target shape without the batch dimension (reshape), or [height, width] (crop)
 * @param alpha         negative slope (leaky-relu)
 */
public record Layer(String type, int in, int out, int kernel, int stride, int padding, int outputPadding, int[] shape,
        double alpha) {

    public static Layer linear(int in, int out) {
        return new Layer("linear", in, out, 0, 0, 0, 0, null, 0);
    }

    public static Layer conv2d(int in, int out, int kernel, int stride, int padding) {
        return new Layer("conv2d", in, out, kernel, stride, padding, 0, null, 0);
    }

    /** Nearest-neighbour upsampling of the last two dimensions by {@code factor}. (Transposed convolution is not
     * available in DJL's PyTorch engine, so decoders upsample and convolve.) */
    public static Layer upsample(int factor) {
        return new Layer("upsample", 0, 0, 0, factor, 0, 0, null, 0);
    }

    public static Layer crop(int height, int width) {
        return new Layer("crop", 0, 0, 0, 0, 0, 0, new int[] {height, width}, 0);
    }

    public static Layer activation(String name) {
        return new Layer(name, 0, 0, 0, 0, 0, 0, null, name.equals("leaky-relu") ? 0.01 : 0);
    }

    public static Layer flatten() {
        return new Layer("flatten", 0, 0, 0, 0, 0, 0, null, 0);
    }

    public static Layer reshape(int... shape) {
        return new Layer("reshape", 0, 0, 0, 0, 0, 0, shape, 0);
    }

    /** Whether the layer has a weight and a bias. */
    public boolean hasWeights() {
        return type.equals("linear") || type.equals("conv2d");
    }

    /** Shape of the weight, PyTorch layout: linear [out, in], conv2d [out, in, k, k]. */
    public long[] weightShape() {
        return switch (type) {
            case "linear" -> new long[] {out, in};
            case "conv2d" -> new long[] {out, in, kernel, kernel};
            default -> new long[0];
        };
    }

    /** Inputs feeding one output: what PyTorch's default initialisation scales by. */
    public int fanIn() {
        return switch (type) {
            case "linear" -> in;
            case "conv2d" -> in * kernel * kernel;
            default -> 0;
        };
    }
}
