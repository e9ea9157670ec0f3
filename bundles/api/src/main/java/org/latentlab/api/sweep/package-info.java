/**
 * Sweeps: grids of training recipes, each cell trained and measured independently. A cell is a plain,
 * serializable value ({@link org.latentlab.api.sweep.SweepCell}); a {@link org.latentlab.api.sweep.SweepCellRunner}
 * turns it into a {@link org.latentlab.api.sweep.CellResult} in a folder of its own, and a
 * {@link org.latentlab.api.sweep.CellExecutor} decides where cells run (a local pool, or a distributed engine
 * registered by another bundle) without the sweep changing. Definitions of every measure: docs/sweeps.md.
 */
@Export
@Version("1.2.0")
package org.latentlab.api.sweep;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
