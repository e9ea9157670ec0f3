package org.latentlab.api.result;

import java.util.List;
import org.latentlab.api.dynamics.Trajectory;

/**
 * Counts over every seed of a run, kept while the run goes, so they are known without holding one record per seed.
 *
 * @param seeds          seeds in the run
 * @param converged      seeds whose trajectory met the stopping rule
 * @param diverged       seeds whose trajectory blew up or produced NaN / Inf
 * @param mapEvaluations rows all seeds passed through the map f (the sum of {@link Trajectory#mapEvaluations()}),
 *                       or −1 when a strategy did not count them
 */
public record SeedSummary(long seeds, long converged, long diverged, long mapEvaluations) {

    /** Seeds that neither converged nor diverged (they reached the step limit). */
    public long notConverged() {
        return seeds - converged - diverged;
    }

    /** The counts of these trajectories (none for null). */
    public static SeedSummary of(List<Trajectory> trajectories) {
        SeedSummary s = new SeedSummary(0, 0, 0, 0);
        for (Trajectory t : trajectories == null ? List.<Trajectory>of() : trajectories) {
            s = s.plus(t);
        }
        return s;
    }

    /** These counts and one trajectory more. */
    public SeedSummary plus(Trajectory t) {
        long evaluations = mapEvaluations < 0 || t.mapEvaluations() < 0 ? -1 : mapEvaluations + t.mapEvaluations();
        return new SeedSummary(seeds + 1, converged + (t.converged() ? 1 : 0), diverged + (t.diverged() ? 1 : 0),
                evaluations);
    }
}
