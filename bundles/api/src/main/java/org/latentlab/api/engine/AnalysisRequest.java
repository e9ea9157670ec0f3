package org.latentlab.api.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One analysis to run: a model, seeds, and the ids (with parameters as text) of the strategy,
 * clusterer, metrics and exporters to use.
 *
 * @param modelFolder      folder holding model.json
 * @param seeds            where seeds come from
 * @param strategy         iteration strategy id, e.g. {@code picard}
 * @param strategyParams   its parameters
 * @param clusterer        clusterer id, e.g. {@code cosine}
 * @param clustererParams  its parameters
 * @param metrics          metric ids with their parameters
 * @param exporters        exporter ids with their parameters
 * @param outDir           output folder for the result files
 * @param training         the model's training inputs for metrics that need them, or {@code null}
 */
public record AnalysisRequest(Path modelFolder, SeedSpec seeds, String strategy, Map<String, String> strategyParams,
        String clusterer, Map<String, String> clustererParams, Map<String, Map<String, String>> metrics,
        Map<String, Map<String, String>> exporters, Path outDir, TrainingData training) {

    /** Metric ids in the order given. */
    public List<String> metricIds() {
        return List.copyOf(metrics.keySet());
    }
}
