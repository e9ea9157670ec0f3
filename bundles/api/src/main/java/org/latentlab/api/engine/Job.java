package org.latentlab.api.engine;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/** A submitted analysis. */
@ProviderType
public interface Job {

    /** The job's id: given by the submitter, or made by the engine; unique among the engine's jobs. */
    String id();

    AnalysisRequest request();

    JobStatus status();

    JobProgress progress();

    /** Asks the job to stop; it ends as {@link JobStatus#CANCELLED} at the next check. */
    void cancel();

    /** Completes with the result, or exceptionally with the error that failed the job. */
    CompletionStage<AnalysisResult> completion();

    /** The result once the job succeeded. */
    Optional<AnalysisResult> result();

    /**
     * Follows the job: the listener is told the current status at once, then every status change and
     * progress step until the job ends.
     *
     * @return removes the listener again
     */
    Runnable listen(JobListener listener);
}
