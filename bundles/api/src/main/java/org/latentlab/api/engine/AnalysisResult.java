package org.latentlab.api.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.metric.MetricResult;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.api.result.SeedRecords;
import org.latentlab.api.result.SeedSummary;

/**
 * Everything one analysis produced, and every choice that produced it (the number of attractors
 * depends on seeds, strategy, tolerance and merge rule, so all are recorded).
 *
 * @param model            the model analysed
 * @param seedOrigin       where the seeds came from
 * @param seeds            the seeds [n, k] in latent space
 * @param strategy         strategy id
 * @param strategyParams   strategy parameters in force
 * @param clusterer        clusterer id
 * @param clustererParams  clusterer parameters in force
 * @param attractors       distinct fixed points with their fields
 * @param trajectories     one per seed (empty when not kept in memory)
 * @param labels           attractor id per seed, -1 when not converged (empty when not kept in memory)
 * @param metrics          what each metric computed, by metric id, in the order they ran
 * @param elapsedMillis    wall time of the analysis
 * @param seedSummary      counts over every seed
 * @param perSeed          every seed's result, in blocks
 * @param iteratedOn       where the seeds were iterated when not in this lab's own loop (e.g. "Spark, master
 *                         local[2], 4 parts"), else {@code null} (since 2.3)
 * @param lowPrecisionEvaluations rows all seeds passed through the low-precision version of f
 *                         ({@link org.latentlab.api.dynamics.LatentMap#lowPrecision()}) before finishing on f; 0 when
 *                         none was used or the seeds were iterated elsewhere (since 2.4)
 */
public record AnalysisResult(ModelSpec model, String seedOrigin, Tensor seeds, String strategy,
        Parameters strategyParams, String clusterer, Parameters clustererParams, List<Attractor> attractors,
        List<Trajectory> trajectories, int[] labels, Map<String, MetricResult> metrics,
        long elapsedMillis, SeedSummary seedSummary, SeedRecords perSeed, String iteratedOn, long lowPrecisionEvaluations) {

    /** A result without low-precision evaluations. */
    public AnalysisResult(ModelSpec model, String seedOrigin, Tensor seeds, String strategy, Parameters strategyParams,
            String clusterer, Parameters clustererParams, List<Attractor> attractors, List<Trajectory> trajectories,
            int[] labels, Map<String, MetricResult> metrics, long elapsedMillis, SeedSummary seedSummary, SeedRecords perSeed,
            String iteratedOn) {
        this(model, seedOrigin, seeds, strategy, strategyParams, clusterer, clustererParams, attractors, trajectories, labels,
                metrics, elapsedMillis, seedSummary, perSeed, iteratedOn, 0);
    }

    /** A result iterated in this lab. */
    public AnalysisResult(ModelSpec model, String seedOrigin, Tensor seeds, String strategy, Parameters strategyParams,
            String clusterer, Parameters clustererParams, List<Attractor> attractors, List<Trajectory> trajectories,
            int[] labels, Map<String, MetricResult> metrics, long elapsedMillis, SeedSummary seedSummary, SeedRecords perSeed) {
        this(model, seedOrigin, seeds, strategy, strategyParams, clusterer, clustererParams, attractors, trajectories, labels,
                metrics, elapsedMillis, seedSummary, perSeed, null);
    }

    /** A result whose per-seed data is all in memory: the summary and records are made from the trajectories. */
    public AnalysisResult(ModelSpec model, String seedOrigin, Tensor seeds, String strategy, Parameters strategyParams,
            String clusterer, Parameters clustererParams, List<Attractor> attractors, List<Trajectory> trajectories,
            int[] labels, Map<String, MetricResult> metrics, long elapsedMillis) {
        this(model, seedOrigin, seeds, strategy, strategyParams, clusterer, clustererParams, attractors, trajectories,
                labels, metrics, elapsedMillis, SeedSummary.of(trajectories), SeedRecords.of(seeds, trajectories, labels));
    }

    /** Seeds in the run. */
    public long seedCount() {
        return seedSummary.seeds();
    }

    /** Whether every seed's trajectory is in {@link #trajectories()} (else read them from {@link #perSeed()}). */
    public boolean perSeedInMemory() {
        return trajectories.size() == seedSummary.seeds();
    }

    /**
     * Evaluations of the map f the strategy made for all seeds: the sum of each trajectory's
     * {@link Trajectory#mapEvaluations()}, or −1 when a trajectory was not counted. The engine's own
     * evaluations after the strategy (polishing, Jacobians, metrics) are not included.
     */
    public long mapEvaluations() {
        return seedSummary.mapEvaluations();
    }

    /**
     * Run-level metric values as plain Java values by metric id.
     *
     * @deprecated read the typed {@link #metrics()} instead
     */
    @Deprecated
    public Map<String, Map<String, Object>> metricSummaries() {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        metrics.forEach((id, r) -> out.put(id, r.plainSummary()));
        return out;
    }
}
