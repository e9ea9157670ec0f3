package org.latentlab.api.sweep;

import java.nio.file.Path;
import org.latentlab.api.dynamics.Progress;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Trains and measures one cell. Registered by the sweep bundle; executors call it wherever a lab runs.
 */
@ProviderType
public interface SweepCellRunner {

    /** The file in a cell folder that records its result; written last, atomically. */
    String CELL_FILE = "cell.json";

    /**
     * Runs {@code cell} and writes its folder: the model, checkpoints, the analyses, {@value #CELL_FILE}.
     * The folder is written under a temporary name and renamed into place at the end, so it is either
     * whole or absent. A cell that fails returns a {@link CellResult.Status#FAILED} result (and writes its
     * folder with the error) rather than throwing; only cancellation throws.
     *
     * @param cellDir  the cell's folder (new, or a folder of an earlier attempt, which is replaced)
     * @param progress units are optimiser steps and then seeds; cancellation is noticed between steps
     * @throws java.util.concurrent.CancellationException when {@code progress} says cancelled
     */
    CellResult run(SweepCell cell, Path cellDir, Progress progress);

    /** The result recorded in a cell folder, if it holds a whole one. */
    java.util.Optional<CellResult> read(Path cellDir);
}
