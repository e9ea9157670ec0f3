package org.latentlab.training;

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
 */
public record TrainingConfig(String architecture, int latentDim, int[] hidden, String activation, String init,
        double weightDecay, double inputNoise, double maskFraction, int trainSize, int epochs, int batchSize,
        double learningRate, long seed) {

    /** The demo's default: an MLP 784-512-128-16 on 10,000 MNIST digits, 12 epochs. */
    public static TrainingConfig defaults() {
        return new TrainingConfig("mlp", 16, new int[] {512, 128}, "relu", "kaiming-uniform", 1e-5, 0.0, 0.0, 10000, 12,
                128, 1e-3, 0);
    }

    /** A short stable name for caching: same config, same name. */
    public String key() {
        return String.format(java.util.Locale.ROOT, "%s-k%d-h%s-%s-%s-wd%g-n%g-m%g-t%d-e%d-b%d-lr%g-s%d", architecture,
                latentDim, Arrays.toString(hidden).replaceAll("[\\[\\] ]", "").replace(',', '_'), activation, init, weightDecay,
                inputNoise, maskFraction, trainSize, epochs, batchSize, learningRate, seed);
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
