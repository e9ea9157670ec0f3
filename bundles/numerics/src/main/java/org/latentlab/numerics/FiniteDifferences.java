package org.latentlab.numerics;

import java.util.Arrays;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.LatentMap;

/**
 * Jacobians J_f(z) of a latent map by finite differences, for many points at once: the k perturbed
 * copies of each of n points go through the map in one call (split so that no call holds more than
 * {@link #MAX_VALUES_PER_CALL} values). The step for coordinate j is {@code relStep · max(1, |z_j|)},
 * never below 64 float32 ulps of z_j (a smaller step would round to no change and give an infinite or
 * zero Jacobian); the step used in the quotient is the one actually representable in float32.
 */
public final class FiniteDifferences {

    /** Perturbed points per map call at most, in values (n · k · k); about 16 MB of float32. */
    public static final int MAX_VALUES_PER_CALL = 1 << 22;

    private FiniteDifferences() {}

    /**
     * Forward differences (one map call on n·k points; f(z) given): error O(h).
     *
     * @param z  [n × k] points, row-major
     * @param fz f at those points, [n × k]
     * @return per point, J row-major [k × k] with J[i][j] = ∂f_i/∂z_j
     */
    public static float[][] forward(LatentMap f, float[] z, float[] fz, int n, int k, double relStep) {
        int group = Math.max(1, MAX_VALUES_PER_CALL / (k * k));
        float[][] out = new float[n][];
        for (int from = 0; from < n; from += group) {
            int to = Math.min(n, from + group);
            int m = to - from;
            float[] pts = Tensor.allocate("Jacobian points", m, k, k);
            float[] steps = new float[m * k];
            for (int a = 0; a < m; a++) {
                for (int j = 0; j < k; j++) {
                    int row = a * k + j;
                    System.arraycopy(z, (from + a) * k, pts, row * k, k);
                    float zj = z[(from + a) * k + j];
                    float moved = zj + step(zj, relStep);
                    steps[row] = moved - zj;
                    pts[row * k + j] = moved;
                }
            }
            float[] fp = apply(f, pts, m * k, k);
            for (int a = 0; a < m; a++) {
                float[] jac = new float[k * k];
                for (int j = 0; j < k; j++) {
                    int row = a * k + j;
                    for (int i = 0; i < k; i++) {
                        jac[i * k + j] = (fp[row * k + i] - fz[(from + a) * k + i]) / steps[row];
                    }
                }
                out[from + a] = jac;
            }
        }
        return out;
    }

    /**
     * Central differences (one map call on 2·n·k points): error O(h²), in double precision.
     *
     * @param z [n × k] points, row-major
     * @return per point, J as double[k][k] with J[i][j] = ∂f_i/∂z_j
     */
    public static double[][][] central(LatentMap f, float[] z, int n, int k, double relStep) {
        int group = Math.max(1, MAX_VALUES_PER_CALL / (2 * k * k));
        double[][][] out = new double[n][][];
        for (int from = 0; from < n; from += group) {
            int to = Math.min(n, from + group);
            int m = to - from;
            float[] pts = Tensor.allocate("Jacobian points", 2L * m, k, k);
            float[] width = new float[m * k];
            for (int a = 0; a < m; a++) {
                for (int j = 0; j < k; j++) {
                    int plus = 2 * (a * k + j) * k;
                    int minus = plus + k;
                    System.arraycopy(z, (from + a) * k, pts, plus, k);
                    System.arraycopy(z, (from + a) * k, pts, minus, k);
                    float zj = z[(from + a) * k + j];
                    float h = step(zj, relStep);
                    pts[plus + j] = zj + h;
                    pts[minus + j] = zj - h;
                    width[a * k + j] = pts[plus + j] - pts[minus + j]; // the float32 difference actually taken
                }
            }
            float[] fp = apply(f, pts, 2 * m * k, k);
            for (int a = 0; a < m; a++) {
                double[][] jac = new double[k][k];
                for (int j = 0; j < k; j++) {
                    int plus = 2 * (a * k + j) * k;
                    int minus = plus + k;
                    for (int i = 0; i < k; i++) {
                        jac[i][j] = ((double) fp[plus + i] - fp[minus + i]) / width[a * k + j];
                    }
                }
                out[from + a] = jac;
            }
        }
        return out;
    }

    /** relStep · max(1, |z|), at least 64 float32 ulps of z. */
    static float step(float z, double relStep) {
        return (float) Math.max(relStep * Math.max(1, Math.abs(z)), 64 * Math.ulp(z));
    }

    private static float[] apply(LatentMap f, float[] z, int n, int k) {
        Tensor out = f.apply(Tensor.matrix(n, k, z));
        if (out.rows() != n || out.width() != k) {
            throw new LatentLabException("the latent map returned shape " + Arrays.toString(out.shape()) + " for a [" + n + ", "
                    + k + "] batch");
        }
        return out.data();
    }
}
