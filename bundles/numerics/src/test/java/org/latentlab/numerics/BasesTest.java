package org.latentlab.numerics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BasesTest {

    @Test
    void randomBasesAreOrthonormalAndDependOnlyOnTheSeed() {
        for (int k : new int[] {1, 2, 7, 64}) {
            float[] b = Bases.randomOrthonormal(k, 42);
            double worst = 0;
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    double d = 0;
                    for (int c = 0; c < k; c++) {
                        d += (double) b[i * k + c] * b[j * k + c];
                    }
                    worst = Math.max(worst, Math.abs(d - (i == j ? 1 : 0)));
                }
            }
            assertEquals(0, worst, 1e-6, "‖QᵀQ − I‖max for k = " + k);
            assertArrayEquals(b, Bases.randomOrthonormal(k, 42));
        }
        assertFalse(Arrays.equals(Bases.randomOrthonormal(8, 1), Bases.randomOrthonormal(8, 2)));
    }

    /** Haar measure: the first basis vector is uniform on the sphere, so each coordinate has mean 0 and mean square 1/k. */
    @Test
    void randomBasesHaveNoPreferredDirection() {
        int k = 4;
        int trials = 4000;
        double[] mean = new double[k];
        double[] square = new double[k];
        for (int t = 0; t < trials; t++) {
            float[] b = Bases.randomOrthonormal(k, t);
            for (int c = 0; c < k; c++) {
                mean[c] += b[c] / trials;
                square[c] += b[c] * b[c] / trials;
            }
        }
        for (int c = 0; c < k; c++) {
            assertEquals(0, mean[c], 0.05, "coordinate " + c); // sd of the mean: sqrt(1/4/4000) = 0.008
            assertEquals(1.0 / k, square[c], 0.03, "coordinate " + c);
        }
    }

    @Test
    void projectionKeepsTheSpanAndRemovesTheRest() {
        int k = 5;
        float[] basis = Bases.randomOrthonormal(k, 3);
        float[] pts = new float[20 * k];
        Gaussian.fill(new SplittableRandom(4), pts, 0, 3);
        float[] all = Bases.project(pts, 20, k, basis, k, null);
        for (int i = 0; i < pts.length; i++) {
            assertEquals(pts[i], all[i], 1e-5, "a full basis reproduces the point");
        }
        float[] two = Bases.project(pts, 20, k, basis, 2, null);
        for (int a = 0; a < 20; a++) {
            for (int i = 0; i < k; i++) { // the residual is orthogonal to the kept rows, the projection to the others
                double resid = 0;
                double proj = 0;
                for (int c = 0; c < k; c++) {
                    resid += (pts[a * k + c] - two[a * k + c]) * basis[i * k + c];
                    proj += two[a * k + c] * basis[i * k + c];
                }
                if (i < 2) {
                    assertEquals(0, resid, 1e-5);
                } else {
                    assertEquals(0, proj, 1e-5);
                }
            }
        }
        float[] e1 = {1, 0, 0, 0, 0};
        float[] mean = {0, 2, 0, 0, 1};
        assertArrayEquals(new float[] {3, 2, 0, 0, 1}, Bases.project(new float[] {3, 5, 6, 7, 8}, 1, k, e1, 1, mean));
        assertThrows(IllegalArgumentException.class, () -> Bases.project(pts, 20, k, new float[] {1, 0, 0, 0, 0, 1, 0, 0, 0, 0},
                2, null), "rows that are not orthonormal");
    }
}
