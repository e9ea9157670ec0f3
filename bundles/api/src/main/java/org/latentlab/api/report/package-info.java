/**
 * Report sections: the whiteboard through which metric and experiment bundles add their own parts to
 * the HTML report, and the canvas the report bundle gives them to draw on.
 */
@Export
@Version("1.0.0")
package org.latentlab.api.report;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
