/**
 * LatentLab's layer-stack model format ({@code NAME.layers.json} plus float32 {@code .npy} weights), read and
 * written without any engine: the DJL and ND4J backends and training run the same files through their own engines.
 */
@Export
@Version("1.0.0")
package org.latentlab.layerstack;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
