/**
 * Metrics: analyses computed on a finished run (memorization, basins, stability, distribution shift, dictionary, and any a researcher adds).
 */
@Export
@Version("2.1.0")
package org.latentlab.api.metric;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
