/**
 * Latent dynamics: the latent map f = E∘D, iteration strategies that follow trajectories z ← f(z), and their per-seed results.
 */
@Export
@Version("1.2.0")
package org.latentlab.api.dynamics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
