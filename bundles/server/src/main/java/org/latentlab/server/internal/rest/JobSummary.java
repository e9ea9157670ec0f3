package org.latentlab.server.internal.rest;

import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.attractor.FixedPointKind;

/**
 * The numbers shown in job lists, kept in the database so listing never parses result.json; the same fields and
 * definitions as result.json's {@code summary} (which the server reads back when it rebuilds a damaged database).
 *
 * @param attractors  distinct fixed points whose Jacobian shows them attracting
 * @param fixedPoints distinct fixed points of every kind the seeds ended on
 * @param iteratedOn  where the seeds were iterated when not in the lab's own loop (e.g. on Spark); absent otherwise
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record JobSummary(long attractors, int fixedPoints, long converged, long diverged, long notConverged,
        long elapsedMillis, String iteratedOn) {

    public static JobSummary of(AnalysisResult r) {
        long attractors = r.attractors().stream().filter(a -> a.kind() == FixedPointKind.ATTRACTOR).count();
        return new JobSummary(attractors, r.attractors().size(), r.seedSummary().converged(), r.seedSummary().diverged(),
                r.seedSummary().notConverged(), r.elapsedMillis(), r.iteratedOn());
    }
}
