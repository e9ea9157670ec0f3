package org.latentlab.numerics;

import java.util.Arrays;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.latentlab.api.LatentLabException;

/**
 * Principal components of n points in R^k, and the number of directions that hold a given share of
 * their variance.
 *
 * <p>PCA: mean μ = Σ p_i / n; covariance C = Σ (p_i − μ)(p_i − μ)ᵀ / (n − 1), in double; its
 * eigenvectors (Commons Math {@link EigenDecomposition} of the symmetric C) sorted by decreasing
 * eigenvalue λ (the variance along them, negative rounding clamped to 0). Each component's sign makes
 * its largest-magnitude coordinate positive (the first one on a tie). The explained-variance ratio of
 * component i is λ_i / trace(C), the same as scikit-learn's {@code explained_variance_ratio_}; it is
 * 0 for every component when all points coincide.
 *
 * @param mean                   [k]
 * @param components             [s × k] float32, row-major, orthonormal rows
 * @param variances              [s] λ_1 ≥ … ≥ λ_s
 * @param explainedVarianceRatio [s] λ_i / trace(C)
 */
public record Pca(float[] mean, float[] components, double[] variances, double[] explainedVarianceRatio) {

    /**
     * The s leading principal components of {@code points} [n × k] (n ≥ 2, 1 ≤ s ≤ k). Costs
     * O(n·k² + k³) time and O(k²) memory.
     */
    public static Pca fit(float[] points, int n, int k, int s) {
        OrthogonalMatchingPursuit.checkMatrix("point", points, n, k);
        if (n < 2) {
            throw new LatentLabException("principal components need at least 2 points, not " + n);
        }
        if (s < 1 || s > k) {
            throw new IllegalArgumentException("the component count must be in 1.." + k + ", not " + s);
        }
        double[] mu = mean(points, n, k);
        double[][] cov = columnGram(points, n, k, mu);
        double trace = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                cov[i][j] /= n - 1;
            }
            trace += cov[i][i];
        }
        EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(cov, false));
        double[] values = eig.getRealEigenvalues();
        Integer[] order = new Integer[k];
        for (int i = 0; i < k; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (p, q) -> Double.compare(values[q], values[p]));
        float[] comps = new float[s * k];
        double[] vars = new double[s];
        double[] ratios = new double[s];
        for (int i = 0; i < s; i++) {
            double[] v = eig.getEigenvector(order[i]).toArray();
            int big = 0;
            for (int c = 1; c < k; c++) {
                if (Math.abs(v[c]) > Math.abs(v[big])) {
                    big = c;
                }
            }
            double sign = v[big] < 0 ? -1 : 1;
            for (int c = 0; c < k; c++) {
                comps[i * k + c] = (float) (sign * v[c]);
            }
            vars[i] = Math.max(0, values[order[i]]);
            ratios[i] = trace > 0 ? vars[i] / trace : 0;
        }
        float[] mean = new float[k];
        for (int c = 0; c < k; c++) {
            mean[c] = (float) mu[c];
        }
        return new Pca(mean, comps, vars, ratios);
    }

    /**
     * The smallest r such that the r largest squared singular values of X reach {@code fraction} of
     * their sum (‖X‖_F²): σ_1² + … + σ_r² ≥ fraction · Σ σ_i², with a relative slack of 1e-12 of the
     * sum for rounding (so that fraction 1 gives the numerical rank, not one more). X is the [n × k]
     * matrix of the points, minus their mean if {@code centred} (then the σ_i² are (n − 1) times the
     * PCA variances and r is the number of principal components holding that share of the variance),
     * as given if not (the share of Σ‖p_i‖², "energy" around the origin). The σ_i² are the eigenvalues of
     * XᵀX [k × k] or XXᵀ [n × n], whichever is smaller (Commons Math EigenDecomposition; the Gram matrix is
     * accumulated from the points, so memory is O(min(n, k)²)). Returns 0 when
     * X is zero (no direction holds anything).
     *
     * @param fraction in (0, 1]; the paper's "rank that holds 90% of the variance" is 0.9, centred
     */
    public static int rankForVariance(float[] points, int n, int k, double fraction, boolean centred) {
        OrthogonalMatchingPursuit.checkMatrix("point", points, n, k);
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("the variance fraction must be in (0, 1], not " + fraction);
        }
        if (n == 0) {
            return 0;
        }
        double[] mu = centred ? mean(points, n, k) : new double[k];
        RealMatrix gram = new Array2DRowRealMatrix(n < k ? rowGram(points, n, k, mu) : columnGram(points, n, k, mu), false);
        double total = gram.getTrace();
        if (total == 0) {
            return 0;
        }
        double[] values = new EigenDecomposition(gram).getRealEigenvalues();
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double need = fraction * total - 1e-12 * total;
        double sum = 0;
        for (int r = 1; r <= sorted.length; r++) {
            sum += Math.max(0, sorted[sorted.length - r]);
            if (sum >= need) {
                return r;
            }
        }
        return sorted.length;
    }

    private static double[] mean(float[] points, int n, int k) {
        double[] mu = new double[k];
        for (int a = 0; a < n; a++) {
            for (int c = 0; c < k; c++) {
                mu[c] += points[a * k + c];
            }
        }
        for (int c = 0; c < k; c++) {
            mu[c] /= n;
        }
        return mu;
    }

    /** XᵀX [k × k] (symmetric), X = points − mu, streamed over the points: O(k²) memory. */
    private static double[][] columnGram(float[] points, int n, int k, double[] mu) {
        double[][] g = new double[k][k];
        double[] x = new double[k];
        for (int a = 0; a < n; a++) {
            for (int c = 0; c < k; c++) {
                x[c] = points[a * k + c] - mu[c];
            }
            for (int i = 0; i < k; i++) {
                double xi = x[i];
                double[] row = g[i];
                for (int j = i; j < k; j++) {
                    row[j] += xi * x[j];
                }
            }
        }
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < i; j++) {
                g[i][j] = g[j][i];
            }
        }
        return g;
    }

    /** XXᵀ [n × n] (symmetric), X = points − mu. */
    private static double[][] rowGram(float[] points, int n, int k, double[] mu) {
        double[][] g = new double[n][n];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b <= a; b++) {
                double s = 0;
                for (int c = 0; c < k; c++) {
                    s += (points[a * k + c] - mu[c]) * (points[b * k + c] - mu[c]);
                }
                g[a][b] = s;
                g[b][a] = s;
            }
        }
        return g;
    }
}
