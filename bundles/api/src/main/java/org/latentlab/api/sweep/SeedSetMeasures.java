package org.latentlab.api.sweep;

import java.io.Serializable;

/**
 * What one set of seeds found on one model (definitions: docs/sweeps.md).
 *
 * @param seeds              {@code train}, {@code test} or {@code noise}
 * @param count              seeds iterated
 * @param converged          seeds that reached the stopping rule
 * @param attractors         distinct attractors under the clusterer
 * @param meanMemorization   mean over attractors of mem(z*) = max_j cos(D(z*), x_j) over the cell's training set
 * @param medianMemorization median of the same
 * @param memorizedShare     share of converged seeds whose attractor has mem(z*) &gt; 0.95
 * @param meanRho            mean over attractors of ρ = ‖J_f(z*)‖₂ (spectral norm)
 * @param medianRho          median of the same
 * @param meanRadius         mean over attractors of the spectral radius of J_f(z*)
 * @param decodedRank90      principal components holding 90% of the variance of the decoded attractors
 *                           (0 with fewer than two attractors)
 */
public record SeedSetMeasures(String seeds, int count, int converged, int attractors, double meanMemorization,
        double medianMemorization, double memorizedShare, double meanRho, double medianRho, double meanRadius,
        int decodedRank90) implements Serializable {

    private static final long serialVersionUID = 1L;
}
