package org.latentlab.numerics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.junit.jupiter.api.Test;
import org.latentlab.api.LatentLabException;

class SparsityTest {

    @Test
    void knownValues() {
        assertEquals(1.0, Sparsity.hoyer(new float[] {0, 0, -3, 0}), "1-sparse");
        assertEquals(0.0, Sparsity.hoyer(new float[] {2, 2, 2, 2, 2}), 1e-15, "constant");
        assertEquals(0.0, Sparsity.hoyer(new float[] {1, -1, 1, -1}), 1e-15, "equal magnitudes");
        // (1, 1, 0, 0): ‖x‖₁ = 2, ‖x‖₂ = √2, n = 4: (2 − √2) / (2 − 1)
        assertEquals(2 - Math.sqrt(2), Sparsity.hoyer(new float[] {1, 1, 0, 0}), 1e-15);
        assertEquals(0.0, Sparsity.hoyer(new float[3]), "the zero vector is defined as 0");
        assertEquals(1.0, Sparsity.hoyer(new float[] {-4}), "one non-zero coordinate");
        assertEquals(0.0, Sparsity.hoyer(new float[] {0}));
    }

    @Test
    void invariantToScaleAndSignAndBetweenZeroAndOne() {
        SplittableRandom r = new SplittableRandom(6);
        for (int t = 0; t < 200; t++) {
            int n = 2 + r.nextInt(50);
            float[] x = new float[n];
            Gaussian.fill(r, x, 0, 1);
            for (int i = 0; i < n; i++) {
                x[i] = r.nextInt(3) == 0 ? 0 : x[i]; // some exact zeros
            }
            x[0] = 1; // never the zero vector
            float[] y = new float[n];
            for (int i = 0; i < n; i++) {
                y[i] = -8 * x[i];
            }
            double h = Sparsity.hoyer(x);
            assertTrue(h >= 0 && h <= 1, "in [0, 1]: " + h);
            assertEquals(h, Sparsity.hoyer(y), 1e-12);
            // independent: the formula on Commons Math's norms
            ArrayRealVector v = new ArrayRealVector(n);
            for (int i = 0; i < n; i++) {
                v.setEntry(i, x[i]);
            }
            assertEquals((Math.sqrt(n) - v.getL1Norm() / v.getNorm()) / (Math.sqrt(n) - 1), h, 1e-12);
        }
    }

    @Test
    void rowsAreMeasuredOneByOneAndBadValuesNamed() {
        assertArrayEquals(new double[] {1, 0, 0}, Sparsity.hoyerRows(new float[] {0, 5, 3, 3, 0, 0}, 3, 2), 1e-15);
        assertEquals(1.0, Sparsity.hoyer(new float[] {9, 9, 0, 7, 9}, 2, 2), "a slice");
        LatentLabException e = assertThrows(LatentLabException.class, () -> Sparsity.hoyerRows(new float[] {0, 1, 2, Float.NaN}, 2, 2));
        assertTrue(e.getMessage().contains("row 1") && e.getMessage().contains("value 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Sparsity.hoyerRows(new float[] {0, 1, 2}, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Sparsity.hoyer(new float[] {0, 1}, 1, 2));
    }
}
