/**
 * The layer-stack format's forward pass on DJL NDArrays: one definition of what each layer type computes, used by
 * the 'layers' backend and by training, so a trained model runs exactly as it was trained. DJL's packages come from
 * the launcher's class path (system packages), never from a bundle.
 */
@Export
@Version("1.0.0")
package org.latentlab.layerstack.djl;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
