package org.latentlab.engine.internal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.latentlab.api.engine.Job;
import org.latentlab.api.engine.JobListener;
import org.latentlab.api.engine.JobProgress;
import org.latentlab.api.engine.JobRequest;
import org.latentlab.api.engine.JobStatus;

/**
 * A job's observable state, for analyses and experiments alike; {@link JobRunner} and
 * {@link ExperimentRunner} do the work and update it.
 */
final class EngineJob<Q extends JobRequest, R> implements Job<R>, Analysis.Listener {

    private final String id;
    private final Q request;
    private final CompletableFuture<R> completion = new CompletableFuture<>();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicLong done = new AtomicLong();
    private volatile JobStatus status = JobStatus.QUEUED;
    private volatile String stage = "queued";
    private volatile long total = -1;
    private volatile String message = "";
    private volatile Runnable checkpoint = () -> {};
    private final List<JobListener> listeners = new CopyOnWriteArrayList<>();

    EngineJob(String id, Q request) {
        this.id = id;
        this.request = request;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Q request() {
        return request;
    }

    @Override
    public JobStatus status() {
        return status;
    }

    @Override
    public JobProgress progress() {
        return new JobProgress(stage, done.get(), total, message);
    }

    @Override
    public void cancel() {
        cancelled.set(true);
        if (status == JobStatus.QUEUED) {
            finish(JobStatus.CANCELLED, "cancelled before it started");
            completion.completeExceptionally(new java.util.concurrent.CancellationException("cancelled"));
        }
    }

    @Override
    public CompletionStage<R> completion() {
        return completion;
    }

    @Override
    public Runnable listen(JobListener listener) {
        listeners.add(listener);
        call(() -> listener.statusChanged(this, status));
        return () -> listeners.remove(listener);
    }

    @Override
    public Optional<R> result() {
        return completion.isDone() && !completion.isCompletedExceptionally() ? Optional.of(completion.join()) : Optional.empty();
    }

    // Analysis.Listener

    @Override
    public void stage(String stage, long total, String message) {
        this.stage = stage;
        this.total = total;
        this.message = message;
        done.set(0);
        progressed();
    }

    @Override
    public void advance(long units) {
        done.addAndGet(units);
        progressed();
    }

    @Override
    public boolean cancelled() {
        return cancelled.get();
    }

    @Override
    public void checkpoint() {
        checkpoint.run();
    }

    // used by the runner

    void onCheckpoint(Runnable r) {
        checkpoint = r;
    }

    boolean start() {
        if (status != JobStatus.QUEUED) {
            return false;
        }
        status = JobStatus.RUNNING;
        statusChanged();
        return true;
    }

    void succeed(R result, long elapsedMillis) {
        finish(JobStatus.SUCCEEDED, "done in " + elapsedMillis + " ms");
        completion.complete(result);
    }

    void fail(JobStatus status, Throwable error, String message) {
        finish(status, message);
        completion.completeExceptionally(error);
    }

    private void finish(JobStatus s, String msg) {
        this.status = s;
        this.stage = s.name().toLowerCase();
        this.message = msg;
        statusChanged();
    }

    private void statusChanged() {
        JobStatus s = status;
        listeners.forEach(l -> call(() -> l.statusChanged(this, s)));
    }

    private void progressed() {
        if (!listeners.isEmpty()) {
            JobProgress p = progress();
            listeners.forEach(l -> call(() -> l.progressed(this, p)));
        }
    }

    /** A listener that throws must not fail the job or keep the others from hearing of it. */
    private static void call(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            java.util.logging.Logger.getLogger(EngineJob.class.getName()).log(java.util.logging.Level.WARNING,
                    "a job listener failed", e);
        }
    }
}
