package org.latentlab.api.result;

import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.Trajectory;

/**
 * The per-seed results of consecutive seeds {@code first} to {@code first + rows() − 1} of a run.
 *
 * @param first          index of the first seed in the run
 * @param seeds          [rows, k] starting points
 * @param endpoints      [rows, k] end points
 * @param labels         attractor id per seed, −1 when none
 * @param steps          updates taken
 * @param converged      stopping rule met
 * @param diverged       blew up or produced NaN / Inf
 * @param pathLengths    sum of ‖z_{t+1} − z_t‖
 * @param residuals      ‖f(z) − z‖ at the end point
 * @param mapEvaluations rows passed through f, −1 when not counted
 */
public record SeedBlock(long first, Tensor seeds, Tensor endpoints, int[] labels, int[] steps, boolean[] converged,
        boolean[] diverged, double[] pathLengths, double[] residuals, long[] mapEvaluations) {

    public int rows() {
        return labels.length;
    }

    /** Row {@code i} as a trajectory record (seed index in the run; no recorded path). */
    public Trajectory trajectory(int i) {
        return new Trajectory(Math.toIntExact(first + i), endpoints.row(i), steps[i], converged[i], diverged[i],
                pathLengths[i], residuals[i], null, mapEvaluations[i]);
    }
}
