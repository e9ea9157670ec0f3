package org.latentlab.api.engine;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latentlab.api.LatentLabException;

/**
 * One analysis to run: a model, seeds, and the ids (with parameters as text) of the strategy,
 * clusterer, metrics and exporters to use. Build it with {@link #builder()}, which holds the defaults
 * every front end shares (CLI, server, demo).
 *
 * @param modelFolder      folder holding model.json
 * @param seeds            where seeds come from
 * @param strategy         iteration strategy id, e.g. {@code picard}
 * @param strategyParams   its parameters
 * @param clusterer        clusterer id, e.g. {@code cosine}
 * @param clustererParams  its parameters
 * @param metrics          metric ids with their parameters, in the order given
 * @param exporters        exporter ids with their parameters, in the order given
 * @param outDir           output folder for the result files
 * @param training         the model's training inputs for metrics that need them, or {@code null}
 * @param executor         where the seeds are iterated: a {@link SeedPartExecutor} id, {@code null} for this lab
 *                         ({@link SeedPartExecutor#LOCAL}) (since 2.3)
 * @param executorParams   its parameters (since 2.3)
 * @param partitions       parts the seeds are split into for the executor, 0 for the engine's choice (since 2.3)
 */
public record AnalysisRequest(Path modelFolder, SeedSpec seeds, String strategy, Map<String, String> strategyParams,
        String clusterer, Map<String, String> clustererParams, Map<String, Map<String, String>> metrics,
        Map<String, Map<String, String>> exporters, Path outDir, TrainingData training, String executor,
        Map<String, String> executorParams, int partitions) implements JobRequest {

    /** The strategy when none is named: plain iteration, as in the paper. */
    public static final String DEFAULT_STRATEGY = "picard";
    /** The clusterer when none is named: the paper's cosine rule. */
    public static final String DEFAULT_CLUSTERER = "cosine";
    /** The exporters when none are named: every file of the result contract and the report. */
    public static final List<String> DEFAULT_EXPORTERS = List.of("json", "npy", "csv", "html");

    public AnalysisRequest {
        strategyParams = frozen(strategyParams);
        clustererParams = frozen(clustererParams);
        metrics = frozenNested(metrics);
        exporters = frozenNested(exporters);
        executorParams = frozen(executorParams);
        if (partitions < 0) {
            throw new LatentLabException("partitions must be 0 (the engine's choice) or more, not " + partitions);
        }
    }

    /** A request iterated in this lab. */
    public AnalysisRequest(Path modelFolder, SeedSpec seeds, String strategy, Map<String, String> strategyParams,
            String clusterer, Map<String, String> clustererParams, Map<String, Map<String, String>> metrics,
            Map<String, Map<String, String>> exporters, Path outDir, TrainingData training) {
        this(modelFolder, seeds, strategy, strategyParams, clusterer, clustererParams, metrics, exporters, outDir, training,
                null, Map.of(), 0);
    }

    /**
     * Whether the seeds are iterated elsewhere than in this lab's own loop.
     *
     * @since 2.3
     */
    public boolean iteratedElsewhere() {
        return executor != null && !executor.equals(SeedPartExecutor.LOCAL);
    }

    /** Metric ids in the order given. */
    public List<String> metricIds() {
        return List.copyOf(metrics.keySet());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects a request; {@link #build()} fills the defaults and refuses a request missing a part. */
    public static final class Builder {
        private Path modelFolder;
        private SeedSpec seeds;
        private String strategy = DEFAULT_STRATEGY;
        private Map<String, String> strategyParams = Map.of();
        private String clusterer = DEFAULT_CLUSTERER;
        private Map<String, String> clustererParams = Map.of();
        private final Map<String, Map<String, String>> metrics = new LinkedHashMap<>();
        private Map<String, Map<String, String>> exporters;
        private Path outDir;
        private TrainingData training;
        private String executor;
        private Map<String, String> executorParams = Map.of();
        private int partitions;

        private Builder() {
        }

        /** The model folder; made absolute. */
        public Builder model(Path folder) {
            this.modelFolder = folder;
            return this;
        }

        public Builder seeds(SeedSpec seeds) {
            this.seeds = seeds;
            return this;
        }

        /** The strategy id and its parameters; {@code null} keeps the default. */
        public Builder strategy(String id, Map<String, String> params) {
            this.strategy = id == null ? DEFAULT_STRATEGY : id;
            this.strategyParams = params == null ? Map.of() : params;
            return this;
        }

        /** The clusterer id and its parameters; {@code null} keeps the default. */
        public Builder clusterer(String id, Map<String, String> params) {
            this.clusterer = id == null ? DEFAULT_CLUSTERER : id;
            this.clustererParams = params == null ? Map.of() : params;
            return this;
        }

        /** Adds a metric (a later call with the same id replaces its parameters). */
        public Builder metric(String id, Map<String, String> params) {
            metrics.put(id, params == null ? Map.of() : params);
            return this;
        }

        /** Adds an exporter; the first call replaces the default exporters. */
        public Builder exporter(String id, Map<String, String> params) {
            if (exporters == null) {
                exporters = new LinkedHashMap<>();
            }
            exporters.put(id, params == null ? Map.of() : params);
            return this;
        }

        /** Replaces the exporters, the default ones included; an empty map exports nothing. */
        public Builder exporters(Map<String, Map<String, String>> idsAndParams) {
            exporters = new LinkedHashMap<>();
            idsAndParams.forEach(this::exporter);
            return this;
        }

        /** The output folder; made absolute. */
        public Builder out(Path folder) {
            this.outDir = folder;
            return this;
        }

        /** The model's training inputs for metrics that compare with them, or {@code null}. */
        public Builder training(TrainingData training) {
            this.training = training;
            return this;
        }

        /**
         * Where the seeds are iterated: a {@link SeedPartExecutor} id ({@code null}: this lab) and its parameters.
         *
         * @since 2.3
         */
        public Builder executor(String id, Map<String, String> params) {
            this.executor = id;
            this.executorParams = params == null ? Map.of() : params;
            return this;
        }

        /**
         * Parts the seeds are split into for the executor; 0 (the default) lets the engine choose.
         *
         * @since 2.3
         */
        public Builder partitions(int partitions) {
            this.partitions = partitions;
            return this;
        }

        /** @throws LatentLabException naming the part that is missing */
        public AnalysisRequest build() {
            if (modelFolder == null) {
                throw new LatentLabException("no model folder given");
            }
            if (seeds == null) {
                throw new LatentLabException("no seeds given");
            }
            if (outDir == null) {
                throw new LatentLabException("no output folder given");
            }
            Map<String, Map<String, String>> ex = exporters;
            if (ex == null) {
                ex = new LinkedHashMap<>();
                for (String id : DEFAULT_EXPORTERS) {
                    ex.put(id, Map.of());
                }
            }
            return new AnalysisRequest(modelFolder.toAbsolutePath(), seeds, strategy, strategyParams, clusterer,
                    clustererParams, metrics, ex, outDir.toAbsolutePath(), training, executor, executorParams, partitions);
        }
    }

    private static Map<String, String> frozen(Map<String, String> m) {
        return m == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    private static Map<String, Map<String, String>> frozenNested(Map<String, Map<String, String>> m) {
        if (m == null) {
            return Map.of();
        }
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        m.forEach((k, v) -> copy.put(k, frozen(v)));
        return Collections.unmodifiableMap(copy);
    }
}
