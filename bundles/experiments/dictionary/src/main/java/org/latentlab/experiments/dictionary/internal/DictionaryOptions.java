package org.latentlab.experiments.dictionary.internal;

import java.nio.file.Path;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.experiment.ExperimentRequest;
import org.latentlab.launcher.spi.CommandLines;
import org.latentlab.launcher.spi.CommandLines.BadUsage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of {@code latentlab dictionary}; {@link #request()} turns them into an {@link ExperimentRequest}. */
@Command(name = "latentlab dictionary", sortOptions = false,
        customSynopsis = {"latentlab dictionary --model DIR --inputs TEST [--noise 2000] [--training TRAIN]",
            "                            [--sparsity 1,2,4,8,16] --out DIR [options]"},
        description = "Uses the attractors reached from latent noise as a dictionary: approximates each test code E(x) by "
                + "orthogonal matching pursuit with s atoms and compares, at equal s, with a random orthonormal basis, PCA, "
                + "a random dictionary and k-means centroids.",
        footer = {"", "Inputs: a float32 .npy file [n, ...inputShape] or DATASET:SPLIT[:COUNT | :FROM:TO], e.g. mnist:test:1000."})
final class DictionaryOptions {

    @Mixin
    CommandLines.Help help;

    @Option(names = "--model", paramLabel = "DIR", description = "the model folder (model.json and the encoder/decoder files)")
    Path model;
    @Option(names = "--inputs", paramLabel = "TEST", description = "the test inputs whose codes are approximated")
    String inputs;
    @Option(names = "--training", paramLabel = "TRAIN", description = "training inputs for the PCA and k-means baselines "
            + "(without them those two are skipped)")
    String training;
    @Option(names = "--noise", paramLabel = "N", description = "Gaussian latent seeds the atoms are found from (default 2000)")
    String noise;
    @Option(names = "--noise-sigma", paramLabel = "S", description = "their standard deviation (default 1)")
    String sigma;
    @Option(names = "--random-seed", paramLabel = "R", description = "random seed of the noise; the random basis, random "
            + "dictionary and k-means use R+1, R+2, R+3 (default 0)")
    String seed;
    @Option(names = "--sparsity", paramLabel = "LIST", description = "sparsity levels s (default " + Sparsities.DEFAULT + ")")
    String sparsity;
    @Option(names = "--strategy", paramLabel = "ID", description = "iteration strategy that finds the attractors (default picard)")
    String strategy;
    @Option(names = "--clusterer", paramLabel = "ID", description = "merge rule for end points (default cosine)")
    String clusterer;
    @Option(names = "--out", paramLabel = "DIR", description = "Output: dictionary.json, atoms.npy, report.html; a new or empty "
            + "folder, or an earlier experiment output")
    Path out;
    @Option(names = "--quiet", description = "no progress display")
    boolean quiet;

    ExperimentRequest request() {
        if (model == null) {
            throw new BadUsage("--model DIR is required");
        }
        if (inputs == null || inputs.isBlank()) {
            throw new BadUsage("--inputs TEST is required (a .npy file or e.g. mnist:test:1000)");
        }
        if (out == null) {
            throw new BadUsage("--out DIR is required");
        }
        if (sparsity != null) {
            try {
                Sparsities.parse(sparsity);
            } catch (LatentLabException e) {
                throw new BadUsage("--sparsity: " + e.getMessage());
            }
        }
        return ExperimentRequest.builder(DictionaryExperiment.ID).model(model).out(out).param("inputs", inputs)
                .param("training", training).param("noise", noise).param("sigma", sigma).param("seed", seed)
                .param("sparsity", sparsity).param("strategy", strategy).param("clusterer", clusterer).build();
    }
}
