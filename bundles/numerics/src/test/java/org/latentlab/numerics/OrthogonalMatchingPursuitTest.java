package org.latentlab.numerics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.junit.jupiter.api.Test;
import org.latentlab.api.LatentLabException;

class OrthogonalMatchingPursuitTest {

    @Test
    void orthonormalAtomsRecoverTheExactCodeAndStopAtItsSupport() {
        int k = 16;
        float[] basis = orthonormalRows(new SplittableRandom(3), k);
        double[] x = new double[k];
        x[2] = 3;
        x[7] = -1.5;
        x[11] = 0.75;
        x[14] = -0.25;
        float[] y = combine(basis, k, x);
        OrthogonalMatchingPursuit omp = OrthogonalMatchingPursuit.of(basis, k, k);
        // orthonormal atoms: the pursuit takes them by decreasing |coefficient|
        OrthogonalMatchingPursuit.Code c = omp.encode(y, 4);
        assertArrayEquals(new int[] {2, 7, 11, 14}, c.atoms());
        assertArrayEquals(new double[] {3, -1.5, 0.75, -0.25}, c.coefficients(), 1e-5);
        assertEquals(0, c.residualNorm(), 1e-5);
        OrthogonalMatchingPursuit.Code two = omp.encode(y, 2);
        assertArrayEquals(new int[] {2, 7}, two.atoms());
        assertArrayEquals(new double[] {3, -1.5}, two.coefficients(), 1e-5);
        assertEquals(Math.sqrt(0.75 * 0.75 + 0.25 * 0.25), two.residualNorm(), 1e-5);
        assertArrayEquals(new int[] {2, 7, 11, 14}, omp.encode(y, 10).atoms(), "stops once the residual is ~0");
    }

    @Test
    void aRandomIncoherentDictionaryRecoversThreeSparseCodes() {
        SplittableRandom r = new SplittableRandom(17);
        int k = 128;
        int m = 256;
        float[] raw = new float[m * k];
        Gaussian.fill(r, raw, 0, 1);
        OrthogonalMatchingPursuit omp = OrthogonalMatchingPursuit.of(OrthogonalMatchingPursuit.normalizeRows(raw, m, k), m, k);
        float[] d = OrthogonalMatchingPursuit.normalizeRows(raw, m, k);
        for (int trial = 0; trial < 30; trial++) {
            double[] x = new double[m];
            int[] support = r.ints(0, m).distinct().limit(3).sorted().toArray();
            for (int a : support) {
                x[a] = (1 + r.nextDouble()) * (r.nextBoolean() ? 1 : -1);
            }
            OrthogonalMatchingPursuit.Code c = omp.encode(combine(d, k, x), 3);
            int[] got = c.atoms().clone();
            Arrays.sort(got);
            assertArrayEquals(support, got, "trial " + trial);
            for (int i = 0; i < 3; i++) {
                assertEquals(x[c.atoms()[i]], c.coefficients()[i], 1e-5, "trial " + trial);
            }
            assertTrue(c.residualNorm() < 1e-5, "trial " + trial + ": residual " + c.residualNorm());
        }
    }

