/**
 * Data sets and seed sources: where trajectories start.
 */
@Export
@Version("1.1.0")
package org.latentlab.api.data;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
