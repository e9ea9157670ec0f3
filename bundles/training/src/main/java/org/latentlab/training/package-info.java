/** Training autoencoders in-process: configuration, result, and the {@link AutoencoderTraining} service. */
@Export
@Version("1.1.0")
package org.latentlab.training;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
