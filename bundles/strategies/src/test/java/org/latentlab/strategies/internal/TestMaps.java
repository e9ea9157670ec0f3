package org.latentlab.strategies.internal;

import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.LatentMap;

/** Hand-built latent maps whose fixed points, their kinds and their Jacobians are known exactly. */
final class TestMaps {

    private TestMaps() {}

    /** A map that counts the rows it is given (each row of each batch is one evaluation). */
    static final class Counting implements LatentMap {
        final LatentMap inner;
        final AtomicLong rows = new AtomicLong();
        final AtomicLong calls = new AtomicLong();

        Counting(LatentMap inner) {
            this.inner = inner;
        }

        @Override
        public Tensor apply(Tensor z) {
            rows.addAndGet(z.rows());
            calls.incrementAndGet();
            return inner.apply(z);
        }
    }

    /**
     * f(z) = z*_i + ρ·R_i(z − z*_i) on the Voronoi cell of z*_i (i = the nearest centre), R_i a random
     * rotation: on each cell an affine contraction whose Jacobian ρR_i has every eigenvalue of modulus ρ,
     * so z*_i is an attractor with spectral radius ρ and plain iteration needs about log(ε)/log(ρ) steps.
     * The rotations make trajectories spiral, and seeds far out cross cell boundaries on the way in.
     */
    static final class Wells implements LatentMap {
        final int k;
        final double rho;
        final double[][] centres;
        final double[][][] rotations;

        Wells(int k, int count, double rho, double separation, long seed) {
            this.k = k;
            this.rho = rho;
            Random r = new Random(seed);
            centres = new double[count][];
            for (int i = 0; i < count; i++) { // random directions at the given distance from the origin, kept apart
                double[] c;
                do {
                    c = new double[k];
                    double norm = 0;
                    for (int j = 0; j < k; j++) {
                        c[j] = r.nextGaussian();
                        norm += c[j] * c[j];
                    }
                    for (int j = 0; j < k; j++) {
                        c[j] *= separation / Math.sqrt(norm);
                    }
                } while (closerThan(c, i, separation));
                centres[i] = c;
            }
            rotations = new double[count][][];
            for (int i = 0; i < count; i++) {
                rotations[i] = randomRotation(k, r);
            }
        }

        private boolean closerThan(double[] c, int placed, double d) {
            for (int i = 0; i < placed; i++) {
                if (distance(c, centres[i]) < d) {
                    return true;
                }
            }
            return false;
        }

        int nearest(float[] z, int offset) {
            int best = -1;
            double bestD = Double.POSITIVE_INFINITY;
            for (int i = 0; i < centres.length; i++) {
                double d = 0;
                for (int j = 0; j < k; j++) {
                    double t = z[offset + j] - centres[i][j];
                    d += t * t;
                }
                if (d < bestD) {
                    bestD = d;
                    best = i;
                }
            }
            return best;
        }

        @Override
        public Tensor apply(Tensor z) {
            float[] in = z.data();
            float[] out = new float[in.length];
            double[] e = new double[k];
            for (int row = 0; row < z.rows(); row++) {
                int c = nearest(in, row * k);
                if (c < 0) { // NaN
                    java.util.Arrays.fill(out, row * k, row * k + k, Float.NaN);
                    continue;
                }
                for (int j = 0; j < k; j++) {
                    e[j] = in[row * k + j] - centres[c][j];
                }
                for (int i = 0; i < k; i++) {
                    double s = 0;
                    for (int j = 0; j < k; j++) {
                        s += rotations[c][i][j] * e[j];
                    }
                    out[row * k + i] = (float) (centres[c][i] + rho * s);
                }
            }
            return Tensor.matrix(z.rows(), k, out);
        }
    }

    /**
     * Four wells in two coordinates, f(x, y) = (x + ½(x − x³), y + ½(y − y³)), plus {@code extra}
     * coordinates contracted by ½, all seen through a random rotation Q (f(z) = Q g(Qᵀz)): attractors at
     * (±1, ±1, 0...) with eigenvalues {0, 0, ½...}; saddles at (±1, 0, 0...) and (0, ±1, 0...) with
     * {0, 3/2, ½...}; a repeller (in the well plane) at the origin with {3/2, 3/2, ½...}.
     */
    static final class FourWells implements LatentMap {
        final int k;
        final double[][] q;

        FourWells(int extra, long seed) {
            k = 2 + extra;
            q = randomRotation(k, new Random(seed));
        }

        /** The point with well-plane coordinates (x, y) and 0 elsewhere, in the rotated space. */
        float[] point(double x, double y) {
            float[] p = new float[k];
            for (int i = 0; i < k; i++) {
                p[i] = (float) (q[i][0] * x + q[i][1] * y);
            }
            return p;
        }

        @Override
        public Tensor apply(Tensor z) {
            float[] in = z.data();
            float[] out = new float[in.length];
            double[] u = new double[k];
            for (int row = 0; row < z.rows(); row++) {
                for (int j = 0; j < k; j++) { // u = Q' z
                    double s = 0;
                    for (int i = 0; i < k; i++) {
                        s += q[i][j] * in[row * k + i];
                    }
                    u[j] = s;
                }
                for (int j = 0; j < k; j++) {
                    u[j] = j < 2 ? u[j] + 0.5 * (u[j] - u[j] * u[j] * u[j]) : 0.5 * u[j];
                }
                for (int i = 0; i < k; i++) {
                    double s = 0;
                    for (int j = 0; j < k; j++) {
                        s += q[i][j] * u[j];
                    }
                    out[row * k + i] = (float) s;
                }
            }
            return Tensor.matrix(z.rows(), k, out);
        }
    }

    static double[][] randomRotation(int k, Random r) {
        double[][] g = new double[k][k];
        for (double[] row : g) {
            for (int j = 0; j < k; j++) {
                row[j] = r.nextGaussian();
            }
        }
        RealMatrix q = new QRDecomposition(new Array2DRowRealMatrix(g)).getQ();
        return q.getData();
    }

    static double distance(double[] a, double[] b) {
        double d = 0;
        for (int j = 0; j < a.length; j++) {
            d += (a[j] - b[j]) * (a[j] - b[j]);
        }
        return Math.sqrt(d);
    }

    static double distance(float[] a, double[] b) {
        double d = 0;
        for (int j = 0; j < a.length; j++) {
            d += (a[j] - b[j]) * (a[j] - b[j]);
        }
        return Math.sqrt(d);
    }
}
