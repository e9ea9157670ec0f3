package org.latentlab.api.dynamics;

/**
 * The outcome of following one seed.
 *
 * @param seed           index of the seed in the run
 * @param endpoint       last point reached (latent)
 * @param steps          number of updates z_t → z_{t+1} taken (points the trajectory moved to)
 * @param converged      whether the stopping rule's tolerance was met
 * @param diverged       whether the trajectory blew up or produced NaN / Inf (never silently dropped)
 * @param pathLength     sum of ‖z_{t+1} − z_t‖ along the path
 * @param finalResidual  ‖f(z) − z‖ at the end point
 * @param path           the visited points [steps + 1][k] when recording was asked for, else {@code null}
 * @param mapEvaluations rows this seed passed through the map f, its first f(z_0) included (each row of each
 *                       batch counts 1, also evaluations a strategy rejected or made for differences and line
 *                       searches); −1 when the strategy did not count them
 */
public record Trajectory(int seed, float[] endpoint, int steps, boolean converged, boolean diverged,
        double pathLength, double finalResidual, float[][] path, long mapEvaluations) {

    /** A trajectory whose map evaluations were not counted ({@link #mapEvaluations()} is −1). */
    public Trajectory(int seed, float[] endpoint, int steps, boolean converged, boolean diverged, double pathLength,
            double finalResidual, float[][] path) {
        this(seed, endpoint, steps, converged, diverged, pathLength, finalResidual, path, -1);
    }

    /** The same trajectory under another seed index (e.g. its place in the whole run rather than in its chunk). */
    public Trajectory withSeed(int index) {
        return new Trajectory(index, endpoint, steps, converged, diverged, pathLength, finalResidual, path, mapEvaluations);
    }
}
