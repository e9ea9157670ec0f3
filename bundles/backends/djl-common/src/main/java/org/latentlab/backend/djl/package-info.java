/** Shared code of the DJL-based model backends (ONNX Runtime, TorchScript). */
@Export
@Version("1.0.0")
package org.latentlab.backend.djl;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
