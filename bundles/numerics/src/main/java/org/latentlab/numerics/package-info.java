/**
 * Numerical building blocks shared across LatentLab bundles: finite-difference Jacobians of a latent
 * map, a reproducible Gaussian sampler, and the cores of the experiments (exact ROC statistics,
 * blocked nearest-neighbour distances, orthogonal matching pursuit, bases, Hoyer sparsity), and matrix-free
 * spectra (Krylov eigenvalues and norms from products), and whether a Jacobian attracts. Pure
 * functions on float32 row-major data with explicit dimensions; exact definitions in docs/numerics.md.
 */
@Export
@Version("1.4.0")
package org.latentlab.numerics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
