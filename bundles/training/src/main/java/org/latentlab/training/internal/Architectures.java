package org.latentlab.training.internal;

import java.util.ArrayList;
import java.util.List;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.training.TrainingConfig;
import org.latentlab.layerstack.Layer;

/** Encoder and decoder layer lists for a configuration. */
final class Architectures {

    private Architectures() {}

    static List<Layer> encoder(TrainingConfig c, int[] inputShape) {
        List<Layer> l = new ArrayList<>();
        switch (c.architecture()) {
            case "mlp" -> {
                int in = fits(size(inputShape), "the input size");
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
                l.add(Layer.linear(fits((long) ch * side * side, "the flattened conv output"), c.latentDim()));
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
                l.add(Layer.linear(in, fits(size(inputShape), "the input size")));
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
                l.add(Layer.linear(c.latentDim(), fits((long) ch * side * side, "the conv decoder's first layer")));
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

    static long size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    private static int fits(long n, String what) {
        if (n > Integer.MAX_VALUE - 8) {
            throw new LatentLabException(what + " would be " + n + " values, too many; use smaller --hidden or --latent");
        }
        return (int) n;
    }

    /**
     * Refuses, before any work, a network whose weights cannot be held: one layer's weights must fit a Java array (they
     * are initialised in Java), and what training holds per parameter ({@link #bytesToTrain}) must fit this machine's
     * memory, with as many gradients as the batch may be split into ({@link MlpStep#gradientParts}).
     */
    static void requireFits(List<Layer> encoder, List<Layer> decoder, long batch) {
        Runtime rt = Runtime.getRuntime();
        requireFits(encoder, decoder, MlpStep.gradientParts(encoder, decoder, batch), physicalMemory(),
                rt.maxMemory() - (rt.totalMemory() - rt.freeMemory()));
    }

    /**
     * Bytes training holds per the whole network of {@code params} parameters when a batch's gradient is computed in
     * {@code parts} parts: the weights, Adam's two moments, and one gradient per part (float32 each), so 16 bytes per
     * parameter in one part, 20 in two. (16 in all was counted before the step was split into parts.)
     */
    static long bytesToTrain(long params, int parts) {
        return multiply(params, 12 + 4L * Math.max(1, parts));
    }

    static void requireFits(List<Layer> encoder, List<Layer> decoder, int parts, long have, long heapFree) {
        long params = 0;
        long largest = 0;
        for (Layer l : concat(encoder, decoder)) {
            if (!l.hasWeights()) {
                continue;
            }
            long w = 1;
            for (long d : l.weightShape()) {
                w = multiply(w, d);
            }
            if (w > Integer.MAX_VALUE - 8) {
                throw new LatentLabException(String.format(java.util.Locale.ROOT, "a %s layer %d -> %d would have %,d weights,"
                        + " more than one layer can hold (%,d): use smaller --hidden or --latent", l.type(), l.in(), l.out(), w,
                        Integer.MAX_VALUE - 8));
            }
            params += w + l.out();
            largest = Math.max(largest, w);
        }
        long need = bytesToTrain(params, parts);
        if (need > have || 4 * largest > heapFree) {
            throw new LatentLabException(String.format(java.util.Locale.ROOT, "the autoencoder would have %,d parameters and"
                    + " need about %,d MB to train (weights, Adam's moments and %d gradient part%s; %,d MB of memory here, %,d MB"
                    + " free for Java): use smaller --hidden or --latent", params, need >> 20, parts, parts == 1 ? "" : "s",
                    have >> 20, heapFree >> 20));
        }
    }

    private static long multiply(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static List<Layer> concat(List<Layer> a, List<Layer> b) {
        List<Layer> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** MemTotal of /proc/meminfo, or unlimited where that is not known. */
    private static long physicalMemory() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException ignored) {
            // not Linux
        }
        return Long.MAX_VALUE;
    }
}
