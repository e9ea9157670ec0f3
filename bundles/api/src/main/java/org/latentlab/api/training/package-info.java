/**
 * Training autoencoders: the {@link org.latentlab.api.training.AutoencoderTraining} service, its configuration and
 * result. Front ends (the 'train' command, the demo) and the bundle that trains meet here.
 */
@Export
@Version("1.1.0")
package org.latentlab.api.training;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
