package org.latentlab.api.model;

import org.latentlab.api.Tensor;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The latent map f = E∘D linearised at n points z_r: products with its Jacobians J_f(z_r) without forming them,
 * row r of every product belonging to point r. Matrix-free spectra need nothing else: eigenvalues from Jacobian-vector
 * products (JVPs), the spectral norm from JVPs and vector-Jacobian products (VJPs). A backend may keep work between
 * calls (libtorch keeps the autograd graphs of the n points), so a linearisation is used from one thread and closed
 * when done.
 */
@ConsumerType
public interface LinearizedMap extends AutoCloseable {

    /** The points [n, latentDim] it was linearised at. */
    Tensor points();

    /**
     * J_f(z_r) v_r for every row r.
     *
     * @param directions [n, latentDim]
     * @return [n, latentDim]
     */
    Tensor jvp(Tensor directions);

    /** Whether {@link #vjp} is available (the engine has reverse mode). */
    boolean hasVjp();

    /**
     * J_f(z_r)ᵀ u_r for every row r.
     *
     * @param cotangents [n, latentDim]
     * @return [n, latentDim]
     * @throws UnsupportedOperationException when {@link #hasVjp()} is false
     */
    Tensor vjp(Tensor cotangents);

    /** How the products are computed, e.g. {@code autodiff}, {@code finite-differences}. */
    String method();

    /** Releases what the backend holds for these points. */
    @Override
    void close();
}
