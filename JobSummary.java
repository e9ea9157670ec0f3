package org.latentlab.server.internal.rest;

import org.latentlab.api.engine.AnalysisResult;

/** The numbers shown in job lists, kept in the database so listing never parses result.json. */
public record JobSummary(int attractors, long converged, long diverged, long notConverged, long elapsedMillis) {

    public static JobSummary of(AnalysisResult r) {
        long converged = r.trajectories().stream().filter(t -> t.converged()).count();
        long diverged = r.trajectories().stream().filter(t -> t.diverged()).count();
        return new JobSummary(r.attractors().size(), converged, diverged, r.trajectories().size() - converged - diverged,
                r.elapsedMillis());
    }
}
