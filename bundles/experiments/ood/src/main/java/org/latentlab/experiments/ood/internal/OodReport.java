package org.latentlab.experiments.ood.internal;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What one {@code ood} run found, with every setting in force: the details of its
 * {@link org.latentlab.api.experiment.ExperimentResult}, drawn by {@link OodSection}.
 *
 * @param model              the model's name
 * @param training           reference of the training inputs
 * @param in                 reference of the in-distribution inputs (negatives)
 * @param ood                reference of the out-of-distribution inputs (positives)
 * @param trainingCount      number of training inputs encoded
 * @param inCount            number of in-distribution inputs
 * @param oodCount           number of out-of-distribution inputs
 * @param steps              T, map steps per input
 * @param knn                k of the knn score
 * @param attractorSeeds     the attractorSeeds parameter
 * @param seedsUsed          training encodings iterated to reach the attractors (at most attractorSeeds)
 * @param converged          how many of them converged
 * @param attractors         distinct training attractors
 * @param strategy           iteration strategy id
 * @param strategyParams     its parameters in force
 * @param clusterer          clusterer id
 * @param clustererParams    its parameters in force
 * @param scores             per score, in the column order of the score files
 * @param files              files written, relative to the out folder
 */
record OodReport(String model, String training, String in, String ood, int trainingCount, int inCount, int oodCount, int steps,
        int knn, int attractorSeeds, int seedsUsed, int converged, int attractors, String strategy,
        Map<String, Object> strategyParams, String clusterer, Map<String, Object> clustererParams, List<ScoreSummary> scores,
        List<String> files) {

    OodReport {
        strategyParams = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(strategyParams));
        clustererParams = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(clustererParams));
        scores = List.copyOf(scores);
        files = List.copyOf(files);
    }

    /** The scores by AUROC, best first (ties keep the column order). */
    List<ScoreSummary> ranked() {
        return scores.stream().sorted(Comparator.comparingDouble(ScoreSummary::auroc).reversed()).toList();
    }

    /** The score with the highest AUROC. */
    ScoreSummary best() {
        return ranked().get(0);
    }
}
