package org.latentlab.api.ood;

import org.latentlab.api.Capability;
import org.latentlab.api.Parameters;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A score of how far each input is from the training distribution: higher means more
 * out-of-distribution. The {@code ood} experiment computes every score it is asked for on the same
 * batches (same encodings, same latent paths) and reports AUROC and FPR95 for each.
 */
@ConsumerType
public interface OodScore extends Capability {

    /** Whether the score reads the training reference (encodings or attractors); scores that do not run without one. */
    default boolean needsTraining() {
        return true;
    }

    /**
     * One score per input of the batch, finite, higher = more out-of-distribution.
     *
     * @param params this score's parameters, resolved against {@link #parameters()}
     */
    double[] score(OodBatch batch, Parameters params);
}
