package org.latentlab.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;

/** Matrix-free eigenvalues and norms against operators whose spectra are known in closed form or densely. */
class KrylovSpectraTest {

    static final KrylovSpectra.Settings DEFAULT = new KrylovSpectra.Settings(6, 40, 1, 5000, 1e-8, 7);

    /** Products with explicit matrices, counting calls. */
    static final class Explicit implements KrylovSpectra.Products {
        final double[][][] a;
        final boolean transpose;
        int calls;

        Explicit(double[][][] a, boolean transpose) {
            this.a = a;
            this.transpose = transpose;
        }

        public double[][][] apply(double[][][] x) {
            calls++;
            double[][][] y = new double[x.length][][];
            for (int l = 0; l < x.length; l++) {
                if (x[l] == null) {
                    continue;
                }
                y[l] = new double[x[l].length][];
                for (int c = 0; c < x[l].length; c++) {
                    y[l][c] = times(a[l], x[l][c], transpose);
                }
            }
            return y;
        }
    }

    static double[] times(double[][] a, double[] x, boolean transpose) {
        int k = x.length;
        double[] y = new double[k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                y[i] += (transpose ? a[j][i] : a[i][j]) * x[j];
            }
        }
        return y;
    }

    static double[][] orthogonal(int k, Random r) {
        double[][] g = new double[k][k];
        for (double[] row : g) {
            for (int j = 0; j < k; j++) {
                row[j] = r.nextGaussian();
            }
        }
        return new QRDecomposition(new Array2DRowRealMatrix(g, false)).getQ().getData();
    }

    /** J = diag(d) · 0.5 Q: the Jacobian of f(z) = tanh(0.5 Q z + b) at its fixed point, d = 1 − tanh². */
    static double[][] tanhContraction(int k, double biasScale, Random r) {
        double[][] q = orthogonal(k, r);
        double[] b = new double[k];
        for (int i = 0; i < k; i++) {
            b[i] = biasScale * r.nextGaussian();
        }
        double[] z = new double[k];
        for (int it = 0; it < 200; it++) {
            double[] u = times(q, z, false);
            for (int i = 0; i < k; i++) {
                z[i] = Math.tanh(0.5 * u[i] + b[i]);
            }
        }
        double[] u = times(q, z, false);
        double[][] j = new double[k][k];
        for (int i = 0; i < k; i++) {
            double t = Math.tanh(0.5 * u[i] + b[i]);
            for (int c = 0; c < k; c++) {
                j[i][c] = (1 - t * t) * 0.5 * q[i][c];
            }
        }
        return j;
    }

    /** Eigenvalues by modulus, descending (dense, Commons Math). */
    static double[][] denseEigenvalues(double[][] a) {
        EigenDecomposition e = new EigenDecomposition(new Array2DRowRealMatrix(a));
        double[] re = e.getRealEigenvalues();
        double[] im = e.getImagEigenvalues();
        Integer[] idx = new Integer[re.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (x, y) -> Double.compare(Math.hypot(re[y], im[y]), Math.hypot(re[x], im[x])));
        double[][] out = new double[2][re.length];
        for (int i = 0; i < idx.length; i++) {
            out[0][i] = re[idx[i]];
            out[1][i] = im[idx[i]];
        }
        return out;
    }

    static double denseNorm(double[][] a) {
        return new SingularValueDecomposition(new Array2DRowRealMatrix(a)).getNorm();
    }

    /** Each found eigenvalue is within tol of one of the dense ones, and the largest moduli agree. */
    static void assertMatches(double[][] dense, KrylovSpectra.Eigenvalues e, double tol, String what) {
        assertEquals(Math.hypot(dense[0][0], dense[1][0]), e.radius(), tol, what + ": spectral radius");
        for (int t = 0; t < e.real().length; t++) {
            double best = Double.POSITIVE_INFINITY;
            for (int i = 0; i < dense[0].length; i++) {
                best = Math.min(best, Math.hypot(dense[0][i] - e.real()[t], dense[1][i] - e.imag()[t]));
            }
            assertTrue(best <= tol, what + ": eigenvalue " + e.real()[t] + " + " + e.imag()[t] + "i is " + best
                    + " from the nearest dense one");
        }
        // the wanted ones are the largest: the t-th found has the t-th largest modulus
        for (int t = 0; t < e.real().length; t++) {
            assertEquals(Math.hypot(dense[0][t], dense[1][t]), Math.hypot(e.real()[t], e.imag()[t]), tol,
                    what + ": modulus of eigenvalue " + t);
        }
    }

    @Test
    void tanhContractionAtItsFixedPointMatchesTheDenseSpectrumAndTheClosedFormNorm() {
        Random r = new Random(1);
        int k = 120;
        double[][] j = tanhContraction(k, 1.0, r);
        double[][] dense = denseEigenvalues(j);
        KrylovSpectra.Eigenvalues e = KrylovSpectra.largestEigenvalues(new Explicit(new double[][][] {j}, false), 1, k,
                DEFAULT)[0];
        assertMatches(dense, e, 1e-6, "tanh contraction");
        assertEquals(e.real().length, e.resolved(), "all wanted resolved");
        assertTrue(e.real().length >= 6);
        for (double res : e.residuals()) {
            assertTrue(res <= 1e-8, "true residual " + res);
        }
        // singular values of diag(d)·0.5Q are d/2: the norm is max(d)/2 exactly
        double maxD = 0;
        for (int i = 0; i < k; i++) {
            maxD = Math.max(maxD, 2 * Math.sqrt(Arrays.stream(j[i]).map(x -> x * x).sum()));
        }
        KrylovSpectra.Norm n = KrylovSpectra.spectralNorm(new Explicit(new double[][][] {j}, false),
                new Explicit(new double[][][] {j}, true), 1, k, DEFAULT)[0];
        assertEquals(maxD / 2, n.value(), 1e-7);
        assertEquals(denseNorm(j), n.value(), 1e-7);
        assertTrue(n.resolved());
        assertTrue(e.normLowerBound() <= n.value() + 1e-12, "the Krylov bound is below the norm");
    }

    @Test
    void aNonNormalOperatorHasNormAboveOneAndRadiusBelowIt() {
        // a Jordan-like chain: eigenvalues 0.5 (all), ‖A‖ ≈ 3 + 0.5; plus a small random part
        int k = 60;
        double[][] a = new double[k][k];
        for (int i = 0; i < k; i++) {
            a[i][i] = 0.5;
            if (i + 1 < k) {
                a[i][i + 1] = i % 2 == 0 ? 3 : 0;
            }
        }
        double[][] dense = denseEigenvalues(a);
        KrylovSpectra.Eigenvalues e = KrylovSpectra.largestEigenvalues(new Explicit(new double[][][] {a}, false), 1, k,
                new KrylovSpectra.Settings(4, 30, 1, 5000, 1e-6, 3))[0];
        // the 2x2 blocks [[0.5, 3], [0, 0.5]] are defective: eigenvalue 0.5 with error ~ sqrt(eps) is expected
        assertEquals(0.5, e.radius(), 1e-6);
        assertEquals(0.5, Math.hypot(dense[0][0], dense[1][0]), 1e-9);
        KrylovSpectra.Norm n = KrylovSpectra.spectralNorm(new Explicit(new double[][][] {a}, false),
                new Explicit(new double[][][] {a}, true), 1, k, DEFAULT)[0];
        // each block [[0.5, 3], [0, 0.5]] has norm (3 + sqrt(9 + 1)) / 2 = 3.0811...
        assertEquals((3 + Math.sqrt(10)) / 2, n.value(), 1e-9);
        assertTrue(n.value() > 1 && e.radius() < 1, "‖J‖ > 1 > ρ");
    }

    /** Block-diagonal with rotation blocks r_i R(θ_i): complex pairs r_i e^{±iθ_i}, known exactly. */
    static double[][] rotations(double[] radii, double[] angles, double[][] basis) {
        int k = 2 * radii.length;
        double[][] d = new double[k][k];
        for (int b = 0; b < radii.length; b++) {
            double c = radii[b] * Math.cos(angles[b]);
            double s = radii[b] * Math.sin(angles[b]);
            d[2 * b][2 * b] = c;
            d[2 * b][2 * b + 1] = -s;
            d[2 * b + 1][2 * b] = s;
            d[2 * b + 1][2 * b + 1] = c;
        }
        if (basis == null) {
            return d;
        }
        RealMatrix q = new Array2DRowRealMatrix(basis);
        return q.multiply(new Array2DRowRealMatrix(d)).multiply(q.transpose()).getData();
    }

    @Test
    void complexPairsComeInConjugatesWithTheirExactValues() {
        Random r = new Random(5);
        int pairs = 40;
        double[] radii = new double[pairs];
        double[] angles = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            radii[i] = 0.95 * Math.pow(0.93, i); // well separated moduli
            angles[i] = 0.3 + 2.5 * r.nextDouble();
        }
        double[][] a = rotations(radii, angles, orthogonal(2 * pairs, r));
        for (int block : new int[] {1, 3}) {
            KrylovSpectra.Eigenvalues e = KrylovSpectra.largestEigenvalues(new Explicit(new double[][][] {a}, false), 1,
                    2 * pairs, new KrylovSpectra.Settings(5, 24, block, 5000, 1e-9, 11))[0];
            assertEquals(6, e.real().length, "5 wanted, the cut completes the third pair");
            for (int t = 0; t < 6; t++) {
                int p = t / 2;
                assertEquals(radii[p] * Math.cos(angles[p]), e.real()[t], 1e-8, "block " + block + " re " + t);
                assertEquals((t % 2 == 0 ? 1 : -1) * radii[p] * Math.sin(angles[p]), e.imag()[t], 1e-8,
                        "block " + block + " im " + t + " (positive member first)");
            }
            assertEquals(6, e.resolved());
        }
    }

    @Test
    void blocksAndSingleVectorsAgreeAndManyLanesRunTogether() {
        Random r = new Random(9);
        int lanes = 7;
        int k = 50;
        double[][][] ops = new double[lanes][][];
        for (int l = 0; l < lanes; l++) {
            ops[l] = tanhContraction(k, 0.5 + l, r);
        }
        Explicit restarted = new Explicit(ops, false);
        KrylovSpectra.Eigenvalues[] e0 = KrylovSpectra.largestEigenvalues(restarted, lanes, k,
                new KrylovSpectra.Settings(4, 20, 1, 5000, 1e-9, 1));
        Explicit single = new Explicit(ops, false);
        KrylovSpectra.Eigenvalues[] e1 = KrylovSpectra.largestEigenvalues(single, lanes, k,
                new KrylovSpectra.Settings(4, 64, 1, 5000, 1e-9, 1));
        Explicit blocked = new Explicit(ops, false);
        KrylovSpectra.Eigenvalues[] e4 = KrylovSpectra.largestEigenvalues(blocked, lanes, k,
                new KrylovSpectra.Settings(4, 64, 4, 5000, 1e-9, 1));
        for (int l = 0; l < lanes; l++) {
            double[][] dense = denseEigenvalues(ops[l]);
            assertMatches(dense, e0[l], 1e-7, "lane " + l + " restarted");
            assertMatches(dense, e1[l], 1e-7, "lane " + l + " single");
            assertMatches(dense, e4[l], 1e-7, "lane " + l + " block");
            assertEquals(e1[l].real().length, e1[l].resolved());
        }
        assertTrue(restarted.calls > single.calls, "a basis of 20 restarts: " + restarted.calls + " rounds");
        assertTrue(blocked.calls < single.calls / 2, "blocks of 4 take fewer rounds: " + blocked.calls + " vs " + single.calls);
        KrylovSpectra.Norm[] n = KrylovSpectra.spectralNorm(new Explicit(ops, false), new Explicit(ops, true), lanes, k,
                DEFAULT);
        for (int l = 0; l < lanes; l++) {
            assertEquals(denseNorm(ops[l]), n[l].value(), 1e-8, "lane " + l);
        }
    }

    @Test
    void degenerateOperatorsZeroRankOneAndTinyDimensions() {
        int k = 30;
        double[][] zero = new double[k][k];
        double[][] rank1 = new double[k][k];
        Random r = new Random(2);
        double[] u = KrylovSpectra.gaussian(k, r);
        double[] v = KrylovSpectra.gaussian(k, r);
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                rank1[i][j] = u[i] * v[j] / k;
            }
        }
        double uv = KrylovSpectra.dot(u, v) / k;
        double[][][] ops = {zero, rank1};
        KrylovSpectra.Eigenvalues[] e = KrylovSpectra.largestEigenvalues(new Explicit(ops, false), 2, k, DEFAULT);
        assertEquals(0, e[0].radius(), 0, "J = 0: spectral radius 0");
        assertTrue(e[0].exact());
        assertEquals(Math.abs(uv), e[1].radius(), 1e-10, "rank one: the only nonzero eigenvalue is v·u");
        KrylovSpectra.Norm[] n = KrylovSpectra.spectralNorm(new Explicit(ops, false), new Explicit(ops, true), 2, k, DEFAULT);
        assertEquals(0, n[0].value(), 0);
        assertEquals(KrylovSpectra.norm(u) * KrylovSpectra.norm(v) / k, n[1].value(), 1e-10);
        for (int dim : new int[] {1, 2, 3}) {
            double[][] a = new double[dim][dim];
            for (int i = 0; i < dim; i++) {
                for (int j = 0; j < dim; j++) {
                    a[i][j] = r.nextGaussian();
                }
            }
            KrylovSpectra.Eigenvalues s = KrylovSpectra.largestEigenvalues(new Explicit(new double[][][] {a}, false), 1, dim,
                    new KrylovSpectra.Settings(6, 40, 2, 100, 1e-8, 1))[0];
            double[][] dense = denseEigenvalues(a);
            assertEquals(dim, s.real().length, "all of a " + dim + "-dimensional spectrum");
            assertMatches(dense, s, 1e-9, "dimension " + dim);
            assertTrue(s.exact());
            KrylovSpectra.Norm sn = KrylovSpectra.spectralNorm(new Explicit(new double[][][] {a}, false),
                    new Explicit(new double[][][] {a}, true), 1, dim, DEFAULT)[0];
            assertEquals(denseNorm(a), sn.value(), 1e-9);
        }
    }

    @Test
    void aBudgetTooSmallReportsUnresolvedEstimatesWithTheirResiduals() {
        Random r = new Random(4);
        int k = 200;
        double[][] j = tanhContraction(k, 0.1, r); // nearly 0.5·orthogonal: eigenvalues crowd a thin ring
        KrylovSpectra.Eigenvalues e = KrylovSpectra.largestEigenvalues(new Explicit(new double[][][] {j}, false), 1, k,
                new KrylovSpectra.Settings(6, 30, 1, 60, 1e-8, 1))[0];
        assertTrue(e.products() <= 60 + 6, "within the budget plus the residual check: " + e.products());
        assertTrue(e.resolved() < e.real().length, "a ring of eigenvalues is not resolved in 60 products");
        for (double res : e.residuals()) {
            assertTrue(res > 1e-8 && Double.isFinite(res));
        }
        double rho = Math.hypot(denseEigenvalues(j)[0][0], denseEigenvalues(j)[1][0]);
        assertTrue(e.radius() <= rho + 1e-9, "Ritz values of a normal-like operator lie inside: " + e.radius() + " vs " + rho);
    }

    @Test
    void identityLikeAndSymmetricOperators() {
        int k = 40;
        double[][] s = MatrixUtils.createRealIdentityMatrix(k).scalarMultiply(0.7).getData();
        KrylovSpectra.Eigenvalues e = KrylovSpectra.largestEigenvalues(new Explicit(new double[][][] {s}, false), 1, k,
                DEFAULT)[0];
        assertEquals(0.7, e.radius(), 1e-12);
        assertTrue(e.exact(), "0.7·I: the first Krylov vector spans an invariant subspace");
    }
}
