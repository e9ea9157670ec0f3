package org.latentlab.engine.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.attractor.FixedPointKind;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.LinearizedMap;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.api.result.FieldValue;
import org.latentlab.clusterers.internal.EuclideanClusterer;
import org.latentlab.strategies.internal.PicardIteration;

/**
 * Matrix-free spectra against maps whose Jacobians are known: f(z) = tanh(0.5 Q z + b) with Q orthogonal (at the
 * fixed point J = diag(1 − tanh²) · 0.5 Q, so ‖J‖ = max(1 − tanh²)/2), linear maps with complex pairs, non-normal
 * maps with ‖J‖ > 1 > ρ, saddles; and the matrix-free path against the dense one where both apply.
 */
class SpectraTest {

    static final Runnable NO_CHECK = () -> {};

    static Spectra.Settings settings(int denseMax) {
        return new Spectra.Settings(denseMax, 6, 40, 1, 3000, 4096, 1e-3, 1024);
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

    /** f(z) = tanh(W z + b), row by row in double. */
    record TanhMap(double[][] w, double[] b) implements LatentMap {
        public Tensor apply(Tensor z) {
            int k = b.length;
            float[] out = new float[z.data().length];
            for (int r = 0; r < z.rows(); r++) {
                for (int i = 0; i < k; i++) {
                    double s = b[i];
                    for (int j = 0; j < k; j++) {
                        s += w[i][j] * z.data()[r * k + j];
                    }
                    out[r * k + i] = (float) Math.tanh(s);
                }
            }
            return Tensor.matrix(z.rows(), k, out);
        }

        /** The fixed point in double. */
        double[] fixedPointInDouble() {
            int k = b.length;
            double[] z = new double[k];
            for (int it = 0; it < 300; it++) {
                double[] next = new double[k];
                for (int i = 0; i < k; i++) {
                    double s = b[i];
                    for (int j = 0; j < k; j++) {
                        s += w[i][j] * z[j];
                    }
                    next[i] = Math.tanh(s);
                }
                z = next;
            }
            return z;
        }

        /** The fixed point (plain iteration: a contraction) and the Jacobian there, in double. */
        double[][] jacobianAtFixedPoint(float[] fixedPoint) {
            int k = b.length;
            double[] z = new double[k];
            for (int it = 0; it < 300; it++) {
                double[] next = new double[k];
                for (int i = 0; i < k; i++) {
                    double s = b[i];
                    for (int j = 0; j < k; j++) {
                        s += w[i][j] * z[j];
                    }
                    next[i] = Math.tanh(s);
                }
                z = next;
            }
            double[][] jac = new double[k][k];
            for (int i = 0; i < k; i++) {
                fixedPoint[i] = (float) z[i];
                double d = 1 - z[i] * z[i]; // z = tanh(...) at the fixed point
                for (int j = 0; j < k; j++) {
                    jac[i][j] = d * w[i][j];
                }
            }
            return jac;
        }
    }

    static TanhMap tanhContraction(int k, double biasScale, long seed) {
        Random r = new Random(seed);
        double[][] q = orthogonal(k, r);
        double[][] w = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                w[i][j] = 0.5 * q[i][j];
            }
        }
        double[] b = new double[k];
        for (int i = 0; i < k; i++) {
            b[i] = biasScale * r.nextGaussian();
        }
        return new TanhMap(w, b);
    }

    static double radius(double[][] a) {
        EigenDecomposition e = new EigenDecomposition(new Array2DRowRealMatrix(a));
        double rho = 0;
        for (int i = 0; i < a.length; i++) {
            rho = Math.max(rho, Math.hypot(e.getRealEigenvalue(i), e.getImagEigenvalue(i)));
        }
        return rho;
    }

    static double norm(double[][] a) {
        return new SingularValueDecomposition(new Array2DRowRealMatrix(a)).getNorm();
    }

    /** f(z) = A z. */
    static LatentMap linear(double[][] a) {
        int k = a.length;
        return z -> {
            float[] out = new float[z.data().length];
            for (int r = 0; r < z.rows(); r++) {
                for (int i = 0; i < k; i++) {
                    double s = 0;
                    for (int j = 0; j < k; j++) {
                        s += a[i][j] * z.data()[r * k + j];
                    }
                    out[r * k + i] = (float) s;
                }
            }
            return Tensor.matrix(z.rows(), k, out);
        };
    }

    static Spectra.Spectrum[] spectra(LatentMap f, Optional<LatentModel> model, float[][] points, Spectra.Settings s) {
        return Spectra.of(f, model, Tensor.ofRows(points), s, NO_CHECK, n -> {});
    }

    @Test
    void tanhContractionByDifferencesMatchesTheClosedFormNormAndTheDenseRadius() {
        int k = 96;
        TanhMap f = tanhContraction(k, 1.0, 1);
        float[] z = new float[k];
        double[][] jac = f.jacobianAtFixedPoint(z);
        double maxD = 0;
        for (int i = 0; i < k; i++) {
            maxD = Math.max(maxD, 1 - z[i] * (double) z[i]);
        }
        Spectra.Spectrum mf = spectra(f, Optional.empty(), new float[][] {z}, settings(16))[0];
        Spectra.Spectrum dense = spectra(f, Optional.empty(), new float[][] {z}, settings(128))[0];
        assertEquals("matrix-free finite-differences; norm: dense central-differences, Richardson-extrapolated", mf.method());
        assertEquals("central-differences", dense.method());
        assertNull(dense.matrixFree());
        assertEquals(k, dense.real().length, "the dense path has every eigenvalue");
        assertTrue(mf.real().length >= 6 && mf.real().length <= 7, "the 6 largest (a pair may add one)");
        assertEquals(0.5 * maxD, mf.spectralNorm(), 1e-3, "‖J‖ = max(1 − tanh²)/2");
        assertEquals(radius(jac), mf.spectralRadius(), 1e-3, "ρ against the exact Jacobian's");
        // both paths where they overlap
        assertEquals(dense.spectralRadius(), mf.spectralRadius(), 1e-3);
        assertEquals(dense.spectralNorm(), mf.spectralNorm(), 1e-3);
        assertEquals(FixedPointKind.ATTRACTOR, mf.kind());
        assertTrue(mf.matrixFree().resolved() >= 1, "at least the leading eigenvalue is resolved");
        assertTrue(mf.matrixFree().residuals()[0] <= Spectra.DIFFERENCE_TOLERANCE);
        assertTrue(mf.matrixFree().products() > 0);
        // the eigenvalues found are the dense path's largest ones
        double[] denseModuli = moduli(dense);
        double[] mfModuli = moduli(mf);
        for (int t = 0; t < mf.matrixFree().resolved(); t++) {
            assertEquals(denseModuli[t], mfModuli[t], 1e-3, "modulus " + t);
        }
    }

    /**
     * f(z) = S tanh(W z / S + b), W = 0.5 Q, S = 20, computed in float32 with the pre-activation carried on a large
     * activation (16 + u − 16, as a network's intermediate values round small changes to their ulp): the fixed point is
     * S t with t that of the unscaled contraction, the Jacobian there diag(1 − t²) · 0.5 Q (‖J‖ = max(1 − t²)/2), and
     * the coordinates reach ±19 as the conv model's do. The per-coordinate step 1e-3 · max(1, |z_j|) leaves rounding
     * dominant (the old dense difference norm 3.4e-3 off); the step chosen on a few columns, extrapolated, is within
     * 1e-5.
     */
    @Test
    void theDifferenceNormAtLargeLatentsIsRichardsonExtrapolatedAtAChosenStep() {
        int k = 96;
        double scale = 20;
        TanhMap unit = tanhContraction(k, 1.0, 3);
        double[] td = unit.fixedPointInDouble();
        float[] z = new float[k];
        double maxD = 0;
        for (int i = 0; i < k; i++) {
            z[i] = (float) (scale * td[i]);
            maxD = Math.max(maxD, 1 - td[i] * td[i]);
        }
        double[][] w = unit.w();
        float offset = 16;
        float[][] wf = new float[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                wf[i][j] = (float) (w[i][j] / scale);
            }
        }
        LatentMap f = x -> {
            float[] out = new float[x.data().length];
            for (int r = 0; r < x.rows(); r++) {
                for (int i = 0; i < k; i++) { // in float32 as an engine computes, its rounding relative to |W z|
                    float s = (float) unit.b()[i];
                    for (int j = 0; j < k; j++) {
                        s += wf[i][j] * x.data()[r * k + j];
                    }
                    float u = (offset + s) - offset; // a large activation carries the signal: rounded to its ulp
                    out[r * k + i] = (float) (scale * Math.tanh(u));
                }
            }
            return Tensor.matrix(x.rows(), k, out);
        };
        double exact = 0.5 * maxD;
        // at the float32 point: 0.5 max(1 − tanh²) of the pre-activation there
        double exactAtZ = 0;
        for (int i = 0; i < k; i++) {
            double s = unit.b()[i];
            for (int j = 0; j < k; j++) {
                s += (double) wf[i][j] * z[j];
            }
            double th = Math.tanh(s);
            exactAtZ = Math.max(exactAtZ, 0.5 * (1 - th * th));
        }
        assertEquals(exact, exactAtZ, 1e-6, "z is the fixed point to float32 rounding");
        double[] chosen = Spectra.richardsonStep(f, z, 1e-3, NO_CHECK);
        assertTrue(chosen[0] > 0.05 && chosen[0] < 10, "a step well above the old per-coordinate ones: " + chosen[0]);
        assertTrue(chosen[1] < 1e-4, "estimated relative error of the columns " + chosen[1]);
        Spectra.Spectrum mf = spectra(f, Optional.empty(), new float[][] {z}, settings(16))[0];
        assertEquals("matrix-free finite-differences; norm: dense central-differences, Richardson-extrapolated", mf.method());
        double newError = Math.abs(mf.spectralNorm() - exactAtZ);
        // the old dense difference norm: step 1e-3 · max(1, |z_j|) per coordinate, no extrapolation
        double[][] old = new double[k][k];
        for (int j = 0; j < k; j++) {
            float h = (float) (1e-3 * Math.max(1, Math.abs(z[j])));
            float[] p = z.clone();
            float[] m = z.clone();
            p[j] += h;
            m[j] -= h;
            float[] fp = f.apply(Tensor.matrix(1, k, p)).data();
            float[] fm = f.apply(Tensor.matrix(1, k, m)).data();
            for (int i = 0; i < k; i++) {
                old[i][j] = ((double) fp[i] - fm[i]) / ((double) p[j] - m[j]);
            }
        }
        double oldError = Math.abs(norm(old) - exactAtZ);
        assertTrue(newError < 1e-5, "extrapolated difference norm off by " + newError);
        assertTrue(oldError > 1e-3, "the old per-coordinate steps were 3.4e-3 off here: " + oldError);
    }

    @Test
    void denseDifferenceNormsOfSeveralPointsShareMapCallsAndEqualThoseOfEachPointAlone() {
        int k = 24;
        TanhMap f = tanhContraction(k, 1.0, 3);
        Random r = new Random(11);
        float[][] zs = new float[5][k];
        for (float[] z : zs) {
            for (int i = 0; i < k; i++) {
                z[i] = (float) (0.7 * r.nextGaussian());
            }
        }
        AtomicInteger calls = new AtomicInteger();
        LatentMap counted = x -> {
            calls.incrementAndGet();
            return f.apply(x);
        };
        double[][] steps = Spectra.richardsonSteps(counted, zs, 1e-3, NO_CHECK);
        assertEquals(1, calls.getAndSet(0), "the ladders of all five points in one map call");
        double[] h = new double[zs.length];
        for (int p = 0; p < zs.length; p++) {
            assertArrayEquals(Spectra.richardsonStep(f, zs[p], 1e-3, NO_CHECK), steps[p], "point " + p);
            h[p] = steps[p][0];
        }
        float[][] jacs = Spectra.richardsonJacobians(counted, zs, h, NO_CHECK);
        assertEquals(1, calls.getAndSet(0), "every column of all five points in one map call (k ≤ 256)");
        for (int p = 0; p < zs.length; p++) {
            assertArrayEquals(Spectra.richardsonJacobian(f, zs[p], h[p], NO_CHECK), jacs[p], "point " + p);
        }
        // through the matrix-free path (no VJPs, k ≤ denseNormMax): each point's norm as when it is alone
        Spectra.Spectrum[] together = spectra(f, Optional.empty(), zs, settings(8));
        for (int p = 0; p < zs.length; p++) {
            Spectra.Spectrum alone = spectra(f, Optional.empty(), new float[][] {zs[p]}, settings(8))[0];
            assertEquals("matrix-free finite-differences; norm: dense central-differences, Richardson-extrapolated",
                    together[p].method());
            assertEquals(alone.spectralNorm(), together[p].spectralNorm(), 0.0, "point " + p);
        }
        assertTrue(together[0].spectralNorm() != together[1].spectralNorm(), "distinct points, distinct norms");
        // points per call: 4096 rows (ladders of 240 rows at k ≥ 8, columns of 4·min(k, 256)), 64 MB of Jacobians
        assertEquals(17, Spectra.denseNormPoints(32));
        assertEquals(136, Spectra.denseNormPoints(1), "ladders of 30 rows");
        assertEquals(4, Spectra.denseNormPoints(1024));
        assertEquals(1, Spectra.denseNormPoints(4096));
    }

    @Test
    void blocksOfDirectionsGiveTheSameSpectrumInFewerMapCalls() {
        int k = 96;
        TanhMap f = tanhContraction(k, 1.0, 1);
        float[] z = new float[k];
        double[][] jac = f.jacobianAtFixedPoint(z);
        AtomicInteger calls = new AtomicInteger();
        LatentMap counted = x -> {
            calls.incrementAndGet();
            return f.apply(x);
        };
        Spectra.Settings one = new Spectra.Settings(16, 6, 48, 1, 3000, 0, 1e-3, 1024);
        Spectra.Settings three = new Spectra.Settings(16, 6, 48, 3, 3000, 0, 1e-3, 1024);
        Spectra.Spectrum a = spectra(counted, Optional.empty(), new float[][] {z, z}, one)[0];
        int callsOne = calls.getAndSet(0);
        Spectra.Spectrum[] bs = spectra(counted, Optional.empty(), new float[][] {z, z}, three);
        int callsThree = calls.get();
        assertEquals(radius(jac), a.spectralRadius(), 1e-3);
        for (Spectra.Spectrum b : bs) {
            assertEquals(radius(jac), b.spectralRadius(), 1e-3, "blocks of 3");
            assertTrue(b.matrixFree().resolved() >= 1);
        }
        assertTrue(callsThree < callsOne, "fewer map calls: " + callsThree + " vs " + callsOne);
    }

    static double[] moduli(Spectra.Spectrum s) {
        double[] m = new double[s.real().length];
        for (int i = 0; i < m.length; i++) {
            m[i] = Math.hypot(s.real()[i], s.imag()[i]);
        }
        Arrays.sort(m);
        for (int i = 0; i < m.length / 2; i++) {
            double t = m[i];
            m[i] = m[m.length - 1 - i];
            m[m.length - 1 - i] = t;
        }
        return m;
    }

    @Test
    void complexPairsOfALinearMapAreExact() {
        Random r = new Random(3);
        int pairs = 30;
        int k = 2 * pairs;
        double[][] d = new double[k][k];
        for (int p = 0; p < pairs; p++) {
            double rad = 0.9 * Math.pow(0.9, p);
            double th = 0.4 + 0.05 * p;
            d[2 * p][2 * p] = rad * Math.cos(th);
            d[2 * p][2 * p + 1] = -rad * Math.sin(th);
            d[2 * p + 1][2 * p] = rad * Math.sin(th);
            d[2 * p + 1][2 * p + 1] = rad * Math.cos(th);
        }
        double[][] q = orthogonal(k, r);
        double[][] a = new Array2DRowRealMatrix(q).multiply(new Array2DRowRealMatrix(d))
                .multiply(new Array2DRowRealMatrix(q).transpose()).getData();
        Spectra.Spectrum s = spectra(linear(a), Optional.empty(), new float[][] {new float[k]}, settings(8))[0];
        assertEquals(0.9, s.spectralRadius(), 1e-4);
        assertEquals(0.9 * Math.cos(0.4), s.real()[0], 1e-4);
        assertEquals(0.9 * Math.sin(0.4), s.imag()[0], 1e-4, "positive member first");
        assertEquals(-0.9 * Math.sin(0.4), s.imag()[1], 1e-4, "then its conjugate");
        assertEquals(0.81 * Math.sin(0.45), s.imag()[2], 1e-4);
        assertEquals(0.9, s.spectralNorm(), 1e-3, "normal: ‖A‖ = ρ");
    }

    /** Blocks [[0.5, c], [0, 0.5]]: ρ = 0.5 while ‖A‖ = (c + sqrt(c² + 1))/2. */
    static double[][] jordanBlocks(int k, double c) {
        double[][] a = new double[k][k];
        for (int i = 0; i < k; i++) {
            a[i][i] = 0.5;
            if (i % 2 == 0 && i + 1 < k) {
                a[i][i + 1] = c;
            }
        }
        return a;
    }

    @Test
    void aNonNormalContractionHasNormAboveOneAndIsStillAnAttractor() {
        int k = 40;
        double[][] a = jordanBlocks(k, 3);
        Spectra.Spectrum s = spectra(linear(a), Optional.empty(), new float[][] {new float[k]}, settings(8))[0];
        assertEquals((3 + Math.sqrt(10)) / 2, s.spectralNorm(), 1e-3, "‖J‖ > 1");
        assertEquals(0.5, s.spectralRadius(), 2e-3, "ρ < 1 (a defective eigenvalue: error ~ sqrt of the products' error)");
        assertEquals(FixedPointKind.ATTRACTOR, s.kind());
        assertTrue(s.stable());
        // without VJPs and above denseNormMax the norm is only a lower bound on the Krylov basis, and says so
        Spectra.Settings noDense = new Spectra.Settings(8, 6, 40, 1, 3000, 16, 1e-3, 1024);
        Spectra.Spectrum b = spectra(linear(a), Optional.empty(), new float[][] {new float[k]}, noDense)[0];
        assertEquals("matrix-free finite-differences; norm: lower bound", b.method());
        assertTrue(b.spectralNorm() <= s.spectralNorm() + 1e-3 && b.spectralNorm() > 1, "a lower bound: " + b.spectralNorm());
        assertTrue(Double.isNaN(b.matrixFree().normResidual()));
    }

    @Test
    void saddlesAndUnresolvedRepellersAreClassifiedFromTheLargestEigenvalues() {
        int k = 30;
        double[] diag = new double[k];
        Arrays.fill(diag, 0.5);
        diag[0] = 1.5; // one unstable direction
        Random r = new Random(5);
        double[][] q = orthogonal(k, r);
        Spectra.Spectrum saddle = spectra(linear(similar(q, diag)), Optional.empty(), new float[][] {new float[k]},
                settings(8))[0];
        assertEquals(1.5, saddle.spectralRadius(), 1e-3);
        assertEquals(FixedPointKind.SADDLE, saddle.kind(), "a resolved eigenvalue inside the unit circle");
        Arrays.fill(diag, 1.5);
        for (int i = 0; i < k; i++) {
            diag[i] = 1.5 + 0.1 * i;
        }
        Spectra.Spectrum expanding = spectra(linear(similar(q, diag)), Optional.empty(), new float[][] {new float[k]},
                settings(8))[0];
        assertEquals(1.5 + 0.1 * (k - 1), expanding.spectralRadius(), 1e-2);
        assertEquals(FixedPointKind.UNDETERMINED, expanding.kind(), "the smallest eigenvalues were not computed");
        Spectra.Spectrum all = spectra(linear(similar(q, Arrays.copyOf(diag, 4))), Optional.empty(),
                new float[][] {new float[4]}, settings(2))[0];
        assertEquals(FixedPointKind.REPELLER, all.kind(), "k ≤ eigenvalues wanted: every one is known");
    }

    /** Q diag(d) Qᵀ restricted to the first d.length coordinates of Q. */
    static double[][] similar(double[][] q, double[] d) {
        int k = d.length;
        double[][] a = new double[k][k];
        double[][] qk = new QRDecomposition(new Array2DRowRealMatrix(Arrays.stream(q).limit(k)
                .map(row -> Arrays.copyOf(row, k)).toArray(double[][]::new))).getQ().getData();
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                for (int t = 0; t < k; t++) {
                    a[i][j] += qk[i][t] * d[t] * qk[j][t];
                }
            }
        }
        return a;
    }

    /** A model that claims autodiff products of A (or of something else). */
    static LatentModel linearModel(double[][] a, double[][] claimed) {
        int k = a.length;
        LatentMap f = linear(a);
        return new LatentModel() {
            public ModelSpec spec() {
                return new ModelSpec(java.nio.file.Path.of("."), "linear", new int[] {k}, k, "e", "d", null);
            }

            public Tensor encode(Tensor x) {
                return f.apply(x);
            }

            public Tensor decode(Tensor z) {
                return z;
            }

            public Optional<LinearizedMap> linearize(Tensor points) {
                return Optional.of(new LinearizedMap() {
                    public Tensor points() {
                        return points;
                    }

                    public Tensor jvp(Tensor v) {
                        return linear(claimed).apply(v);
                    }

                    public boolean hasVjp() {
                        return true;
                    }

                    public Tensor vjp(Tensor u) {
                        double[][] t = new Array2DRowRealMatrix(claimed).transpose().getData();
                        return linear(t).apply(u);
                    }

                    public String method() {
                        return "autodiff";
                    }

                    public void close() {}
                });
            }

            public void close() {}
        };
    }

    @Test
    void autodiffProductsAreUsedWhenTheyAgreeWithTheMapAndIgnoredOtherwise() {
        int k = 40;
        double[][] a = jordanBlocks(k, 3);
        LatentMap f = linear(a);
        Spectra.Spectrum right = spectra(f, Optional.of(linearModel(a, a)), new float[][] {new float[k], new float[k]},
                settings(8))[0];
        assertEquals("matrix-free autodiff", right.method());
        assertEquals((3 + Math.sqrt(10)) / 2, right.spectralNorm(), 1e-6, "Lanczos on exact JVPs and VJPs");
        assertTrue(right.matrixFree().normResolved());
        assertTrue(right.matrixFree().normResidual() <= Spectra.NORM_TOLERANCE);
        double[][] wrong = jordanBlocks(k, 1);
        Spectra.Spectrum fallback = spectra(f, Optional.of(linearModel(a, wrong)), new float[][] {new float[k]},
                settings(8))[0];
        assertEquals("matrix-free finite-differences; norm: dense central-differences, Richardson-extrapolated", fallback.method());
        assertEquals((3 + Math.sqrt(10)) / 2, fallback.spectralNorm(), 1e-3, "the map's own Jacobian, not the claimed one");
    }

    @Test
    void manyFixedPointsAreBatchedAndEachGetsItsOwnSpectrum() {
        int k = 50;
        int m = 12;
        float[][] points = new float[m][k];
        double[] expected = new double[m];
        // one linear map at many points: J is the same everywhere, symmetric with eigenvalues 0.2 .. 0.7
        double[] diag = new double[k];
        for (int i = 0; i < k; i++) {
            diag[i] = 0.2 + 0.5 * i / (k - 1);
        }
        double[][] a = similar(orthogonal(k, new Random(6)), diag);
        AtomicInteger calls = new AtomicInteger();
        LatentMap f = z -> {
            calls.incrementAndGet();
            return linear(a).apply(z);
        };
        Random r = new Random(2);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < k; j++) {
                points[i][j] = (float) r.nextGaussian();
            }
            expected[i] = norm(a);
        }
        List<Integer> progress = new java.util.ArrayList<>();
        Spectra.Spectrum[] s = Spectra.of(f, Optional.empty(), Tensor.ofRows(points), new Spectra.Settings(8, 4, 30, 1, 3000, 0,
                1e-3, 1024), NO_CHECK, progress::add);
        for (int i = 0; i < m; i++) {
            assertEquals(0.7, s[i].spectralRadius(), 1e-3, "point " + i);
            assertTrue(s[i].spectralNorm() <= expected[i] + 1e-3, "a lower bound (denseNormMax 0)");
        }
        int perPoint = s[0].matrixFree().products();
        assertTrue(calls.get() < perPoint * 2, "one map call serves every point of a round: " + calls.get() + " calls, "
                + perPoint + " products per point");
        assertEquals(m, progress.stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void nonFiniteProductsAndAFailingLinearisationLeaveTheSpectrumUndeterminedOrFallBack() {
        int k = 30;
        LatentMap nan = z -> {
            float[] out = new float[z.data().length];
            Arrays.fill(out, Float.NaN);
            return Tensor.matrix(z.rows(), k, out);
        };
        Spectra.Spectrum s = spectra(nan, Optional.empty(), new float[][] {new float[k]}, settings(8))[0];
        assertEquals(FixedPointKind.UNDETERMINED, s.kind());
        assertTrue(Double.isNaN(s.spectralRadius()));
        // a backend whose linearisation throws (an operation without a second derivative): differences instead
        double[][] a = jordanBlocks(k, 3);
        LatentModel broken = new LatentModel() {
            public ModelSpec spec() {
                return new ModelSpec(java.nio.file.Path.of("."), "broken", new int[] {k}, k, "e", "d", null);
            }

            public Tensor encode(Tensor x) {
                return linear(a).apply(x);
            }

            public Tensor decode(Tensor z) {
                return z;
            }

            public Optional<LinearizedMap> linearize(Tensor points) {
                throw new IllegalStateException("no double backward for this operation");
            }

            public void close() {}
        };
        Spectra.Spectrum f = spectra(linear(a), Optional.of(broken), new float[][] {new float[k]}, settings(8))[0];
        assertEquals("matrix-free finite-differences; norm: dense central-differences, Richardson-extrapolated", f.method());
        assertEquals((3 + Math.sqrt(10)) / 2, f.spectralNorm(), 1e-3);
    }

    @Test
    void aCheckpointThatThrowsStopsTheSpectra() {
        int k = 40;
        AtomicInteger n = new AtomicInteger();
        Runnable cancelAfter3 = () -> {
            if (n.incrementAndGet() > 3) {
                throw new CancellationException("cancelled");
            }
        };
        assertThrows(CancellationException.class, () -> Spectra.of(linear(jordanBlocks(k, 1)), Optional.empty(),
                Tensor.ofRows(new float[][] {new float[k]}), settings(8), cancelAfter3, x -> {}));
    }

    @Test
    void anAnalysisAboveTheDenseSizeReportsResolvedEigenvaluesResidualsAndProducts() {
        int k = 80;
        TanhMap f = tanhContraction(k, 1.0, 7);
        float[] z = new float[k];
        double[][] jac = f.jacobianAtFixedPoint(z);
        float[][] seeds = AnalysisTest.gaussianSeeds(20, k, 4, 1);
        Analysis.Outcome o = Analysis.run(new Analysis.Inputs(f, Tensor.ofRows(seeds),
                AnalysisTest.choice("picard", (IterationStrategy) new PicardIteration(), Map.of()),
                AnalysisTest.choice("euclidean", (AttractorClusterer) new EuclideanClusterer(), Map.of()), List.of(),
                Optional.empty(), Optional.empty(), 100, settings(32)), AnalysisTest.QUIET);
        assertEquals(1, o.attractors().size());
        Attractor at = o.attractors().get(0);
        assertEquals(radius(jac), at.spectralRadius(), 1e-3);
        assertEquals(norm(jac), at.spectralNorm(), 1e-3);
        assertEquals(FixedPointKind.ATTRACTOR, at.kind());
        assertEquals("matrix-free finite-differences; norm: dense central-differences, Richardson-extrapolated", at.jacobian());
        assertEquals(List.of("eigenvaluesResolved", "eigenvalueResiduals", "spectralNormResidual", "jacobianProducts"),
                List.copyOf(at.fields().keySet()));
        long resolved = ((FieldValue.Int) at.fields().get("eigenvaluesResolved")).value();
        assertTrue(resolved >= 1 && resolved <= at.eigenvaluesReal().length);
        assertEquals(at.eigenvaluesReal().length, ((FieldValue.Reals) at.fields().get("eigenvalueResiduals")).values().length);
        // predicted steps use the matrix-free ρ: the linear rate is close to what the seeds took
        assertEquals(at.meanSteps(), at.predictedSteps(), 0.35 * at.meanSteps());
    }

    static org.latentlab.numerics.KrylovSpectra.Eigenvalues eigenvalues(double[] moduli, double[] residuals, double tol) {
        int resolved = (int) Arrays.stream(residuals).filter(r -> r <= tol).count();
        return new org.latentlab.numerics.KrylovSpectra.Eigenvalues(moduli, new double[moduli.length], residuals, resolved,
                100, Double.NaN, false);
    }

    /** Above resolveMax the leading eigenvalue needs only the radius tolerance, and a band of its residual round 1. */
    @Test
    void theKindFollowsTheLeadingResidualAndTheBandItLeavesRoundTheCircle() {
        double tol = Spectra.AUTODIFF_TOLERANCE;
        double rtol = Spectra.RADIUS_TOLERANCE;
        int k = 10_000;
        var inside = eigenvalues(new double[] {0.99, 0.5}, new double[] {5e-4, 5e-4}, tol);
        assertEquals(FixedPointKind.ATTRACTOR, Spectra.kind(inside, 1.2, false, tol, rtol, k), "0.99 ± 5e-4 is inside");
        assertEquals(FixedPointKind.UNDETERMINED, Spectra.kind(inside, 1.2, false, tol, tol, k),
                "with every eigenvalue to be resolved, 5e-4 is not");
        assertEquals(FixedPointKind.ATTRACTOR, Spectra.kind(inside, 0.9, true, tol, tol, k), "a resolved norm below 1 decides");
        var straddling = eigenvalues(new double[] {1 - 3e-4, 0.5}, new double[] {5e-4, 1e-6}, tol);
        assertEquals(FixedPointKind.UNDETERMINED, Spectra.kind(straddling, 1.2, false, tol, rtol, k),
                "1 − 3e-4 ± 5e-4 may lie on either side");
        var outside = eigenvalues(new double[] {1.0004, 0.5}, new double[] {1e-6, 1e-6}, tol);
        assertEquals(FixedPointKind.SADDLE, Spectra.kind(outside, 1.2, false, tol, rtol, k), "1.0004 ± 1e-6, 0.5 inside");
        var rough = eigenvalues(new double[] {0.5, 0.4}, new double[] {2e-3, 2e-3}, tol);
        assertEquals(FixedPointKind.UNDETERMINED, Spectra.kind(rough, 1.2, false, tol, rtol, k), "above the radius tolerance");
    }

    /**
     * S B S⁻¹: B block-diagonal pairs r_p e^{±iθ_p}, r_p from top down by 2 % (a thin ring); S = U Σ Vᵀ with singular
     * values from 1 to {@code cond} (non-normal, eigenvalues those of B, each within cond · residual of a Ritz value).
     */
    static double[][] nonNormalRing(int k, double top, double cond, Random r) {
        double[][] b = new double[k][k];
        for (int p = 0; p < k / 2; p++) {
            double m = top * (1 - 0.02 * p / (k / 2 - 1));
            double th = 2 * Math.PI * r.nextDouble();
            b[2 * p][2 * p] = m * Math.cos(th);
            b[2 * p][2 * p + 1] = -m * Math.sin(th);
            b[2 * p + 1][2 * p] = m * Math.sin(th);
            b[2 * p + 1][2 * p + 1] = m * Math.cos(th);
        }
        var u = orthogonalMatrix(k, r);
        var v = orthogonalMatrix(k, r);
        double[] sigma = new double[k];
        for (int i = 0; i < k; i++) {
            sigma[i] = 1 + (cond - 1) * i / (k - 1);
        }
        var s = u.multiply(new org.apache.commons.math3.linear.DiagonalMatrix(sigma)).multiply(v.transpose());
        var sInv = v.multiply(new org.apache.commons.math3.linear.DiagonalMatrix(Arrays.stream(sigma).map(x -> 1 / x).toArray()))
                .multiply(u.transpose());
        return s.multiply(new Array2DRowRealMatrix(b, false)).multiply(sInv).getData();
    }

    static org.apache.commons.math3.linear.RealMatrix orthogonalMatrix(int k, Random r) {
        double[][] g = new double[k][k];
        for (double[] row : g) {
            for (int j = 0; j < k; j++) {
                row[j] = r.nextGaussian();
            }
        }
        return new QRDecomposition(new Array2DRowRealMatrix(g, false)).getQ();
    }

    /**
     * Above resolveMax (set to 0 here) the eigenvalues stop once ρ is resolved to 1e-3 and clear of the circle: a thin
     * non-normal ring (‖J‖ above 1, so the norm cannot decide) with ρ = 0.6 takes fewer products than resolving six, ρ
     * within 1e-3; with ρ = 1 − 1.5e-4 the circle is within the radius tolerance, so the leading eigenvalue is resolved
     * to autograd's 1e-5 and the point is still an attractor.
     */
    @Test
    void aboveResolveMaxTheRadiusAloneIsResolvedUnlessItIsNearOne() {
        int k = 160;
        for (double top : new double[] {0.6, 1 - 1.5e-4}) {
            double[][] a = nonNormalRing(k, top, 3, new Random(5));
            double norm = new SingularValueDecomposition(new Array2DRowRealMatrix(a)).getNorm();
            assertTrue(norm > 1, "the norm does not decide: " + norm);
            LatentModel model = linearModel(a, a);
            Spectra.Settings all = new Spectra.Settings(8, 6, 40, 1, 3000, 0, 1e-3, 1024);
            Spectra.Spectrum full = spectra(linear(a), Optional.of(model), new float[][] {new float[k]}, all)[0];
            Spectra.Spectrum fast = spectra(linear(a), Optional.of(model), new float[][] {new float[k]}, all.withResolveMax(0))[0];
            assertEquals("matrix-free autodiff", fast.method());
            assertEquals(top, full.spectralRadius(), 1e-3, "ρ within 1e-3, all resolved");
            assertEquals(top, fast.spectralRadius(), 1e-3, "ρ within 1e-3, " + fast.matrixFree().eigenProducts() + " vs "
                    + full.matrixFree().eigenProducts() + " products, residual " + fast.matrixFree().residuals()[0]);
            assertEquals(FixedPointKind.ATTRACTOR, full.kind());
            assertEquals(FixedPointKind.ATTRACTOR, fast.kind(), "ρ = " + top + ", leading residual " + fast.matrixFree().residuals()[0]);
            double r0 = fast.matrixFree().residuals()[0];
            if (top < 0.9) {
                assertTrue(fast.matrixFree().eigenProducts() < full.matrixFree().eigenProducts(),
                        fast.matrixFree().eigenProducts() + " vs " + full.matrixFree().eigenProducts());
                assertTrue(r0 <= Spectra.RADIUS_TOLERANCE && r0 > Spectra.AUTODIFF_TOLERANCE, "resolved for ρ only: " + r0);
            } else {
                assertTrue(r0 <= Spectra.AUTODIFF_TOLERANCE, "near 1: resolved to the products' accuracy: " + r0);
            }
            assertEquals(Arrays.stream(fast.matrixFree().residuals()).filter(x -> x <= Spectra.AUTODIFF_TOLERANCE).count(),
                    fast.matrixFree().resolved(), "resolved counts what is within 1e-5, honestly");
        }
    }
}
