package org.latentlab.api.ood;

import org.latentlab.api.Tensor;
import org.osgi.annotation.versioning.ProviderType;

/** The training side of an OOD experiment, computed once per run. */
@ProviderType
public interface OodReference {

    /** Encodings E(x) of the training inputs used as reference [n, latentDim]. */
    Tensor trainingCodes();

    /** The distinct attractors reached from the training encodings [m, latentDim]. */
    Tensor attractors();

    /**
     * Euclidean distance from each point [q, latentDim] to its k-th nearest training code (k = 1 is the
     * nearest), computed exactly without a q×n matrix.
     */
    double[] kthNearestTrainingCode(Tensor points, int k);

    /** Euclidean distance from each point [q, latentDim] to the nearest training attractor. */
    double[] nearestAttractor(Tensor points);
}
