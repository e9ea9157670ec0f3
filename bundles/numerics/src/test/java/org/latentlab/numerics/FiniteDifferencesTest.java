package org.latentlab.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.LatentMap;

class FiniteDifferencesTest {

    /** f(z) = A z + b: J = A everywhere. */
    static LatentMap affine(double[][] a, double[] b, int[] calls) {
        int k = b.length;
        return z -> {
            calls[0]++;
            float[] out = new float[z.data().length];
            for (int r = 0; r < z.rows(); r++) {
                for (int i = 0; i < k; i++) {
                    double s = b[i];
                    for (int j = 0; j < k; j++) {
                        s += a[i][j] * z.data()[r * k + j];
                    }
                    out[r * k + i] = (float) s;
                }
            }
            return Tensor.matrix(z.rows(), k, out);
        };
    }

    @Test
    void affineMapsHaveTheirMatrixAsJacobianEverywhere() {
        double[][] a = {{0.5, -0.2, 0.1}, {0.3, 0.9, 0}, {-0.4, 0.25, 0.7}};
        int[] calls = {0};
        LatentMap f = affine(a, new double[] {1, -2, 0.5}, calls);
        int n = 5;
        int k = 3;
        float[] z = new float[n * k];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (i * 0.37 - 2);
        }
        double[][][] c = FiniteDifferences.central(f, z, n, k, 1e-3);
        float[] fz = f.apply(Tensor.matrix(n, k, z)).data();
        float[][] fw = FiniteDifferences.forward(f, z, fz, n, k, 1e-3);
        for (int p = 0; p < n; p++) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    assertEquals(a[i][j], c[p][i][j], 1e-3, "central J[" + i + "][" + j + "] at point " + p);
                    assertEquals(a[i][j], fw[p][i * k + j], 1e-2, "forward J[" + i + "][" + j + "] at point " + p);
                }
            }
        }
    }

    @Test
    void nonlinearMapsMatchTheirAnalyticJacobianAndCentralIsMoreAccurate() {
        // f(z) = tanh(z) coordinate-wise: J = diag(1 - tanh²(z))
        LatentMap f = z -> {
            float[] out = new float[z.data().length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) Math.tanh(z.data()[i]);
            }
            return new Tensor(z.shape(), out);
        };
        float[] z = {0.3f, -1.1f};
        float[] fz = f.apply(Tensor.matrix(1, 2, z)).data();
        double[][][] c = FiniteDifferences.central(f, z, 1, 2, 1e-2);
        float[][] fw = FiniteDifferences.forward(f, z, fz, 1, 2, 1e-2);
        for (int j = 0; j < 2; j++) {
            double exact = 1 - Math.pow(Math.tanh(z[j]), 2);
            assertEquals(exact, c[0][j][j], 1e-4);
            assertEquals(0, c[0][1 - j][j], 1e-6);
            assertTrue(Math.abs(c[0][j][j] - exact) < Math.abs(fw[0][j * 2 + j] - exact), "central error O(h^2) < forward O(h)");
        }
    }

    @Test
    void tinyStepsAreFlooredToWhatFloat32CanRepresent() {
        double[][] a = {{2}};
        int[] calls = {0};
        LatentMap f = affine(a, new double[] {0}, calls);
        float[] z = {1000f};
        float[] fz = f.apply(Tensor.matrix(1, 1, z)).data();
        // relStep 1e-12 would not move 1000f at all; the floor keeps the Jacobian finite and right
        assertEquals(2, FiniteDifferences.forward(f, z, fz, 1, 1, 1e-12)[0][0], 1e-3);
        assertEquals(2, FiniteDifferences.central(f, z, 1, 1, 1e-12)[0][0][0], 1e-3);
    }

    @Test
    void manyPointsAreSplitIntoBoundedMapCalls() {
        int k = 64;
        int n = 2 * FiniteDifferences.MAX_VALUES_PER_CALL / (2 * k * k) + 3; // needs three calls for central
        double[][] a = new double[k][k];
        for (int i = 0; i < k; i++) {
            a[i][i] = 0.5;
            a[i][(i + 1) % k] = 0.1;
        }
        int[] calls = {0};
        LatentMap f = affine(a, new double[k], calls);
        double[][][] c = FiniteDifferences.central(f, new float[n * k], n, k, 1e-3);
        assertEquals(3, calls[0]);
        assertEquals(0.1, c[n - 1][3][4], 1e-4);
        assertEquals(0.5, c[n - 1][5][5], 1e-4);
    }

    @Test
    void gaussianDrawsHaveMeanAndSpreadAndRepeatFromTheSeed() {
        float[] x = new float[200_001];
        Gaussian.fill(new SplittableRandom(3), x, 2, 0.5);
        double m = 0;
        for (float v : x) {
            m += v / x.length;
        }
        double var = 0;
        for (float v : x) {
            var += (v - m) * (v - m) / x.length;
        }
        assertEquals(2, m, 0.01);
        assertEquals(0.25, var, 0.01);
        float[] y = new float[x.length];
        Gaussian.fill(new SplittableRandom(3), y, 2, 0.5);
        assertTrue(java.util.Arrays.equals(x, y), "same seed, same draws");
    }
}
