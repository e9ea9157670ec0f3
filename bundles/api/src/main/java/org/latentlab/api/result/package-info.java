/**
 * Typed values of result fields: what metrics (and experiments) report, as written to result.json.
 */
@Export
@Version("1.1.0")
package org.latentlab.api.result;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
