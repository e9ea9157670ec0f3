package org.latentlab.api.dynamics;

/**
 * The outcome of following one seed.
 *
 * @param seed          index of the seed in the run
 * @param endpoint      last point reached (latent)
 * @param steps         number of map evaluations taken
 * @param converged     whether the stopping rule's tolerance was met
 * @param diverged      whether the trajectory blew up or produced NaN / Inf (never silently dropped)
 * @param pathLength    sum of ‖z_{t+1} − z_t‖ along the path
 * @param finalResidual ‖f(z) − z‖ at the end point
 * @param path          the visited points [steps + 1][k] when recording was asked for, else {@code null}
 */
public record Trajectory(int seed, float[] endpoint, int steps, boolean converged, boolean diverged,
        double pathLength, double finalResidual, float[][] path) {
}
