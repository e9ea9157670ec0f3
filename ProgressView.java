package org.latentlab.server.internal.rest;

import org.latentlab.api.engine.JobProgress;

/** Where a live job is. */
public record ProgressView(String stage, long done, long total, double fraction, String message) {

    public static ProgressView of(JobProgress p) {
        return new ProgressView(p.stage(), p.done(), p.total(), p.fraction(), p.message());
    }
}
