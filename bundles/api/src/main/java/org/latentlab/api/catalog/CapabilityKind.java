package org.latentlab.api.catalog;

import org.latentlab.api.Capability;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.data.DataSet;
import org.latentlab.api.data.SeedSource;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.experiment.Experiment;
import org.latentlab.api.export.Exporter;
import org.latentlab.api.metric.Metric;
import org.latentlab.api.model.ModelBackend;
import org.latentlab.api.ood.OodScore;

/** The kinds of pluggable services, each with the interface its services register under. */
public enum CapabilityKind {
    BACKEND("backend", ModelBackend.class),
    STRATEGY("strategy", IterationStrategy.class),
    CLUSTERER("clusterer", AttractorClusterer.class),
    METRIC("metric", Metric.class),
    EXPORTER("exporter", Exporter.class),
    DATASET("dataset", DataSet.class),
    SEED_SOURCE("seeds", SeedSource.class),
    EXPERIMENT("experiment", Experiment.class),
    OOD_SCORE("ood-score", OodScore.class),
    CELL_EXECUTOR("cell-executor", org.latentlab.api.sweep.CellExecutor.class),
    /** Where an analysis iterates its seeds ({@code local}, {@code spark}). @since 1.3 */
    PART_EXECUTOR("part-executor", org.latentlab.api.engine.SeedPartExecutor.class);

    private final String label;
    private final Class<? extends Capability> type;

    CapabilityKind(String label, Class<? extends Capability> type) {
        this.label = label;
        this.type = type;
    }

    /** Lower-case name used in output and the REST API, e.g. {@code strategy}. */
    public String label() {
        return label;
    }

    public Class<? extends Capability> type() {
        return type;
    }

    /** The kind whose interface is {@code type}. */
    public static CapabilityKind of(Class<?> type) {
        for (CapabilityKind k : values()) {
            if (k.type == type) {
                return k;
            }
        }
        throw new IllegalArgumentException(type + " is not a LatentLab capability interface");
    }
}
