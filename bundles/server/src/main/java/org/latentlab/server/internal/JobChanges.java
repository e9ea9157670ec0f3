package org.latentlab.server.internal;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.latentlab.api.engine.Job;
import org.latentlab.api.engine.JobListener;
import org.latentlab.api.engine.JobProgress;
import org.latentlab.api.engine.JobStatus;

/**
 * Tells a waiting thread (an event stream) that a job changed: its status, its progress, or its
 * completion. Changes that come while nobody waits are kept as one, so the waiter reads the newest
 * state once instead of every step.
 */
final class JobChanges implements JobListener {

    private final Semaphore changed = new Semaphore(0);

    /** Follows the job until the returned action is run. */
    Runnable follow(Job<?> job) {
        Runnable stop = job.listen(this);
        job.completion().whenComplete((result, error) -> signal()); // the end counts once the engine has completed it
        return stop;
    }

    @Override
    public void statusChanged(Job<?> job, JobStatus status) {
        signal();
    }

    @Override
    public void progressed(Job<?> job, JobProgress progress) {
        signal();
    }

    private void signal() {
        if (changed.availablePermits() == 0) {
            changed.release();
        }
    }

    /** Waits up to {@code nanos} (not at all for 0 or less) for a change; true if one came (then it is used up). */
    boolean await(long nanos) throws InterruptedException {
        boolean got = nanos > 0 ? changed.tryAcquire(nanos, TimeUnit.NANOSECONDS) : changed.tryAcquire();
        changed.drainPermits();
        return got;
    }
}
