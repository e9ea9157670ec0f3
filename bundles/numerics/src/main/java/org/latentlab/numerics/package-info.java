/**
 * Numerical building blocks shared across LatentLab bundles: finite-difference Jacobians of a latent
 * map and a reproducible Gaussian sampler.
 */
@Export
@Version("1.0.0")
package org.latentlab.numerics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
