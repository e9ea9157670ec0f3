package org.latentlab.experiments.ood.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.experiment.ExperimentRequest;
import org.latentlab.api.experiment.InputReference;
import org.latentlab.launcher.spi.CommandLines;
import org.latentlab.launcher.spi.CommandLines.BadUsage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of {@code latentlab ood}; {@link #request()} turns them into an {@link ExperimentRequest} for the {@code ood} experiment. */
@Command(name = "latentlab ood", sortOptions = false,
        customSynopsis = {"latentlab ood --model DIR --training TRAIN --in IN --ood OUT --out DIR [--steps 100] [--knn 50]",
            "              [--attractor-seeds 2000] [--score ID ...]"},
        description = {"Out-of-distribution detection: encodes every input, follows its latent path z_{t+1} = E(D(z_t)) for "
            + "--steps steps and compares every OOD score side by side (AUROC, FPR95, ROC curves; OOD = positive).",
            "Inputs: a float32 .npy file [n, ...inputShape] or DATASET:SPLIT[:COUNT | :FROM:TO], e.g. mnist:test:1000:2000."},
        footer = {"", "Scores: latentlab services --kind ood-score. Definitions: docs/experiments.md."})
final class OodOptions {

    @Mixin
    CommandLines.Help help;

    @Option(names = "--model", paramLabel = "DIR", description = "the model folder")
    Path model;
    @Option(names = "--training", paramLabel = "TRAIN", description = "the model's training inputs, e.g. mnist:train:20000")
    String training;
    @Option(names = "--in", paramLabel = "IN", description = "in-distribution inputs (negatives), e.g. mnist:test:1000:2000")
    String in;
    @Option(names = "--ood", paramLabel = "OUT", description = "out-of-distribution inputs (positives), e.g. fashion-mnist:test:0:1000")
    String ood;
    @Option(names = "--steps", paramLabel = "T", description = "map steps per input (default 100)")
    Integer steps;
    @Option(names = "--knn", paramLabel = "K", description = "k of the knn score (default 50)")
    Integer knn;
    @Option(names = "--attractor-seeds", paramLabel = "N", description = "training encodings iterated to the training attractors (default 2000)")
    Integer attractorSeeds;
    @Option(names = "--score", paramLabel = "ID", split = ",", description = "a score to compute (repeatable or comma-separated; "
            + "default: every registered score)")
    List<String> scores = new ArrayList<>();
    @Option(names = "--strategy", paramLabel = "ID", description = "iteration strategy for the training attractors (default picard)")
    String strategy;
    @Option(names = "--clusterer", paramLabel = "ID", description = "merge rule for the training attractors (default cosine, 0.99)")
    String clusterer;
    @Option(names = "--out", paramLabel = "DIR", description = "Output: ood.json, scores-in.npy, scores-ood.npy, report.html; a new or "
            + "empty folder, or an earlier experiment output")
    Path out;
    @Option(names = "--quiet", description = "no progress display")
    boolean quiet;

    /** The request these options describe; references are checked for their form here. */
    ExperimentRequest request() {
        if (model == null) {
            throw new BadUsage("--model DIR is required");
        }
        for (String[] ref : new String[][] {{"--training", training}, {"--in", in}, {"--ood", ood}}) {
            if (ref[1] == null) {
                throw new BadUsage(ref[0] + " is required (a .npy file or DATASET:SPLIT[:COUNT | :FROM:TO])");
            }
            try {
                InputReference.parse(ref[1]);
            } catch (LatentLabException e) {
                throw new BadUsage(ref[0] + ": " + e.getMessage());
            }
        }
        if (out == null) {
            throw new BadUsage("--out DIR is required");
        }
        for (String[] n : new String[][] {{"--steps", str(steps)}, {"--knn", str(knn)}, {"--attractor-seeds", str(attractorSeeds)}}) {
            if (n[1] != null && Long.parseLong(n[1]) < 1) {
                throw new BadUsage(n[0] + " " + n[1] + ": must be at least 1");
            }
        }
        List<String> ids = scores.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        return ExperimentRequest.builder(OodExperiment.ID).model(model).out(out)
                .param("training", training).param("in", in).param("ood", ood)
                .param("steps", str(steps)).param("knn", str(knn)).param("attractorSeeds", str(attractorSeeds))
                .param("scores", ids.isEmpty() ? null : String.join(",", ids))
                .param("strategy", strategy).param("clusterer", clusterer)
                .build();
    }

    private static String str(Integer v) {
        return v == null ? null : v.toString();
    }
}
