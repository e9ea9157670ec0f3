package org.latentlab.api.engine;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told what a job does, so front ends follow it without polling. Called on the job's own thread:
 * return quickly and do not block (hand slow work to another thread).
 */
@ConsumerType
public interface JobListener {

    /** The job's status changed; also called once with the current status when the listener is added. */
    default void statusChanged(Job<?> job, JobStatus status) {
    }

    /** The job moved on: a new stage, or more units done in the current one. */
    default void progressed(Job<?> job, JobProgress progress) {
    }
}