    /** A generic (not sparse) signal: the residual is orthogonal to the chosen atoms, and x is Commons Math's least squares. */
    @Test
    void coefficientsAreTheLeastSquaresFitAndTheResidualIsOrthogonalToTheChosenAtoms() {
        SplittableRandom r = new SplittableRandom(23);
        int k = 20;
        int m = 40;
        float[] raw = new float[m * k];
        Gaussian.fill(r, raw, 0, 1);
        float[] d = OrthogonalMatchingPursuit.normalizeRows(raw, m, k);
        OrthogonalMatchingPursuit omp = OrthogonalMatchingPursuit.of(d, m, k);
        for (int trial = 0; trial < 20; trial++) {
            float[] y = new float[k];
            Gaussian.fill(r, y, 0, 2);
            int s = 1 + trial % 8;
            OrthogonalMatchingPursuit.Code c = omp.encode(y, s);
            assertEquals(s, c.atoms().length);
            assertEquals(s, Arrays.stream(c.atoms()).distinct().count(), "atoms are chosen once");
            RealMatrix a = new Array2DRowRealMatrix(k, s);
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < k; j++) {
                    a.setEntry(j, i, d[c.atoms()[i] * k + j]);
                }
            }
            RealVector yv = new ArrayRealVector(toDouble(y));
            RealVector ls = new QRDecomposition(a).getSolver().solve(yv);
            assertArrayEquals(ls.toArray(), c.coefficients(), 1e-9, "trial " + trial);
            RealVector residual = yv.subtract(new ArrayRealVector(c.approximation()));
            assertEquals(residual.getNorm(), c.residualNorm(), 1e-12);
            for (int i = 0; i < s; i++) {
                assertEquals(0, residual.dotProduct(a.getColumnVector(i)), 1e-9, "trial " + trial + ", atom " + i);
            }
            // the first choice is the atom most correlated with y itself
            int first = 0;
            for (int a2 = 1; a2 < m; a2++) {
                if (Math.abs(yv.dotProduct(row(d, a2, k))) > Math.abs(yv.dotProduct(row(d, first, k)))) {
                    first = a2;
                }
            }
            assertEquals(first, c.atoms()[0]);
        }
    }

    /** Six atoms in a 3-D subspace of R^8: at most 3 are ever used, and the approximation is the projection. */
    @Test
    void sparsityAboveTheRankOfTheDictionaryStopsAtTheRank() {
        int k = 8;
        float[] d = new float[6 * k];
        double[][] plane = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 0}, {0, 1, -1}, {1, 1, 1}};
        for (int a = 0; a < 6; a++) {
            for (int j = 0; j < 3; j++) {
                d[a * k + j] = (float) plane[a][j];
            }
        }
        OrthogonalMatchingPursuit omp = OrthogonalMatchingPursuit.of(OrthogonalMatchingPursuit.normalizeRows(d, 6, k), 6, k);
        float[] y = {1, 2, 3, 4, 5, 6, 7, 8};
        OrthogonalMatchingPursuit.Code c = omp.encode(y, 6);
        assertEquals(3, c.atoms().length, Arrays.toString(c.atoms()));
        assertArrayEquals(new double[] {1, 2, 3, 0, 0, 0, 0, 0}, c.approximation(), 1e-6);
        assertEquals(Math.sqrt(16 + 25 + 36 + 49 + 64), c.residualNorm(), 1e-6);
        OrthogonalMatchingPursuit.Code zero = omp.encode(new float[k], 3);
        assertEquals(0, zero.atoms().length, "the zero signal needs no atom");
        assertEquals(0, zero.residualNorm());
    }

    @Test
    void duplicateAtomsAreNeverBothChosenAndTiesGoToTheLowerIndex() {
        float[] d = {0, 1, 1, 0, 1, 0, 0.6f, 0.8f};
        OrthogonalMatchingPursuit omp = OrthogonalMatchingPursuit.of(d, 4, 2);
        OrthogonalMatchingPursuit.Code c = omp.encode(new float[] {2, 0.5f}, 4);
        assertEquals(1, c.atoms()[0], "atoms 1 and 2 tie; the lower index wins");
        assertEquals(2, c.atoms().length);
        assertTrue(c.atoms()[1] != 2, "the duplicate of a chosen atom has no correlation left");
        assertEquals(0, c.residualNorm(), 1e-6);
    }

    @Test
    void batchesMatchOneByOneOnAnyExecutor() {
        SplittableRandom r = new SplittableRandom(31);
        int k = 12;
        int m = 30;
        int n = 150;
        float[] raw = new float[m * k];
        Gaussian.fill(r, raw, 0, 1);
        OrthogonalMatchingPursuit omp = OrthogonalMatchingPursuit.of(OrthogonalMatchingPursuit.normalizeRows(raw, m, k), m, k);
        float[] ys = new float[n * k];
        Gaussian.fill(r, ys, 0, 1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (OrthogonalMatchingPursuit.Codes all : new OrthogonalMatchingPursuit.Codes[] {omp.encodeAll(ys, n, 5, pool),
                    omp.encodeAll(ys, n, 5, null)}) {
                for (int i = 0; i < n; i++) {
                    OrthogonalMatchingPursuit.Code one = omp.encode(Arrays.copyOfRange(ys, i * k, (i + 1) * k), 5);
                    assertArrayEquals(one.atoms(), all.codes().get(i).atoms());
                    assertArrayEquals(one.coefficients(), all.codes().get(i).coefficients());
                    for (int j = 0; j < k; j++) {
                        assertEquals((float) one.approximation()[j], all.approximations()[i * k + j]);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badDictionariesAndSignalsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OrthogonalMatchingPursuit.of(new float[] {1, 0, 1, 1}, 2, 2));
        assertTrue(e.getMessage().contains("atom 1") && e.getMessage().contains("normalizeRows"), e.getMessage());
        LatentLabException z = assertThrows(LatentLabException.class,
                () -> OrthogonalMatchingPursuit.normalizeRows(new float[] {1, 0, 0, 0}, 2, 2));
        assertTrue(z.getMessage().contains("row 1"), z.getMessage());
        OrthogonalMatchingPursuit omp = OrthogonalMatchingPursuit.of(new float[] {1, 0}, 1, 2);
        assertThrows(LatentLabException.class, () -> omp.encode(new float[] {Float.NaN, 0}, 1));
        assertThrows(IllegalArgumentException.class, () -> omp.encode(new float[] {1, 0, 0}, 1));
        assertThrows(IllegalArgumentException.class, () -> omp.encode(new float[] {1, 0}, 0));
        assertThrows(IllegalArgumentException.class, () -> omp.withTolerance(-1));
    }

    /** Rows of the Q of a Gaussian matrix (Commons Math QR): an orthonormal basis independent of Bases. */
    static float[] orthonormalRows(SplittableRandom r, int k) {
        RealMatrix g = new Array2DRowRealMatrix(k, k);
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                g.setEntry(i, j, Gaussian.next(r));
            }
        }
        RealMatrix q = new QRDecomposition(g).getQ();
        float[] out = new float[k * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                out[i * k + j] = (float) q.getEntry(j, i);
            }
        }
        return out;
    }

    static float[] combine(float[] atoms, int k, double[] x) {
        double[] y = new double[k];
        for (int a = 0; a < x.length; a++) {
            for (int j = 0; j < k; j++) {
                y[j] += x[a] * atoms[a * k + j];
            }
        }
        float[] out = new float[k];
        for (int j = 0; j < k; j++) {
            out[j] = (float) y[j];
        }
        return out;
    }

    static double[] toDouble(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    static RealVector row(float[] d, int a, int k) {
        return new ArrayRealVector(toDouble(Arrays.copyOfRange(d, a * k, (a + 1) * k)));
    }
}
