/**
 * The analysis engine: runs an analysis as a job with progress and cancellation, choosing services by id from those registered now.
 */
@Export
@Version("2.4.0")
package org.latentlab.api.engine;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
