/**
 * The catalog of capabilities registered right now: their kinds, ids, descriptions and parameters.
 * It sits above every capability package (it names their interfaces), so no api package depends on it.
 */
@Export
@Version("1.3.0")
package org.latentlab.api.catalog;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
