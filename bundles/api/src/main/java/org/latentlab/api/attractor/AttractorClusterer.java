package org.latentlab.api.attractor;

import org.latentlab.api.Capability;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Merges converged end points into distinct attractors (cosine rule, Euclidean tolerance, DBSCAN,
 * ...). Must scale to 10^5 end points without an n×n distance matrix. Registered with a
 * {@code latentlab.id}.
 */
@ConsumerType
public interface AttractorClusterer extends Capability {

    /** Clusters [n, k] end points. */
    Clustering cluster(Tensor endpoints, Parameters params);
}
