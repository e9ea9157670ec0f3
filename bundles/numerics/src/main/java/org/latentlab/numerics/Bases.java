package org.latentlab.numerics;

import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Orthonormal bases of R^k as [k × k] float32 matrices whose rows are the basis vectors, and the
 * projection of points onto the span of the first s rows.
 */
public final class Bases {

    /** Rows must be orthonormal within this (max |⟨b_i, b_j⟩ − δ_ij|) to be projected on. */
    static final double ORTHONORMAL_TOLERANCE = 1e-4;

    private Bases() {}

    /**
     * A random orthonormal basis of R^k, uniform (Haar) over the orthogonal group: G is a k × k matrix
     * of N(0, 1) draws from {@link Gaussian#fill} with {@code new SplittableRandom(seed)} (row-major),
     * G = QR by Commons Math's Householder QR, each column j of Q multiplied by sign(R_jj) (Mezzadri
     * 2007: without it the distribution is not uniform); row i of the result is column i of that Q.
     * The same seed always gives the same basis.
     */
    public static float[] randomOrthonormal(int k, long seed) {
        if (k < 1) {
            throw new IllegalArgumentException("the dimension must be at least 1, not " + k);
        }
        float[] g = new float[k * k];
        Gaussian.fill(new SplittableRandom(seed), g, 0, 1);
        RealMatrix m = new Array2DRowRealMatrix(k, k);
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                m.setEntry(i, j, g[i * k + j]);
            }
        }
        QRDecomposition qr = new QRDecomposition(m);
        RealMatrix q = qr.getQ();
        RealMatrix r = qr.getR();
        float[] out = new float[k * k];
        for (int col = 0; col < k; col++) {
            double sign = r.getEntry(col, col) < 0 ? -1 : 1;
            for (int j = 0; j < k; j++) {
                out[col * k + j] = (float) (sign * q.getEntry(j, col));
            }
        }
        return out;
    }

    /**
     * The orthogonal projection of each point p onto the affine subspace through {@code mean} spanned
     * by the first s rows b_1..b_s of {@code basis}: mean + Σ_{i≤s} ⟨p − mean, b_i⟩ b_i, in double.
     *
     * @param points [n × k] float32, row-major
     * @param basis  [≥ s × k], its first s rows orthonormal (checked within 1e-4)
     * @param mean   [k], or null for the linear span (mean = 0)
     * @return [n × k] float32 projections
     */
    public static float[] project(float[] points, int n, int k, float[] basis, int s, float[] mean) {
        OrthogonalMatchingPursuit.checkMatrix("point", points, n, k);
        if (s < 0 || basis == null || basis.length < (long) s * k || basis.length % k != 0) {
            throw new IllegalArgumentException("the basis must hold at least " + s + " rows of " + k + " values");
        }
        if (mean != null && mean.length != k) {
            throw new IllegalArgumentException("the mean has " + mean.length + " values, not " + k);
        }
        for (int i = 0; i < s; i++) {
            for (int j = 0; j <= i; j++) {
                double d = 0;
                for (int c = 0; c < k; c++) {
                    d += (double) basis[i * k + c] * basis[j * k + c];
                }
                if (Math.abs(d - (i == j ? 1 : 0)) > ORTHONORMAL_TOLERANCE) {
                    throw new IllegalArgumentException("basis rows " + j + " and " + i + " are not orthonormal (inner product "
                            + d + ")");
                }
            }
        }
        float[] out = new float[n * k];
        double[] p = new double[k];
        double[] acc = new double[k];
        for (int a = 0; a < n; a++) {
            for (int c = 0; c < k; c++) {
                p[c] = points[a * k + c] - (mean == null ? 0.0 : mean[c]);
                acc[c] = mean == null ? 0.0 : mean[c];
            }
            for (int i = 0; i < s; i++) {
                double coef = 0;
                for (int c = 0; c < k; c++) {
                    coef += p[c] * basis[i * k + c];
                }
                for (int c = 0; c < k; c++) {
                    acc[c] += coef * basis[i * k + c];
                }
            }
            for (int c = 0; c < k; c++) {
                out[a * k + c] = (float) acc[c];
            }
        }
        return out;
    }
}
