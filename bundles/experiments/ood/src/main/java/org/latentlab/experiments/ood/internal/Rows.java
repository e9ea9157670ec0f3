package org.latentlab.experiments.ood.internal;

import org.latentlab.api.Tensor;

/** Row-wise Euclidean arithmetic on batches, accumulated in double. */
final class Rows {

    private Rows() {}

    /** ‖a_i − b_i‖ for every row i of two tensors of the same shape. */
    static double[] distances(Tensor a, Tensor b) {
        return sqrt(squaredDistances(a, b));
    }

    /** ‖a_i − b_i‖² for every row i, summed over all values of a row. */
    static double[] squaredDistances(Tensor a, Tensor b) {
        if (a.rows() != b.rows() || a.width() != b.width()) {
            throw new IllegalArgumentException("cannot compare " + a + " with " + b);
        }
        int n = a.rows();
        int w = a.width();
        float[] x = a.data();
        float[] y = b.data();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = i * w, end = j + w; j < end; j++) {
                double d = (double) x[j] - y[j];
                s += d * d;
            }
            out[i] = s;
        }
        return out;
    }

    private static double[] sqrt(double[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.sqrt(v[i]);
        }
        return v;
    }
}
