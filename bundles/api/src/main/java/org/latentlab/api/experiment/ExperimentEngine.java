package org.latentlab.api.experiment;

import java.util.List;
import java.util.Optional;
import org.latentlab.api.engine.Job;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs experiments as jobs, with the experiment registered under the requested id when the job is
 * accepted. Checks everything it can before accepting: the experiment exists, its parameters, the
 * model folder, the out folder.
 */
@ProviderType
public interface ExperimentEngine {

    /** @throws org.latentlab.api.LatentLabException naming what is wrong with the request */
    Job<ExperimentResult> submit(ExperimentRequest request);

    /** Like {@link #submit(ExperimentRequest)} with the job id chosen by the caller (same rules as the analysis engine). */
    Job<ExperimentResult> submit(ExperimentRequest request, String id);

    /** Experiment jobs known now, newest first. */
    List<Job<ExperimentResult>> jobs();

    Optional<Job<ExperimentResult>> job(String id);
}
