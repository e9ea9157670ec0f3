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
    Job<AnalysisResult> submit(AnalysisRequest request);

    /**
     * Like {@link #submit(AnalysisRequest)} with the job id chosen by the caller (a server that names
     * its job folders and records by the same id).
     *
     * @param id letters, digits, '.', '_' and '-', at most 100 characters, not used by another job
     * @throws org.latentlab.api.LatentLabException when the id is malformed or taken, or as {@code submit}
     */
    Job<AnalysisResult> submit(AnalysisRequest request, String id);

    /** Jobs known to this engine, newest first. */
    List<Job<AnalysisResult>> jobs();

    Optional<Job<AnalysisResult>> job(String id);
}
