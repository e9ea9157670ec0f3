package org.latentlab.api.training;

import java.util.Arrays;

/**
 * How to build and train an autoencoder.
 *
 * @param architecture   {@code mlp} or {@code conv}
 * @param latentDim      latent dimension k
 * @param hidden         hidden widths of the MLP encoder (the decoder mirrors them), or conv channels
 * @param activation     relu, tanh, sigmoid, leaky-relu or gelu
 * @param init           kaiming-uniform (PyTorch's default), xavier-normal or normal
 * @param weightDecay    L2 penalty added to the gradient (Adam's classic weight decay)
 * @param inputNoise     standard deviation of Gaussian noise added to training inputs (denoising)
 * @param maskFraction   fraction of input values set to 0 per example (masking augmentation)
 * @param trainSize      training examples used (from the start of the split)
 * @param epochs         passes over the training examples
 * @param batchSize      examples per step
 * @param learningRate   Adam's step size
 * @param seed           seeds initialisation, shuffling and augmentation: same seed, same model
 * @param initScale      factor applied to every initial weight after {@code init} (1 = the init as is)
 * @param shift          shift augmentation: each training image is translated by a random whole number of
 *                       pixels in [-shift, shift] along each axis, the gap filled with 0 (0 = off; images only)
 * @param steps          optimiser steps to train; 0 = {@code epochs} passes decide. With steps the examples are
 *                       reshuffled at every pass and the last pass may be partial
 */
public record TrainingConfig(String architecture, int latentDim, int[] hidden, String activation, String init,
        double weightDecay, double inputNoise, double maskFraction, int trainSize, int epochs, int batchSize,
        double learningRate, long seed, double initScale, int shift, int steps) implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    /** A configuration without init scaling, shift augmentation or a step count (the 1.0 components). */
    public TrainingConfig(String architecture, int latentDim, int[] hidden, String activation, String init,
            double weightDecay, double inputNoise, double maskFraction, int trainSize, int epochs, int batchSize,
            double learningRate, long seed) {
        this(architecture, latentDim, hidden, activation, init, weightDecay, inputNoise, maskFraction, trainSize, epochs,
                batchSize, learningRate, seed, 1.0, 0, 0);
    }

    /** This configuration with init scale, shift and step count replaced. */
    public TrainingConfig with(double initScale, int shift, int steps) {
        return new TrainingConfig(architecture, latentDim, hidden, activation, init, weightDecay, inputNoise, maskFraction,
                trainSize, epochs, batchSize, learningRate, seed, initScale, shift, steps);
    }

    /** The optimiser steps this configuration trains for ({@code steps}, or epochs × ⌈trainSize / batch⌉). */
    public long totalSteps() {
        if (steps > 0) {
            return steps;
        }
        long batch = Math.min(batchSize, trainSize);
        return (long) epochs * ((trainSize + batch - 1) / batch);
    }

    /** The demo's default: an MLP 784-512-128-16 on 10,000 MNIST digits, 12 epochs. */
    public static TrainingConfig defaults() {
        return new TrainingConfig("mlp", 16, new int[] {512, 128}, "relu", "kaiming-uniform", 1e-5, 0.0, 0.0, 10000, 12,
                128, 1e-3, 0);
    }

    /** Architectures, activations and initialisations that {@link #validate()} accepts. */
    public static final java.util.List<String> ARCHITECTURES = java.util.List.of("mlp", "conv");
    public static final java.util.List<String> ACTIVATIONS = java.util.List.of("relu", "tanh", "sigmoid", "leaky-relu", "gelu");
    public static final java.util.List<String> INITS = java.util.List.of("kaiming-uniform", "xavier-normal", "normal");

    /**
     * Checks every value before any work: names, whole numbers &gt;= 1, finite reals in range. The
     * message names the value by its {@code latentlab train} option, e.g. "--weight-decay NaN: ...".
     *
     * @throws IllegalArgumentException naming the first bad value
     */
    public void validate() {
        oneOf("--architecture", architecture, ARCHITECTURES);
        oneOf("--activation", activation, ACTIVATIONS);
        oneOf("--init", init, INITS);
        atLeastOne("--latent", latentDim);
        if (hidden == null || hidden.length == 0) {
            throw new IllegalArgumentException("--hidden needs at least one width, e.g. 512,128");
        }
        for (int h : hidden) {
            if (h < 1) {
                throw new IllegalArgumentException("--hidden " + Arrays.toString(hidden).replaceAll("[\\[\\] ]", "")
                        + ": every width must be >= 1, found " + h);
            }
        }
        atLeastOne("--train-size", trainSize);
        atLeastOne("--epochs", epochs);
        atLeastOne("--batch", batchSize);
        finite("--weight-decay", weightDecay, weightDecay >= 0, "a finite number >= 0");
        finite("--input-noise", inputNoise, inputNoise >= 0, "a finite number >= 0");
        finite("--mask", maskFraction, maskFraction >= 0 && maskFraction < 1, "a fraction, 0 <= P < 1");
        finite("--lr", learningRate, learningRate > 0, "a finite number > 0");
        finite("--init-scale", initScale, initScale > 0, "a finite number > 0");
        if (shift < 0) {
            throw new IllegalArgumentException("--shift " + shift + ": must be a whole number >= 0");
        }
        if (steps < 0) {
            throw new IllegalArgumentException("--steps " + steps + ": must be a whole number >= 0 (0 = by --epochs)");
        }
    }

    private static void oneOf(String option, String value, java.util.List<String> allowed) {
        if (!allowed.contains(value)) {
            throw new IllegalArgumentException(option + " '" + value + "' is unknown; use " + String.join(", ", allowed));
        }
    }

    private static void atLeastOne(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " " + value + ": must be a whole number >= 1");
        }
    }

    private static void finite(String option, double value, boolean inRange, String what) {
        if (!Double.isFinite(value) || !inRange) {
            throw new IllegalArgumentException(option + " " + value + ": must be " + what);
        }
    }

    /**
     * A short stable name for caching: same config, same name. Init scale, shift and steps appear only when
     * they are not the defaults, so names of 1.0 configurations are unchanged.
     */
    public String key() {
        return String.format(java.util.Locale.ROOT, "%s-k%d-h%s-%s-%s-wd%g-n%g-m%g-t%d-e%d-b%d-lr%g-s%d", architecture,
                latentDim, Arrays.toString(hidden).replaceAll("[\\[\\] ]", "").replace(',', '_'), activation, init, weightDecay,
                inputNoise, maskFraction, trainSize, epochs, batchSize, learningRate, seed)
                + (initScale != 1.0 ? String.format(java.util.Locale.ROOT, "-is%g", initScale) : "")
                + (shift != 0 ? "-sh" + shift : "") + (steps != 0 ? "-st" + steps : "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingConfig c && key().equals(c.key());
    }

    @Override
    public int hashCode() {
        return key().hashCode();
    }
}
