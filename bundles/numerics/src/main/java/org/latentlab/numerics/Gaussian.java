package org.latentlab.numerics;

import java.util.SplittableRandom;

/**
 * Standard normal draws from a {@link SplittableRandom} (Box–Muller, both values of each pair used),
 * so every bundle that needs Gaussian noise draws the same numbers from the same seed.
 */
public final class Gaussian {

    private Gaussian() {}

    /** Fills {@code out} with mean + sigma · N(0, 1) draws. */
    public static void fill(SplittableRandom r, float[] out, double mean, double sigma) {
        for (int i = 0; i < out.length; i += 2) {
            double rad = Math.sqrt(-2 * Math.log(1 - r.nextDouble())); // 1 - u: never log(0)
            double angle = 2 * Math.PI * r.nextDouble();
            out[i] = (float) (mean + sigma * rad * Math.cos(angle));
            if (i + 1 < out.length) {
                out[i + 1] = (float) (mean + sigma * rad * Math.sin(angle));
            }
        }
    }

    /** One N(0, 1) draw (uses two uniforms; the second value of the pair is discarded). */
    public static double next(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
