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
        int group = Math.max(1, (1 << 22) / (k * k)); // at most ~4M floats of perturbed points per map call
        if (n > group) {
            float[][] out = new float[n][];
            for (int from = 0; from < n; from += group) {
                int to = Math.min(n, from + group);
                float[][] part = forward(f, java.util.Arrays.copyOfRange(z, from * k, to * k),
                        java.util.Arrays.copyOfRange(fz, from * k, to * k), to - from, k, relStep);
                System.arraycopy(part, 0, out, from, to - from);
            }
            return out;
        }
        float[] pts = org.latentlab.api.Tensor.allocate("Jacobian points", n, k, k);
        float[] steps = org.latentlab.api.Tensor.allocate("Jacobian steps", n, k);
        for (int a = 0; a < n; a++) {
            for (int j = 0; j < k; j++) {
                int row = a * k + j;
                System.arraycopy(z, a * k, pts, row * k, k);
                float zj = z[a * k + j];
                // never below float32 resolution at zj, or the difference would be 0 and the Jacobian infinite
                float hj = (float) Math.max(relStep * Math.max(1, Math.abs(zj)), 64 * Math.ulp(zj));
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
