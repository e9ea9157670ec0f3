package org.latentlab.server.internal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.latentlab.api.engine.Job;
import org.latentlab.api.engine.JobListener;
import org.latentlab.api.engine.JobProgress;
import org.latentlab.api.engine.JobRequest;
import org.latentlab.api.engine.JobStatus;

/** A job that moves only when a test moves it. */
final class FakeJob<R> implements Job<R> {
    private final String id;
    private final JobRequest request;
    private final CompletableFuture<R> completion = new CompletableFuture<>();
    private final List<JobListener> listeners = new CopyOnWriteArrayList<>();
    private volatile JobStatus status = JobStatus.QUEUED;
    private volatile JobProgress progress = new JobProgress("queued", 0, 0, null);
    private volatile R result;

    FakeJob(String id, JobRequest request) {
        this.id = id;
        this.request = request;
    }

    void start() {
        move(JobStatus.RUNNING);
        progress = new JobProgress("iterate", 1, 4, "step 1 of 4");
        listeners.forEach(l -> l.progressed(this, progress));
    }

    void succeed(R r) {
        result = r;
        move(JobStatus.SUCCEEDED);
        completion.complete(r);
    }

    void fail(Throwable error) {
        move(JobStatus.FAILED);
        completion.completeExceptionally(error);
    }

    private void move(JobStatus s) {
        status = s;
        listeners.forEach(l -> l.statusChanged(this, s));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public JobRequest request() {
        return request;
    }

    @Override
    public JobStatus status() {
        return status;
    }

    @Override
    public JobProgress progress() {
        return progress;
    }

    @Override
    public void cancel() {
        if (!status.finished()) {
            progress = new JobProgress("cancelled", 0, 0, "cancelled");
            move(JobStatus.CANCELLED);
            completion.completeExceptionally(new java.util.concurrent.CancellationException("cancelled"));
        }
    }

    @Override
    public CompletionStage<R> completion() {
        return completion;
    }

    @Override
    public Optional<R> result() {
        return Optional.ofNullable(result);
    }

    @Override
    public Runnable listen(JobListener listener) {
        listeners.add(listener);
        listener.statusChanged(this, status);
        return () -> listeners.remove(listener);
    }
}
