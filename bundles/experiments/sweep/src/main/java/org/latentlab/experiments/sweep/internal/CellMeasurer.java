package org.latentlab.experiments.sweep.internal;

import java.util.Arrays;
import java.util.Optional;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.model.LatentModel;
import org.latentlab.numerics.FiniteDifferences;
import org.latentlab.numerics.NearestNeighbours;

/**
 * The model-level measures of a sweep cell, each defined exactly as in docs/sweeps.md: reconstruction loss,
 * the contraction ‖J_f(E(x))‖₂ at training encodings, and the memorization baseline of test images. Works on
 * any {@link LatentModel}, so tests check it on linear models with known answers.
 */
final class CellMeasurer {

    static final int BATCH = 1024;
    /** Central-difference step relative to max(1, |z_j|) when the backend has no autodiff Jacobian. */
    static final double REL_STEP = 1e-3;

    private CellMeasurer() {}

    /** Mean over all inputs and values of (D(E(x)) − x)². */
    static double reconstructionLoss(LatentModel m, Tensor x) {
        double sum = 0;
        int n = x.rows();
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            Tensor part = x.slice(from, to);
            float[] rec = m.decode(m.encode(part)).data();
            float[] in = part.data();
            for (int i = 0; i < in.length; i++) {
                double d = rec[i] - in[i];
                sum += d * d;
            }
        }
        return sum / ((double) n * x.width());
    }

    /** E(x) for all rows, [n, k]. */
    static Tensor encode(LatentModel m, Tensor x) {
        int n = x.rows();
        int k = m.spec().latentDim();
        float[] out = Tensor.allocate("encodings", n, k);
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            System.arraycopy(m.encode(x.slice(from, to)).data(), 0, out, from * k, (to - from) * k);
        }
        return Tensor.matrix(n, k, out);
    }

    /**
     * ‖J_f(z)‖₂ (largest singular value, Commons Math SVD) at each row of {@code z}; J by the backend's autodiff
     * when it has one, else by central differences of f = E∘D.
     */
    static double[] spectralNorms(LatentModel m, Tensor z) {
        int n = z.rows();
        int k = z.width();
        double[] out = new double[n];
        for (int from = 0; from < n; from += 64) {
            int to = Math.min(n, from + 64);
            Tensor part = z.slice(from, to);
            Optional<Tensor> auto = m.latentJacobian(part);
            double[][][] jac;
            if (auto.isPresent()) {
                float[] j = auto.get().data();
                jac = new double[to - from][k][k];
                for (int a = 0; a < to - from; a++) {
                    for (int r = 0; r < k; r++) {
                        for (int c = 0; c < k; c++) {
                            jac[a][r][c] = j[(a * k + r) * k + c];
                        }
                    }
                }
            } else {
                LatentMap f = zz -> m.encode(m.decode(zz));
                jac = FiniteDifferences.central(f, part.data(), to - from, k, REL_STEP);
            }
            for (int a = 0; a < to - from; a++) {
                out[from + a] = new SingularValueDecomposition(new Array2DRowRealMatrix(jac[a], false)).getNorm();
            }
        }
        return out;
    }

    /**
     * For each query row, max_j cos(q, x_j) over the reference rows (exact: nearest neighbour of the
     * unit-normalised rows, cos = 1 − d²/2). Zero rows have cosine 0 with everything.
     */
    static double[] maxCosine(Tensor queries, Tensor references) {
        return nearestByCosine(queries, references).cosine();
    }

    /** For each query, the most cosine-similar reference row and that similarity. */
    record Nearest(double[] cosine, int[] index) {}

    static Nearest nearestByCosine(Tensor queries, Tensor references) {
        int d = references.width();
        float[] refs = normalised(references.data(), references.rows(), d);
        float[] qs = normalised(queries.data(), queries.rows(), d);
        NearestNeighbours.Neighbours nn = NearestNeighbours.of(refs, references.rows(), d).search(qs, queries.rows(), 1);
        double[] dist = nn.nearest();
        double[] out = new double[dist.length];
        int[] index = new int[dist.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = isZero(qs, i, d) ? 0 : 1 - dist[i] * dist[i] / 2;
            index[i] = nn.indices()[i];
        }
        return new Nearest(out, index);
    }

    private static boolean isZero(float[] x, int row, int d) {
        for (int j = 0; j < d; j++) {
            if (x[row * d + j] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Rows scaled to unit length (zero rows stay zero). */
    static float[] normalised(float[] x, int n, int d) {
        float[] out = x.clone();
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += (double) x[i * d + j] * x[i * d + j];
            }
            if (s > 0) {
                double inv = 1 / Math.sqrt(s);
                for (int j = 0; j < d; j++) {
                    out[i * d + j] = (float) (x[i * d + j] * inv);
                }
            }
        }
        return out;
    }

    static double mean(double[] v) {
        return v.length == 0 ? Double.NaN : Arrays.stream(v).average().orElse(Double.NaN);
    }

    /** The median (mean of the two middle values for an even count); NaN when empty. */
    static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        int h = s.length / 2;
        return s.length % 2 == 1 ? s[h] : (s[h - 1] + s[h]) / 2;
    }

    static double max(double[] v) {
        return v.length == 0 ? Double.NaN : Arrays.stream(v).max().getAsDouble();
    }
}
