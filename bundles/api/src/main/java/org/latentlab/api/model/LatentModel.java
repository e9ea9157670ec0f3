package org.latentlab.api.model;

import org.latentlab.api.Tensor;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A loaded autoencoder: batched float32 encoder E and decoder D. Implementations are safe to call
 * from one thread at a time; the engine does not share one model between concurrent jobs.
 */
@ConsumerType
public interface LatentModel extends AutoCloseable {

    /** What was loaded. */
    ModelSpec spec();

    /** E: inputs [n, ...inputShape] to latents [n, latentDim]. */
    Tensor encode(Tensor inputs);

    /** D: latents [n, latentDim] to reconstructions [n, ...inputShape]. */
    Tensor decode(Tensor latents);

    /**
     * The latent map f = E∘D applied {@code steps} times to each row: [steps, n, latentDim], block s
     * holding f^(s+1)(z). Backends whose engine can run the decoder and the encoder back to back override
     * it, so that neither the decoded inputs nor the intermediate latents leave the engine between steps;
     * the values must be those of {@link #encode}({@link #decode}(z)) repeated. This default does exactly
     * that, two calls per step.
     *
     * @param latents [n, latentDim]
     * @param steps   at least 1
     */
    default Tensor latentSteps(Tensor latents, int steps) {
        org.latentlab.api.dynamics.LatentMap f = z -> encode(decode(z));
        return f.applySteps(latents, steps);
    }

    /**
     * The Jacobian of the latent map f = E∘D at each point, by automatic differentiation, when the
     * engine has it (the engine falls back to finite differences otherwise).
     *
     * @param points [m, latentDim]
     * @return [m, latentDim, latentDim] with J[a][i][j] = ∂f_i/∂z_j at point a, or empty
     */
    default java.util.Optional<Tensor> latentJacobian(Tensor points) {
        return java.util.Optional.empty();
    }

    /**
     * f = E∘D linearised at each point, for Jacobian-vector (and, with reverse mode, vector-Jacobian) products by
     * automatic differentiation, when the engine has it; empty otherwise (the engine then takes directional finite
     * differences of f). Products must be those of the model in its inference mode (dropout off, batch norm with its
     * running statistics): the engine checks a JVP against a finite difference and drops the linearisation if they
     * disagree.
     *
     * @param points [n, latentDim]
     */
    default java.util.Optional<LinearizedMap> linearize(Tensor points) {
        return java.util.Optional.empty();
    }

    /**
     * This model computed in a cheaper, less exact arithmetic (bfloat16 weights and activations, float32 tensors at
     * its edges), for moving seeds toward their attractors before they finish on the model itself; empty when the
     * backend has none or the machine would not run it faster. Loaded once, on first use, and closed with this model.
     *
     * @since 1.3
     */
    default java.util.Optional<LatentModel> lowPrecision() {
        return java.util.Optional.empty();
    }

    /** Releases native memory. */
    @Override
    void close();
}
