package org.latentlab.sample.pathlength;

import java.util.Map;

/**
 * What {@link PathLengthMetric} found, typed, for {@link PathLengthSection} (a metric result's
 * "artifact": it reaches the report but not result.json).
 *
 * @param mean         mean path length of the converged seeds (NaN when none converged)
 * @param q            the quantile asked for
 * @param quantile     that quantile of path length
 * @param perAttractor mean path length of the seeds reaching each attractor, by attractor id
 */
record PathLengths(double mean, double q, double quantile, Map<Integer, Double> perAttractor) {

    PathLengths {
        perAttractor = Map.copyOf(perAttractor);
    }
}
