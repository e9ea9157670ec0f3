package org.latentlab.server.internal.rest;

import java.util.List;

/**
 * {@code GET /api/jobs/compare?ids=A,B,...}: finished jobs side by side, analyses and experiments alike.
 *
 * @param differing the parameter names whose values differ between the jobs, in the order they first appear:
 *                  values that are not the same (numbers by value, JSON documents as trees), or a name that
 *                  some jobs of one kind (analyses, or runs of one experiment) have and others of that kind lack
 * @param jobs      one per id, in the order asked for
 */
public record JobComparison(List<String> differing, List<ComparedJob> jobs) {

    public JobComparison {
        differing = List.copyOf(differing);
        jobs = List.copyOf(jobs);
    }
}
