package org.latentlab.api.engine;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
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
}
