package org.latentlab.server.internal;

import org.latentlab.api.engine.JobStatus;

/**
 * A job record's status: the engine's states, plus {@link #INTERRUPTED} for a job that was queued or
 * running when the server stopped (the engine never sees it; only the records keep it).
 */
enum JobRecordStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED, INTERRUPTED;

    static JobRecordStatus of(JobStatus s) {
        return valueOf(s.name());
    }

    /** The form the API shows. */
    String label() {
        return name().toLowerCase();
    }
}
