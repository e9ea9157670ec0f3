package org.latentlab.metrics.internal;

import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * What {@link SparsityMetric} found, typed for {@link SparsitySection}.
 *
 * @param entries        one per attractor, in attractor order
 * @param meanStart      mean Hoyer sparsity of the seeds' start codes
 * @param seeds          number of seeds
 * @param meanEnd        mean over converged seeds of the sparsity of the attractor they reached (NaN for none)
 * @param converged      number of those seeds
 * @param decodedRank90  principal components holding 90% of the variance of the decoded attractors; empty without a model
 */
record SparsityReport(List<Entry> entries, double meanStart, long seeds, double meanEnd, long converged, OptionalInt decodedRank90) {

    SparsityReport {
        entries = List.copyOf(entries);
    }

    /** One attractor: sparsity of z* and, with a model, of D(z*). */
    record Entry(int attractor, double code, OptionalDouble decoded) {}
}
