/**
 * Native engine calls on rows split across threads, each with one intra-op thread ({@link
 * org.latentlab.rowworkers.RowWorkers}), and the one rule for float32 linear layers on oneDNN ({@link
 * org.latentlab.rowworkers.Float32OneDnn}), with the /proc/cpuinfo fields both read ({@link
 * org.latentlab.rowworkers.CpuInfo}): shared by the DJL backends (map calls) and training (the written-out step).
 */
@Export
@Version("1.2.0")
package org.latentlab.rowworkers;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
