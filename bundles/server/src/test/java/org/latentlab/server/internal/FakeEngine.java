package org.latentlab.server.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.engine.AnalysisEngine;
import org.latentlab.api.engine.AnalysisRequest;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.engine.Job;
import org.latentlab.api.engine.JobListener;
import org.latentlab.api.engine.JobProgress;
import org.latentlab.api.engine.JobStatus;

/** An engine that runs nothing: its jobs move only when a test moves them. */
final class FakeEngine implements AnalysisEngine {

    final List<FakeJob> submitted = new ArrayList<>();
    /** When set, submit refuses with it (as the engine's own validation would). */
    String refusal;

    @Override
    public Job<AnalysisResult> submit(AnalysisRequest request) {
        return submit(request, "job-" + submitted.size());
    }

    @Override
    public synchronized Job<AnalysisResult> submit(AnalysisRequest request, String id) {
        if (refusal != null) {
            throw new LatentLabException(refusal);
        }
        FakeJob j = new FakeJob(id, request);
        submitted.add(j);
        return j;
    }

    @Override
    public List<Job<AnalysisResult>> jobs() {
        return List.copyOf(submitted);
    }

    @Override
    public Optional<Job<AnalysisResult>> job(String id) {
        return submitted.stream().filter(j -> j.id().equals(id)).map(j -> (Job<AnalysisResult>) j).findFirst();
    }

    static final class FakeJob implements Job<AnalysisResult> {
        private final String id;
        private final AnalysisRequest request;
        private final CompletableFuture<AnalysisResult> completion = new CompletableFuture<>();
        private final List<JobListener> listeners = new CopyOnWriteArrayList<>();
        private volatile JobStatus status = JobStatus.QUEUED;
        private volatile JobProgress progress = new JobProgress("queued", 0, 0, null);
        private volatile AnalysisResult result;

        FakeJob(String id, AnalysisRequest request) {
            this.id = id;
            this.request = request;
        }

        void start() {
            move(JobStatus.RUNNING);
            progress = new JobProgress("iterate", 1, 4, "step 1 of 4");
            listeners.forEach(l -> l.progressed(this, progress));
        }

        void succeed(AnalysisResult r) {
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
        public AnalysisRequest request() {
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
        public CompletionStage<AnalysisResult> completion() {
            return completion;
        }

        @Override
        public Optional<AnalysisResult> result() {
            return Optional.ofNullable(result);
        }

        @Override
        public Runnable listen(JobListener listener) {
            listeners.add(listener);
            listener.statusChanged(this, status);
            return () -> listeners.remove(listener);
        }
    }
}
