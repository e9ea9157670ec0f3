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

    /**
     * f applied {@code steps} times to each row: [steps, n, k], block s holding f^(s+1)(z), i.e. f(z),
     * f(f(z)), and so on. Maps that can keep the intermediate points in a native engine (one call for
     * several steps, nothing copied in between) override it; the values must be those that repeated
     * {@link #apply} gives. This default calls {@link #apply} once per step.
     *
     * @param z     [n, k]
     * @param steps at least 1
     */
    default Tensor applySteps(Tensor z, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        int n = z.rows();
        int k = z.width();
        float[] out = Tensor.allocate("f applied " + steps + " times", steps, n, k);
        Tensor current = z;
        for (int s = 0; s < steps; s++) {
            current = apply(current);
            if (current.rows() != n || current.width() != k) {
                throw new org.latentlab.api.LatentLabException("the latent map returned shape "
                        + java.util.Arrays.toString(current.shape()) + " for a [" + n + ", " + k + "] batch");
            }
            System.arraycopy(current.data(), 0, out, s * n * k, n * k);
        }
        return new Tensor(new int[] {steps, n, k}, out);
    }

    /**
     * f computed in a cheaper, less exact arithmetic (e.g. the model's weights and activations in bfloat16 on a CPU
     * with bfloat16 matrix instructions), when the backend has one; empty otherwise. Strategies may move seeds with it
     * toward their attractors, but must finish on f itself: an end point is a fixed point of f, never of this
     * approximation. Its values are not those of f (about three significant digits for bfloat16).
     *
     * @since 1.2
     */
    default java.util.Optional<LatentMap> lowPrecision() {
        return java.util.Optional.empty();
    }
}
