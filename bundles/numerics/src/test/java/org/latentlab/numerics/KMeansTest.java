package org.latentlab.numerics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.latentlab.api.LatentLabException;

class KMeansTest {

    /** Three tight, far-apart blobs: each centroid is one blob's mean. */
    @Test
    void wellSeparatedBlobsGiveTheirMeans() {
        double[][] centres = {{0, 0, 0}, {20, 0, 5}, {-10, 30, 0}};
        int per = 200;
        int k = 3;
        float[] pts = new float[3 * per * k];
        double[][] means = new double[3][k];
        SplittableRandom r = new SplittableRandom(2);
        for (int b = 0; b < 3; b++) {
            for (int a = 0; a < per; a++) {
                for (int c = 0; c < k; c++) {
                    float v = (float) (centres[b][c] + 0.5 * Gaussian.next(r));
                    pts[(b * per + a) * k + c] = v;
                    means[b][c] += v / (double) per;
                }
            }
        }
        float[] cents = KMeans.centroids(pts, 3 * per, k, 3, 100, 7);
        assertEquals(3 * k, cents.length);
        boolean[] found = new boolean[3];
        for (int i = 0; i < 3; i++) {
            for (int b = 0; b < 3; b++) {
                double d = 0;
                for (int c = 0; c < k; c++) {
                    d += Math.abs(cents[i * k + c] - means[b][c]);
                }
                if (d < 1e-4) {
                    found[b] = true;
                }
            }
        }
        assertArrayEquals(new boolean[] {true, true, true}, found);
        assertArrayEquals(cents, KMeans.centroids(pts, 3 * per, k, 3, 100, 7), "the same seed gives the same centroids");
    }

    @Test
    void fewerDistinctPointsThanCentroidsStillGiveCountCentroidsOnThePoints() {
        float[] pts = {0, 0, 0, 0, 1, 1, 1, 1, 5, 5, 5, 5};
        float[] cents = KMeans.centroids(pts, 6, 2, 4, 50, 1);
        assertEquals(4 * 2, cents.length);
        java.util.Set<String> distinct = new java.util.HashSet<>();
        for (int i = 0; i < 4; i++) {
            distinct.add(cents[2 * i] + "," + cents[2 * i + 1]);
        }
        assertEquals(java.util.Set.of("0.0,0.0", "1.0,1.0", "5.0,5.0"), distinct);
    }

    @Test
    void tooFewPointsAreRefused() {
        LatentLabException e = assertThrows(LatentLabException.class, () -> KMeans.centroids(new float[] {1, 2}, 1, 2, 2, 10, 1));
        assertTrue(e.getMessage().contains("2 k-means centroids on 1 points"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KMeans.centroids(new float[] {1, 2}, 1, 2, 0, 10, 1));
    }
}
