package org.latentlab.api.sweep;

import java.io.Serializable;
import java.util.List;

/**
 * What one cell gave.
 *
 * @param cell    the cell
 * @param status  {@link Status#DONE} or {@link Status#FAILED}
 * @param error   for a failed cell, the error in one line; else null
 * @param rows    one per measured model, checkpoints first, the final model last (empty when failed)
 * @param millis  wall time of the cell (training and measures)
 * @param host    the machine that ran it
 */
public record CellResult(SweepCell cell, Status status, String error, List<CellMeasures> rows, long millis, String host)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** How a cell ended. */
    public enum Status {
        DONE, FAILED
    }

    public CellResult {
        rows = List.copyOf(rows);
    }

    public static CellResult failed(SweepCell cell, String error, long millis, String host) {
        return new CellResult(cell, Status.FAILED, error, List.of(), millis, host);
    }
}
