package org.latentlab.numerics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;
import org.latentlab.api.LatentLabException;

class PcaTest {

    /** Standard deviations 1, 5, 0.2, 2 along the axes: the components are axes 1, 3, 0, 2 in that order. */
    @Test
    void anAxisAlignedAnisotropicGaussianGivesTheAxesInOrderOfVariance() {
        double[] sd = {1, 5, 0.2, 2};
        int n = 20000;
        int k = 4;
        SplittableRandom r = new SplittableRandom(8);
        float[] pts = new float[n * k];
        for (int a = 0; a < n; a++) {
            for (int c = 0; c < k; c++) {
                pts[a * k + c] = (float) (10 + c + sd[c] * Gaussian.next(r));
            }
        }
        Pca pca = Pca.fit(pts, n, k, 4);
        int[] axes = {1, 3, 0, 2};
        double total = 25 + 1 + 0.04 + 4;
        for (int i = 0; i < 4; i++) {
            assertEquals(1, pca.components()[i * k + axes[i]], 1e-2, "component " + i + " is +axis " + axes[i]);
            assertEquals(sd[axes[i]] * sd[axes[i]], pca.variances()[i], 0.05 * sd[axes[i]] * sd[axes[i]]);
            assertEquals(sd[axes[i]] * sd[axes[i]] / total, pca.explainedVarianceRatio()[i], 0.01);
            assertEquals(10 + i, pca.mean()[i], 0.1);
        }
        assertEquals(1, java.util.Arrays.stream(pca.explainedVarianceRatio()).sum(), 1e-9);
        assertEquals(2, Pca.fit(pts, n, k, 2).components().length / k);
        assertEquals(2, Pca.rankForVariance(pts, n, k, 0.9, true), "25 + 4 of 30.04 is 96%; 25 alone 83%");
        assertEquals(1, Pca.rankForVariance(pts, n, k, 0.8, true));
    }

    /** Independent check: the variances are σ²/(n − 1) of the centred data's SVD and the components its right singular vectors. */
    @Test
    void matchesTheSvdOfTheCentredData() {
        int n = 300;
        int k = 6;
        SplittableRandom r = new SplittableRandom(12);
        float[] pts = new float[n * k];
        float[] mix = new float[k * k];
        Gaussian.fill(r, mix, 0, 1);
        double[][] x = new double[n][k];
        double[] mu = new double[k];
        for (int a = 0; a < n; a++) {
            double[] z = new double[k];
            for (int c = 0; c < k; c++) {
                z[c] = Gaussian.next(r);
            }
            for (int c = 0; c < k; c++) {
                double v = 1;
                for (int j = 0; j < k; j++) {
                    v += mix[c * k + j] * z[j] * (j + 1);
                }
                pts[a * k + c] = (float) v;
                mu[c] += pts[a * k + c] / (double) n;
            }
        }
        for (int a = 0; a < n; a++) {
            for (int c = 0; c < k; c++) {
                x[a][c] = pts[a * k + c] - mu[c];
            }
        }
        SingularValueDecomposition svd = new SingularValueDecomposition(new Array2DRowRealMatrix(x));
        Pca pca = Pca.fit(pts, n, k, k);
        double[] sv = svd.getSingularValues();
        for (int i = 0; i < k; i++) {
            assertEquals(sv[i] * sv[i] / (n - 1), pca.variances()[i], 1e-9 * sv[0] * sv[0]);
            double dot = 0;
            for (int c = 0; c < k; c++) {
                dot += pca.components()[i * k + c] * svd.getV().getEntry(c, i);
            }
            assertEquals(1, Math.abs(dot), 1e-5, "component " + i);
            int big = 0;
            for (int c = 1; c < k; c++) {
                big = Math.abs(pca.components()[i * k + c]) > Math.abs(pca.components()[i * k + big]) ? c : big;
            }
            assertTrue(pca.components()[i * k + big] > 0, "largest coordinate positive");
        }
        // the rank for each fraction, counted from the SVD
        double total = 0;
        for (double s : sv) {
            total += s * s;
        }
        for (double f : new double[] {0.1, 0.5, 0.9, 0.99, 1.0}) {
            int expect = 0;
            double sum = 0;
            while (sum < f * total * (1 - 1e-12)) {
                sum += sv[expect] * sv[expect];
                expect++;
            }
            assertEquals(expect, Pca.rankForVariance(pts, n, k, f, true), "fraction " + f);
        }
    }

    @Test
    void pointsOnALineHaveRankOne() {
        int n = 50;
        int k = 7;
        float[] pts = new float[n * k];
        for (int a = 0; a < n; a++) {
            for (int c = 0; c < k; c++) {
                pts[a * k + c] = (float) (3 + c + (a - 20) * 0.5 * (c % 3 - 1.0 / 3)); // a line through (3, 4, ..., 9)
            }
        }
        assertEquals(1, Pca.rankForVariance(pts, n, k, 0.9, true));
        assertEquals(1, Pca.rankForVariance(pts, n, k, 1.0, true), "the slack keeps rounding out of the rank");
        assertEquals(2, Pca.rankForVariance(pts, n, k, 1.0, false), "around the origin the line spans a plane");
        // fewer points than dimensions: the n × n Gram matrix
        assertEquals(1, Pca.rankForVariance(java.util.Arrays.copyOf(pts, 3 * k), 3, k, 1.0, true));
    }

    /** Rows 10·e1, 3·e2, e3 uncentred: σ² = 100, 9, 1 of 110. */
    @Test
    void uncentredRankCountsSquaredSingularValues() {
        float[] pts = {10, 0, 0, 0, 3, 0, 0, 0, 1};
        assertEquals(1, Pca.rankForVariance(pts, 3, 3, 0.9, false)); // 100 ≥ 99
        assertEquals(2, Pca.rankForVariance(pts, 3, 3, 0.95, false)); // 100 < 104.5 ≤ 109
        assertEquals(3, Pca.rankForVariance(pts, 3, 3, 1.0, false));
        assertEquals(0, Pca.rankForVariance(new float[6], 2, 3, 0.9, false), "the zero matrix holds nothing");
        assertEquals(0, Pca.rankForVariance(new float[] {1, 2, 1, 2}, 2, 2, 0.9, true), "coinciding points have no variance");
    }

    @Test
    void coincidingPointsHaveZeroVarianceAndRatios() {
        Pca pca = Pca.fit(new float[] {1, 2, 1, 2, 1, 2}, 3, 2, 2);
        assertArrayEquals(new double[] {0, 0}, pca.variances());
        assertArrayEquals(new double[] {0, 0}, pca.explainedVarianceRatio());
        assertArrayEquals(new float[] {1, 2}, pca.mean());
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(LatentLabException.class, () -> Pca.fit(new float[] {1, 2}, 1, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> Pca.fit(new float[] {1, 2, 3, 4}, 2, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> Pca.rankForVariance(new float[] {1, 2}, 1, 2, 0, true));
        assertThrows(LatentLabException.class, () -> Pca.rankForVariance(new float[] {1, Float.NaN}, 1, 2, 0.9, true));
    }
}
