package org.latentlab.api.engine;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs analyses as jobs, using the backends, strategies, clusterers, metrics and exporters that are
 * registered at the moment each job starts.
 */
@ProviderType
public interface AnalysisEngine {

    /**
     * Validates and queues an analysis.
     *
     * @throws org.latentlab.api.LatentLabException when an id is unknown or a parameter is invalid
     */
    Job submit(AnalysisRequest request);

    /** Jobs known to this engine, newest first. */
    List<Job> jobs();

    Optional<Job> job(String id);
}
