/**
 * Common value types of LatentLab: batched float32 tensors, typed parameters, the service properties every capability carries, and the user-facing exception.
 */
@Export
@Version("2.0.0")
package org.latentlab.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
