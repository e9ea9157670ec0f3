package org.latentlab.numerics;

import org.latentlab.api.LatentLabException;

/**
 * Hoyer's sparsity (Hoyer 2004, "Non-negative matrix factorization with sparseness constraints") of a
 * vector x in R^n:
 * <pre>
 *   hoyer(x) = (√n − ‖x‖₁ / ‖x‖₂) / (√n − 1)
 * </pre>
 * in [0, 1]: 1 for a vector with exactly one non-zero coordinate, 0 when all |x_i| are equal and
 * non-zero; invariant to scale and sign. Norms accumulate in double; the result is clamped to [0, 1]
 * against rounding. Conventions where the formula is 0/0: the zero vector has sparsity 0 (no
 * coordinate stands out: it is neither 1-sparse nor spread, and 0 keeps means finite), and for n = 1
 * a non-zero value has sparsity 1. Non-finite values are refused.
 *
 * <p>Pearson correlation is not here: call Commons Math's
 * {@code new PearsonsCorrelation().correlation(x, y)} directly.
 */
public final class Sparsity {

    private Sparsity() {}

    /** Hoyer's sparsity of the whole vector. */
    public static double hoyer(float[] x) {
        return hoyer(x, 0, x.length);
    }

    /** Hoyer's sparsity of x[offset .. offset + n). */
    public static double hoyer(float[] x, int offset, int n) {
        if (n < 1 || offset < 0 || offset + n > x.length) {
            throw new IllegalArgumentException("bad vector range [" + offset + ", " + offset + " + " + n + ") of " + x.length
                    + " values");
        }
        double l1 = 0;
        double l2 = 0;
        for (int i = offset; i < offset + n; i++) {
            double v = x[i];
            if (!Double.isFinite(v)) {
                throw new LatentLabException("value " + (i - offset) + " of the vector is " + x[i]
                        + "; sparsity needs finite values");
            }
            l1 += Math.abs(v);
            l2 += v * v;
        }
        if (l2 == 0) {
            return 0;
        }
        if (n == 1) {
            return 1;
        }
        double root = Math.sqrt(n);
        double h = (root - l1 / Math.sqrt(l2)) / (root - 1);
        return Math.min(1, Math.max(0, h));
    }

    /** Hoyer's sparsity of each row of a [rows × k] row-major matrix. */
    public static double[] hoyerRows(float[] data, int rows, int k) {
        if (rows < 0 || k < 1 || data.length != (long) rows * k) {
            throw new IllegalArgumentException("the data hold " + data.length + " values, not [" + rows + " × " + k + "]");
        }
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            try {
                out[r] = hoyer(data, r * k, k);
            } catch (LatentLabException e) {
                throw new LatentLabException("row " + r + ": " + e.getMessage());
            }
        }
        return out;
    }
}
