package org.latentlab.api.ood;

import org.latentlab.api.Tensor;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A batch of inputs as every score sees it: the inputs x, their codes z0 = E(x), the latent path
 * z0, z1 = f(z0), ..., zT under f = E∘D, the reconstructions D(E(x)), and the training reference.
 */
@ProviderType
public interface OodBatch {

    /** Number of inputs in the batch. */
    int size();

    /** The inputs [b, ...inputShape]. */
    Tensor inputs();

    /** T, the number of map steps taken (the path has T + 1 points). */
    int steps();

    /** z_t for every input [b, latentDim], t = 0..{@link #steps()}; z_0 = E(x). */
    Tensor path(int t);

    /** D(E(x)) [b, ...inputShape]. */
    Tensor reconstructions();

    /** What the training data gave: encodings and attractors. */
    OodReference reference();
}
