package org.latentlab.api.engine;

/**
 * A snapshot of a job's progress.
 *
 * @param stage   current stage, e.g. {@code loading}, {@code iterating}, {@code clustering}
 * @param done    units done in this stage
 * @param total   units in this stage, or -1 when unknown
 * @param message last notable event, or an error message once failed
 */
public record JobProgress(String stage, long done, long total, String message) {

    /** Fraction done in [0, 1], or -1 when the total is unknown. */
    public double fraction() {
        return total <= 0 ? -1 : Math.min(1.0, (double) done / total);
    }
}
