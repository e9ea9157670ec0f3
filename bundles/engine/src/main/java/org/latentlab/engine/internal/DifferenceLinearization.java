package org.latentlab.engine.internal;

import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.model.LinearizedMap;

/**
 * Jacobian-vector products of any latent map by central differences along the direction: J v ≈ (f(z + h v) −
 * f(z − h v)) / 2h, both points of every row in one map call. The step moves the largest coordinate of h·v by
 * {@code relStep} · max(1, max_j |z_j|) (as the dense path's per-coordinate step), so h = relStep · max(1, ‖z‖∞) / ‖v‖∞.
 * No vector-Jacobian products: differences cannot give Jᵀ u without k map evaluations.
 */
final class DifferenceLinearization implements LinearizedMap {

    private final LatentMap f;
    private final Tensor points;
    private final double relStep;
    private final double[] scale;

    DifferenceLinearization(LatentMap f, Tensor points, double relStep) {
        this.f = f;
        this.points = points;
        this.relStep = relStep;
        int k = points.width();
        this.scale = new double[points.rows()];
        for (int a = 0; a < scale.length; a++) {
            double zn = 0;
            for (int j = 0; j < k; j++) {
                zn = Math.max(zn, Math.abs(points.data()[a * k + j]));
            }
            scale[a] = Math.max(1, zn);
        }
    }

    @Override
    public Tensor points() {
        return points;
    }

    @Override
    public Tensor jvp(Tensor directions) {
        int n = points.rows();
        int k = points.width();
        if (directions.rows() != n || directions.width() != k) {
            throw new IllegalArgumentException("directions of shape " + java.util.Arrays.toString(directions.shape())
                    + " for " + n + " points of width " + k);
        }
        int[] rows = new int[n];
        double[][] v = new double[n][k];
        for (int a = 0; a < n; a++) {
            rows[a] = a;
            for (int j = 0; j < k; j++) {
                v[a][j] = directions.data()[a * k + j];
            }
        }
        double[][] jv = jvp(rows, v);
        float[] out = new float[n * k];
        for (int a = 0; a < n; a++) {
            for (int j = 0; j < k; j++) {
                out[a * k + j] = (float) jv[a][j];
            }
        }
        return Tensor.matrix(n, k, out);
    }

    /** J_f(z_rows[i]) v[i] for some of the points only: one map call on 2 · rows.length points. */
    double[][] jvp(int[] rows, double[][] v) {
        return jvp(rows, v, 1);
    }

    /**
     * How accurate these products are at each point: ‖D(h) − D(2h)‖ / ‖D(h)‖ for one random direction, D(h) the
     * difference quotient with the usual step and D(2h) with twice it. Rounding error halves and truncation error
     * quadruples from h to 2h, so this is about the larger of the two at h (for smooth maps; a ReLU network whose
     * kinks lie within the step shows it too).
     */
    double[] accuracy(long seed) {
        int n = points.rows();
        int k = points.width();
        java.util.Random r = new java.util.Random(seed);
        int[] rows = new int[2 * n];
        double[][] v = new double[2 * n][];
        for (int a = 0; a < n; a++) {
            double[] d = new double[k];
            for (int j = 0; j < k; j++) {
                d[j] = r.nextGaussian();
            }
            rows[a] = a;
            rows[n + a] = a;
            v[a] = d;
            v[n + a] = d;
        }
        double[][] both = jvp(rows, v, new double[] {1, 2}, n);
        double[] out = new double[n];
        for (int a = 0; a < n; a++) {
            double diff = 0;
            double ref = 0;
            for (int j = 0; j < k; j++) {
                double x = both[a][j] - both[n + a][j];
                diff += x * x;
                ref += both[a][j] * both[a][j];
            }
            out[a] = ref > 0 ? Math.sqrt(diff / ref) : 0;
        }
        return out;
    }

    private double[][] jvp(int[] rows, double[][] v, double factor) {
        return jvp(rows, v, new double[] {factor}, rows.length);
    }

    /** Rows before {@code split} use step factor factors[0], the rest factors[1]. */
    private double[][] jvp(int[] rows, double[][] v, double[] factors, int split) {
        int k = points.width();
        int m = rows.length;
        float[] pts = Tensor.allocate("difference points", 2L * m, k);
        double[] h = new double[m];
        for (int i = 0; i < m; i++) {
            int a = rows[i];
            double vn = 0;
            for (int j = 0; j < k; j++) {
                vn = Math.max(vn, Math.abs(v[i][j]));
            }
            if (vn == 0) {
                continue; // J·0 = 0: both points are z, h stays 0
            }
            h[i] = (i < split ? factors[0] : factors[factors.length - 1]) * relStep * scale[a] / vn;
            for (int j = 0; j < k; j++) {
                float z = points.data()[a * k + j];
                pts[(2 * i) * k + j] = (float) (z + h[i] * v[i][j]);
                pts[(2 * i + 1) * k + j] = (float) (z - h[i] * v[i][j]);
            }
        }
        Tensor out = f.apply(Tensor.matrix(2 * m, k, pts));
        if (out.rows() != 2 * m || out.width() != k) {
            throw new LatentLabException("the latent map returned shape " + java.util.Arrays.toString(out.shape()) + " for a ["
                    + 2 * m + ", " + k + "] batch");
        }
        float[] fp = out.data();
        double[][] jv = new double[m][k];
        for (int i = 0; i < m; i++) {
            if (h[i] == 0) {
                continue;
            }
            for (int j = 0; j < k; j++) {
                jv[i][j] = ((double) fp[(2 * i) * k + j] - fp[(2 * i + 1) * k + j]) / (2 * h[i]);
            }
        }
        return jv;
    }

    @Override
    public boolean hasVjp() {
        return false;
    }

    @Override
    public Tensor vjp(Tensor cotangents) {
        throw new UnsupportedOperationException("finite differences give no vector-Jacobian products");
    }

    @Override
    public String method() {
        return "finite-differences";
    }

    @Override
    public void close() {}
}
