package org.latentlab.strategies.internal;

import org.latentlab.api.dynamics.LatentMap;

/** Batched finite-difference Jacobians of a latent map. */
final class Jacobians {
    private Jacobians() {}

    /**
     * Forward differences at n points at once: one map call on n·k perturbed points.
     *
     * @return per point, J row-major [k × k] with J[i][j] = ∂f_i/∂z_j
     */
    static float[][] forward(LatentMap f, float[] z, float[] fz, int n, int k, double relStep) {
        float[] pts = new float[n * k * k];
        float[] steps = new float[n * k];
        for (int a = 0; a < n; a++) {
            for (int j = 0; j < k; j++) {
                int row = a * k + j;
                System.arraycopy(z, a * k, pts, row * k, k);
                float zj = z[a * k + j];
                float hj = (float) (relStep * Math.max(1, Math.abs(zj)));
                float moved = zj + hj;
                steps[row] = moved - zj; // the step actually representable in float32
                pts[row * k + j] = moved;
            }
        }
        float[] fp = Maps.apply(f, pts, n * k, k);
        float[][] out = new float[n][k * k];
        for (int a = 0; a < n; a++) {
            for (int j = 0; j < k; j++) {
                int row = a * k + j;
                for (int i = 0; i < k; i++) {
                    out[a][i * k + j] = (fp[row * k + i] - fz[a * k + i]) / steps[row];
                }
            }
        }
        return out;
    }
}
