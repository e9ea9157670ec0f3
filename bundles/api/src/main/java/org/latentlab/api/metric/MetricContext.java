package org.latentlab.api.metric;

import java.util.List;
import java.util.Optional;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.result.SeedRecords;
import org.latentlab.api.result.SeedSummary;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Everything a metric may read about a finished run. Provided by the engine.
 *
 * <p>Runs of more seeds than the engine keeps in memory (100,000 by default) have no per-seed data in
 * {@link #seeds()}, {@link #trajectories()} and {@link #labels()} (0 rows, empty): read {@link #perSeed()} in blocks,
 * or say in the result that the metric was skipped (see {@link #perSeedInMemory()}).
 */
@ProviderType
public interface MetricContext {

    /** The model, still open while metrics run; empty for runs on a plain latent map. */
    Optional<LatentModel> model();

    /** The seeds [n, k] in latent space (0 rows when not kept in memory). */
    Tensor seeds();

    /** One trajectory per seed (empty when not kept in memory). */
    List<Trajectory> trajectories();

    /** The distinct attractors found. */
    List<Attractor> attractors();

    /** Attractor id of each seed, -1 when it did not converge (empty when not kept in memory). */
    int[] labels();

    /** Training inputs [n, ...inputShape] when the run was given a training set. */
    Optional<Tensor> trainingInputs();

    /** Counts over every seed of the run. */
    default SeedSummary seedSummary() {
        return SeedSummary.of(trajectories());
    }

    /** Every seed's result, read in blocks: in memory or streamed from disk, for runs of any size. */
    default SeedRecords perSeed() {
        return SeedRecords.of(seeds(), trajectories(), labels());
    }

    /** Whether {@link #seeds()}, {@link #trajectories()} and {@link #labels()} hold every seed. */
    default boolean perSeedInMemory() {
        return trajectories().size() == seedSummary().seeds();
    }
}
