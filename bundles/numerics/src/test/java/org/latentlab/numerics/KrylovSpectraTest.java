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

    /**
     * A = U (B + N) Uᵀ: B block-diagonal, 2 × 2 blocks r_i R(θ_i) (eigenvalues r_i e^{±iθ_i}), U orthogonal; N strictly
     * upper block-triangular (zero: normal; else non-normal with the same eigenvalues). Returns {A, moduli r_i}.
     */
    static double[][][] ring(int pairs, double top, double spread, double coupling, Random r) {
        int k = 2 * pairs;
        double[][] b = new double[k][k];
        double[] mod = new double[pairs];
        for (int p = 0; p < pairs; p++) {
            mod[p] = top * (1 - spread * p / Math.max(1, pairs - 1));
            double th = 2 * Math.PI * r.nextDouble();
            b[2 * p][2 * p] = mod[p] * Math.cos(th);
            b[2 * p][2 * p + 1] = -mod[p] * Math.sin(th);
            b[2 * p + 1][2 * p] = mod[p] * Math.sin(th);
            b[2 * p + 1][2 * p + 1] = mod[p] * Math.cos(th);
            for (int c = 2 * p + 2; c < k; c++) {
                b[2 * p][c] = coupling * r.nextGaussian() / Math.sqrt(k);
                b[2 * p + 1][c] = coupling * r.nextGaussian() / Math.sqrt(k);
            }
        }
        RealMatrix u = new Array2DRowRealMatrix(orthogonal(k, r), false);
        double[][] a = u.multiply(new Array2DRowRealMatrix(b, false)).multiply(u.transpose()).getData();
        return new double[][][] {a, {mod}};
    }

    /** The distance from (re, im) to the nearest of the ring's eigenvalues, which come in pairs r e^{±iθ}. */
    static double distanceToSpectrum(double[][] a, double re, double im) {
        double[][] d = denseEigenvalues(a);
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < d[0].length; i++) {
            best = Math.min(best, Math.hypot(d[0][i] - re, d[1][i] - im));
        }
        return best;
    }

    @Test
    void aRingOfClusteredEigenvaluesStopsOnceTheRadiusIsResolved() {
        for (double coupling : new double[] {0, 0.3}) { // normal, then non-normal with the same eigenvalues
            Random r = new Random(21);
            int k = 300;
            double[][][] ring = ring(k / 2, 0.6, 0.02, coupling, r); // moduli 0.6 down to 0.588: a thin ring
            double[][] a = ring[0];
            KrylovSpectra.Settings all = new KrylovSpectra.Settings(6, 40, 1, 5000, 1e-8, 7);
            KrylovSpectra.Settings radius = new KrylovSpectra.Settings(6, 40, 1, 5000, 1e-8, 1e-3, 7);
            KrylovSpectra.Eigenvalues full = KrylovSpectra.largestEigenvalues(new Explicit(new double[][][] {a}, false), 1, k, all)[0];
            KrylovSpectra.Eigenvalues fast = KrylovSpectra.largestEigenvalues(new Explicit(new double[][][] {a}, false), 1, k, radius)[0];
            String what = coupling == 0 ? "normal" : "non-normal";
            // a thin ring: even resolved to 1e-8, the six found need not be the very largest (spacing 8e-5 at the top)
            assertEquals(0.6, full.radius(), 1e-3 * 0.6, what + ": all resolved");
            assertTrue(fast.products() < full.products(), what + ": fewer products for the radius alone: " + fast.products()
                    + " vs " + full.products());
            assertEquals(0.6, fast.radius(), 1e-3 * 0.6, what + ": ρ within the radius tolerance");
            assertTrue(fast.residuals()[0] <= 1e-3, what + ": the leading residual, measured afresh: " + fast.residuals()[0]);
            // honest: resolved counts the residuals within the tolerance, nothing else
            assertEquals(Arrays.stream(fast.residuals()).filter(x -> x <= 1e-8).count(), fast.resolved());
            assertTrue(fast.resolved() < fast.real().length, what + ": the rest of the ring is left unresolved");
            if (coupling == 0) { // normal: an eigenvalue lies within the residual of each reported value
                for (int t = 0; t < fast.real().length; t++) {
                    double d = distanceToSpectrum(a, fast.real()[t], fast.imag()[t]);
                    assertTrue(d <= fast.residuals()[t] * fast.radius() * (1 + 1e-9) + 1e-12, "eigenvalue " + t + ": " + d);
                }
            }
        }
    }

    @Test
    void aRadiusNearOneIsResolvedToTheFullTolerance() {
        // the same thin ring scaled so that its top is at 0.6 and at 1 + 4e-4 (just outside the circle): Arnoldi runs
        // alike on both (relative residuals do not see the scale), but near 1 the radius rule may not stop while the
        // circle is within tolerance + radiusTolerance · ρ̂ of ρ̂: the leading eigenvalue is resolved to the tolerance
        int k = 300;
        double[][] a = ring(k / 2, 0.6, 0.02, 0, new Random(21))[0];
        double[][] near = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                near[i][j] = a[i][j] * 1.0004 / 0.6;
            }
        }
        KrylovSpectra.Settings radius = new KrylovSpectra.Settings(6, 40, 1, 5000, 1e-8, 1e-3, 7);
        KrylovSpectra.Eigenvalues far = KrylovSpectra.largestEigenvalues(new Explicit(new double[][][] {a}, false), 1, k, radius)[0];
        KrylovSpectra.Eigenvalues e = KrylovSpectra.largestEigenvalues(new Explicit(new double[][][] {near}, false), 1, k, radius)[0];
        assertTrue(far.residuals()[0] > 1e-8, "at 0.6 the rule stopped early: " + far.residuals()[0]);
        assertTrue(e.residuals()[0] <= 1e-8, "near 1 the leading eigenvalue is resolved to the tolerance: " + e.residuals()[0]);
        assertEquals(1.0004, e.radius(), 1e-3);
        assertTrue(e.radius() > 1 + 1e-8 + e.residuals()[0] * e.radius(), "outside the circle, beyond the band");
        assertTrue(e.products() > far.products());
    }

    /** U B Uᵀ with B: one pair ρ e^{±iφ}, then a ring of pairs from {@code ring} down by 2 %. */
    static double[][] withLeadingPair(int k, double rho, double ringTop, Random r) {
        double[][] b = new double[k][k];
        for (int p = 0; p < k / 2; p++) {
            double m = p == 0 ? rho : ringTop * (1 - 0.02 * (p - 1) / Math.max(1, k / 2 - 2));
            double th = p == 0 ? 0.7 : 2 * Math.PI * r.nextDouble();
            b[2 * p][2 * p] = m * Math.cos(th);
            b[2 * p][2 * p + 1] = -m * Math.sin(th);
            b[2 * p + 1][2 * p] = m * Math.sin(th);
            b[2 * p + 1][2 * p + 1] = m * Math.cos(th);
        }
        RealMatrix u = new Array2DRowRealMatrix(orthogonal(k, r), false);
        return u.multiply(new Array2DRowRealMatrix(b, false)).multiply(u.transpose()).getData();
    }
}
