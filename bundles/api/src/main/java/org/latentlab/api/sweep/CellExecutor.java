package org.latentlab.api.sweep;

import java.nio.file.Path;
import java.util.List;
import org.latentlab.api.Capability;
import org.latentlab.api.Parameters;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides where the cells of a sweep run: {@code local} (a bounded pool in this process) or any executor a
 * bundle registers with its {@code latentlab.id} (e.g. a distributed engine). An executor runs every cell
 * it is given with a {@link SweepCellRunner} (its own, wherever that is), makes each cell's folder appear
 * under {@code cellsDir}, and reports each result as it arrives; one failing cell never stops the others. An executor
 * that needs settings (e.g. the address of a cluster) declares them as its {@link #parameters()}; the sweep checks the
 * values it was given against them before any cell runs and passes them to
 * {@link #execute(List, Path, int, Parameters, Listener)}.
 */
@ConsumerType
public interface CellExecutor extends Capability {

    /** Told about cells as they start and end; called from any thread. */
    interface Listener {
        default void started(SweepCell cell) {}

        /** Progress within a cell: units of work done (steps, then seeds). */
        default void progressed(SweepCell cell, long units) {}

        void finished(CellResult result);

        /** True once the sweep was cancelled: start no more cells and stop running ones. */
        boolean cancelled();
    }

    /**
     * Runs {@code cells} and returns when all have finished or the sweep was cancelled.
     *
     * @param cells       the cells to run (finished ones already left out)
     * @param cellsDir    where each cell's folder goes: {@code cellsDir/<cell id>}
     * @param parallelism the most cells to run at once (an executor may run fewer)
     */
    void execute(List<SweepCell> cells, Path cellsDir, int parallelism, Listener listener) throws InterruptedException;

    /**
     * Runs {@code cells} with this executor's parameters, resolved against {@link #parameters()} (defaults filled in).
     * Executors without parameters need not implement it.
     *
     * @since 1.1
     */
    default void execute(List<SweepCell> cells, Path cellsDir, int parallelism, Parameters params, Listener listener)
            throws InterruptedException {
        execute(cells, cellsDir, parallelism, listener);
    }

    /**
     * Where cells run with these parameters, in a few words for people (the sweep's summary and title, the job list,
     * the page), e.g. "this lab, 2 cells at once" or "Spark, master spark://host:7077".
     *
     * @since 1.2
     */
    default String describe(Parameters params, int parallelism) {
        return "executor " + getClass().getSimpleName();
    }
}
