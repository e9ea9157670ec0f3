package org.latentlab.api.dynamics;

import java.util.List;
import org.latentlab.api.Capability;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Follows trajectories of a latent map from a batch of seeds to their end points: plain (Picard)
 * iteration, damped or Anderson-accelerated iteration, a continuous flow, or Newton-type root finding
 * of f(z) − z (which also finds saddles and repellers). Registered with a {@code latentlab.id}.
 */
@ConsumerType
public interface IterationStrategy extends Capability {

    /**
     * Runs every seed of the batch.
     *
     * @param map      the latent map f
     * @param seeds    [n, k] starting points
     * @param params   values of {@link #parameters()}, defaults filled in
     * @param progress where to report finished work and learn of cancellation
     * @return one trajectory per seed, in seed order
     */
    List<Trajectory> iterate(LatentMap map, Tensor seeds, Parameters params, Progress progress);
}
