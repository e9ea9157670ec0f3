package org.latentlab.api.experiment;

import org.latentlab.api.Capability;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One research question the lab can answer, e.g. {@code ood} or {@code dictionary}; a researcher adds
 * one by dropping a bundle that registers an {@code Experiment} service with a {@code latentlab.id}.
 * Its {@link #parameters()} are checked (defaults, ranges) before the job is accepted.
 */
@ConsumerType
public interface Experiment extends Capability {

    /** Whether the experiment needs a model folder (most do); the platform loads it and closes it after the run. */
    default boolean needsModel() {
        return true;
    }

    /**
     * Runs the experiment on the job's thread. Write files into {@link ExperimentContext#outDir()}
     * (published atomically when this returns, discarded when it fails or is cancelled), report
     * progress through the context and check {@link ExperimentContext#checkCancelled()} between steps.
     *
     * @return what it found; its {@link ExperimentResult#details()} reach the report sections registered
     *         for their type
     * @throws org.latentlab.api.LatentLabException for bad input, with a message naming it
     */
    ExperimentResult run(ExperimentContext context) throws Exception;
}
