package org.latentlab.api.engine;

import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.latentlab.api.LatentLabException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A submitted analysis or experiment.
 *
 * @param <R> what it produces: {@link AnalysisResult}, or an experiment's
 *            {@link org.latentlab.api.experiment.ExperimentResult}
 */
@ProviderType
public interface Job<R> {

    /** The job's id: given by the submitter, or made by the engine; unique among the engine's jobs. */
    String id();

    /** What was asked: an {@link AnalysisRequest} or an {@link org.latentlab.api.experiment.ExperimentRequest}. */
    JobRequest request();

    JobStatus status();

    JobProgress progress();

    /** Asks the job to stop; it ends as {@link JobStatus#CANCELLED} at the next check. */
    void cancel();

    /** Completes with the result, or exceptionally with the error that failed the job. */
    CompletionStage<R> completion();

    /** The result once the job succeeded. */
    Optional<R> result();

    /**
     * Follows the job: the listener is told the current status at once, then every status change and
     * progress step until the job ends.
     *
     * @return removes the listener again
     */
    Runnable listen(JobListener listener);

    /**
     * Waits until the job ends however it ends, telling {@code onProgress} where the job is now and then every
     * progress step (on the job's thread: keep it quick), and returns the result. What front ends that follow one
     * job to its end (the command lines) share.
     *
     * @throws LatentLabException when the job failed or was cancelled: "failed: MESSAGE" / "cancelled: MESSAGE"
     * @throws InterruptedException when the waiting thread is interrupted (the job goes on)
     */
    default R await(Consumer<JobProgress> onProgress) throws InterruptedException {
        Runnable unlisten = listen(new JobListener() {
            @Override
            public void progressed(Job<?> job, JobProgress progress) {
                onProgress.accept(progress);
            }
        });
        try {
            if (!status().finished()) {
                onProgress.accept(progress()); // where it is now: steps before listen() are not told again
            }
            completion().toCompletableFuture().handle((r, e) -> null).get(); // ends however the job ends
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // cannot happen: handle() completes normally
        } finally {
            unlisten.run();
        }
        if (status() != JobStatus.SUCCEEDED) {
            throw new LatentLabException(status().name().toLowerCase(Locale.ROOT) + ": " + progress().message());
        }
        try {
            return completion().toCompletableFuture().get();
        } catch (ExecutionException e) {
            throw new LatentLabException(String.valueOf(e.getCause().getMessage()), e.getCause());
        }
    }
}
