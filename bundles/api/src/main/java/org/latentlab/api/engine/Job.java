package org.latentlab.api.engine;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/** A submitted analysis. */
@ProviderType
public interface Job {

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
}
