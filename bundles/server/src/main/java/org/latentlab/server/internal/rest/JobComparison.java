package org.latentlab.server.internal.rest;

import java.util.List;

/**
 * {@code GET /api/jobs/compare?ids=A,B,...}: finished jobs side by side, analyses and experiments alike.
 *
 * @param differing the parameter names whose values are not the same in every job (a name one job lacks
 *                  differs), in the order they first appear
 * @param jobs      one per id, in the order asked for
 */
public record JobComparison(List<String> differing, List<ComparedJob> jobs) {

    public JobComparison {
        differing = List.copyOf(differing);
        jobs = List.copyOf(jobs);
    }
}
