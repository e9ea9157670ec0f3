package org.latentlab.api.engine;

/** Life cycle of an analysis job. */
public enum JobStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED,
    /** Was running when the process stopped; can be run again. */
    INTERRUPTED;

    public boolean finished() {
        return this != QUEUED && this != RUNNING;
    }
}
