/**
 * Out-of-distribution scores: each score is a service, so the {@code ood} experiment shows every
 * registered score side by side and a researcher adds one by dropping a bundle.
 */
@Export
@Version("1.0.0")
package org.latentlab.api.ood;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
