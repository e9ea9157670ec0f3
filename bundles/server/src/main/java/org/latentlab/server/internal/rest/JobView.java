package org.latentlab.server.internal.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One job as the API shows it. Absent parts are left out: {@code finished} until it has finished,
 * {@code progress} once it is no longer live, {@code request} in lists.
 *
 * @param kind         {@code analysis} or {@code experiment}
 * @param status       lower case: queued, running, succeeded, failed, cancelled, interrupted
 * @param request      the body it was submitted with, as given
 * @param summary      {@link JobSummary} for an analysis, {@link ExperimentSummary} for an experiment
 * @param summaryError why a stored summary cannot be read
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(String id, String kind, String status, String created, String finished, ProgressView progress, String message,
        JsonNode request, JsonNode summary, String summaryError) {

    /** The same without its request (job lists). */
    public JobView withoutRequest() {
        return new JobView(id, kind, status, created, finished, progress, message, null, summary, summaryError);
    }

    /** Queued or running: not finished yet. */
    public boolean active() {
        return status.equals("queued") || status.equals("running");
    }
}
