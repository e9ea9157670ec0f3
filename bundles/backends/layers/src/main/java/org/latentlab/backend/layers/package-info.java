/**
 * Layer stacks: LatentLab's own weights-based model format and the code that runs and trains it on
 * libtorch through DJL.
 */
@Export
@Version("1.0.0")
package org.latentlab.backend.layers;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
