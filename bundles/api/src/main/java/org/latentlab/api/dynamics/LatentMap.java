package org.latentlab.api.dynamics;

import org.latentlab.api.Tensor;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A batched map f: R^k → R^k whose fixed points are studied; for an autoencoder f = E∘D. Anything
 * can implement it: tests use linear and hand-built maps with known fixed points.
 */
@ConsumerType
@FunctionalInterface
public interface LatentMap {

    /** f applied row by row to a [n, k] batch; returns a new [n, k] tensor. */
    Tensor apply(Tensor z);
}
