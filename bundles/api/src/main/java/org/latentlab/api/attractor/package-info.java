/**
 * Attractors: clustering trajectory end points into distinct fixed points, and the values that describe each fixed point.
 */
@Export
@Version("2.1.0")
package org.latentlab.api.attractor;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
