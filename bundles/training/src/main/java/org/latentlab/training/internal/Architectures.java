package org.latentlab.training.internal;

import java.util.ArrayList;
import java.util.List;
import org.latentlab.api.LatentLabException;
import org.latentlab.backend.layers.Layer;
import org.latentlab.training.TrainingConfig;

/** Encoder and decoder layer lists for a configuration. */
final class Architectures {

    private Architectures() {}

    static List<Layer> encoder(TrainingConfig c, int[] inputShape) {
        List<Layer> l = new ArrayList<>();
        switch (c.architecture()) {
            case "mlp" -> {
                int in = size(inputShape);
                l.add(Layer.flatten());
                for (int h : c.hidden()) {
                    l.add(Layer.linear(in, h));
                    l.add(Layer.activation(c.activation()));
                    in = h;
                }
                l.add(Layer.linear(in, c.latentDim()));
            }
            case "conv" -> {
                requireImage(inputShape);
                int ch = inputShape[0];
                int side = inputShape[1];
                for (int h : c.hidden()) { // 3x3, stride 2, padding 1: halves the side
                    l.add(Layer.conv2d(ch, h, 3, 2, 1));
                    l.add(Layer.activation(c.activation()));
                    ch = h;
                    side = (side + 1) / 2;
                }
                l.add(Layer.flatten());
                l.add(Layer.linear(ch * side * side, c.latentDim()));
            }
            default -> throw new LatentLabException("unknown architecture '" + c.architecture() + "'; use mlp or conv");
        }
        return l;
    }

    static List<Layer> decoder(TrainingConfig c, int[] inputShape) {
        List<Layer> l = new ArrayList<>();
        int[] hidden = c.hidden();
        switch (c.architecture()) {
            case "mlp" -> {
                int in = c.latentDim();
                for (int i = hidden.length - 1; i >= 0; i--) {
                    l.add(Layer.linear(in, hidden[i]));
                    l.add(Layer.activation(c.activation()));
                    in = hidden[i];
                }
                l.add(Layer.linear(in, size(inputShape)));
                l.add(Layer.activation("sigmoid"));
                l.add(Layer.reshape(inputShape));
            }
            case "conv" -> {
                requireImage(inputShape);
                int[] sides = new int[hidden.length + 1];
                sides[0] = inputShape[1];
                for (int i = 0; i < hidden.length; i++) {
                    sides[i + 1] = (sides[i] + 1) / 2;
                }
                int ch = hidden[hidden.length - 1];
                int side = sides[hidden.length];
                l.add(Layer.linear(c.latentDim(), ch * side * side));
                l.add(Layer.activation(c.activation()));
                l.add(Layer.reshape(ch, side, side));
                for (int i = hidden.length - 1; i >= 0; i--) { // upsample x2, crop to size, 3x3 conv
                    int outCh = i == 0 ? inputShape[0] : hidden[i - 1];
                    l.add(Layer.upsample(2));
                    if (2 * sides[i + 1] != sides[i]) {
                        l.add(Layer.crop(sides[i], sides[i]));
                    }
                    l.add(Layer.conv2d(ch, outCh, 3, 1, 1));
                    if (i > 0) {
                        l.add(Layer.activation(c.activation()));
                    }
                    ch = outCh;
                }
                l.add(Layer.activation("sigmoid"));
            }
            default -> throw new LatentLabException("unknown architecture '" + c.architecture() + "'; use mlp or conv");
        }
        return l;
    }

    private static void requireImage(int[] s) {
        if (s.length != 3 || s[1] != s[2]) {
            throw new LatentLabException("the conv architecture needs square images [channels, side, side], got "
                    + java.util.Arrays.toString(s));
        }
    }

    static int size(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
