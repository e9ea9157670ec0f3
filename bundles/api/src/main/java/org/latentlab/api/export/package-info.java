/**
 * Exporters: writing an analysis result to files (JSON, CSV, NumPy, HTML).
 */
@Export
@Version("1.0.0")
package org.latentlab.api.export;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
