package org.latentlab.numerics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.latentlab.api.LatentLabException;

class NearestNeighboursTest {

    @Test
    void oneDimensionalPointsHaveTheirHandComputedNeighbours() {
        NearestNeighbours nn = NearestNeighbours.of(new float[] {0, 1, 3, 7}, 4, 1);
        NearestNeighbours.Neighbours r = nn.search(new float[] {2, 7, -1}, 3, 2);
        // 2: 1 and 3 both at distance 1 (lower index first); 7: itself, then 3; -1: 0, then 1
        assertArrayEquals(new double[] {1, 1, 0, 4, 1, 2}, r.distances());
        assertArrayEquals(new int[] {1, 2, 3, 2, 0, 1}, r.indices());
        assertArrayEquals(new double[] {1, 0, 1}, r.nearest());
        assertArrayEquals(new double[] {1, 4, 2}, r.kth());
        assertArrayEquals(new double[] {1, 4, 2}, r.distanceTo(2));
    }

    @Test
    void selfSearchSkipsThePointItselfButNotItsDuplicates() {
        // points 0 and 1 coincide, 2 is at distance 5 (3-4-5 triangle)
        NearestNeighbours nn = NearestNeighbours.of(new float[] {1, 1, 1, 1, 4, 5}, 3, 2);
        NearestNeighbours.Neighbours r = nn.searchSelf(1);
        assertArrayEquals(new double[] {0, 0, 5}, r.nearest());
        assertArrayEquals(new int[] {1, 0, 0}, r.indices());
        NearestNeighbours.Neighbours two = nn.searchSelf(2);
        assertArrayEquals(new double[] {0, 5, 0, 5, 5, 5}, two.distances());
        assertArrayEquals(new int[] {1, 2, 0, 2, 0, 1}, two.indices());
    }

    @Test
    void matchesBruteForceWithTiesAndDuplicatesAcrossManyBlocks() throws Exception {
        SplittableRandom rnd = new SplittableRandom(5);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            // reference blocks of 436 points at dim 300 (512 otherwise), query blocks of 256: each shape spans several
            int[][] shapes = {{1200, 301, 300, 7}, {1502, 300, 3, 50}, {40, 1000, 2, 40}, {1, 5, 4, 1}};
            for (int[] s : shapes) {
                int n = s[0];
                int q = s[1];
                int dim = s[2];
                int kNN = s[3];
                float[] refs = integerPoints(rnd, n, dim);
                for (int i = 1; i < n; i += 3) { // every third point duplicates its predecessor
                    System.arraycopy(refs, (i - 1) * dim, refs, i * dim, dim);
                }
                float[] queries = integerPoints(rnd, q, dim);
                System.arraycopy(refs, 0, queries, 0, Math.min(q, n) * dim / 2); // some queries sit on references
                NearestNeighbours nn = NearestNeighbours.of(refs, n, dim);
                NearestNeighbours.Neighbours r = nn.search(queries, q, kNN, pool);
                for (int a = 0; a < q; a++) {
                    int[] order = bruteForce(queries, a, refs, n, dim, -1, kNN);
                    for (int j = 0; j < kNN; j++) {
                        String at = "shape " + Arrays.toString(s) + ", query " + a + ", neighbour " + j;
                        assertEquals(distance(queries, a, refs, order[j], dim), r.distances()[a * kNN + j], at);
                        assertEquals(order[j], r.indices()[a * kNN + j], at);
                    }
                }
                if (n > kNN) {
                    NearestNeighbours.Neighbours self = nn.searchSelf(kNN, pool);
                    for (int a = 0; a < n; a++) {
                        int[] order = bruteForce(refs, a, refs, n, dim, a, kNN);
                        for (int j = 0; j < kNN; j++) {
                            assertEquals(order[j], self.indices()[a * kNN + j], "self, point " + a + ", neighbour " + j);
                            assertEquals(distance(refs, a, refs, order[j], dim), self.distances()[a * kNN + j]);
                        }
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void continuousRandomDataMatchesBruteForceOnTheCommonPool() {
        SplittableRandom rnd = new SplittableRandom(9);
        int n = 2000;
        int q = 300;
        int dim = 32;
        float[] refs = new float[n * dim];
        float[] queries = new float[q * dim];
        Gaussian.fill(rnd, refs, 0, 1);
        Gaussian.fill(rnd, queries, 0.1, 1.2);
        NearestNeighbours.Neighbours r = NearestNeighbours.of(refs, n, dim).search(queries, q, 50);
        for (int a = 0; a < q; a++) {
            int[] order = bruteForce(queries, a, refs, n, dim, -1, 50);
            assertEquals(distance(queries, a, refs, order[0], dim), r.nearest()[a]);
            assertEquals(distance(queries, a, refs, order[49], dim), r.kth()[a]);
            for (int j = 1; j < 50; j++) {
                assertTrue(r.distances()[a * 50 + j - 1] <= r.distances()[a * 50 + j]);
            }
        }
    }

    @Test
    void badArgumentsAreRefusedWithTheirReason() {
        NearestNeighbours nn = NearestNeighbours.of(new float[] {0, 0, 1, 1}, 2, 2);
        LatentLabException e = assertThrows(LatentLabException.class, () -> nn.search(new float[] {0, 0}, 1, 3));
        assertTrue(e.getMessage().contains("3 nearest neighbours among 2"), e.getMessage());
        e = assertThrows(LatentLabException.class, () -> nn.searchSelf(2));
        assertTrue(e.getMessage().contains("among 1 other"), e.getMessage());
        e = assertThrows(LatentLabException.class, () -> nn.search(new float[] {0, Float.NaN}, 1, 1));
        assertTrue(e.getMessage().contains("query point 0") && e.getMessage().contains("coordinate 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> nn.search(new float[] {0, 0, 0}, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> nn.search(new float[] {0, 0}, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> NearestNeighbours.of(new float[] {0, 0, 1}, 2, 2));
    }

    static float[] integerPoints(SplittableRandom rnd, int rows, int dim) {
        float[] out = new float[rows * dim];
        for (int i = 0; i < out.length; i++) {
            out[i] = rnd.nextInt(-2, 3); // few values: many equal distances
        }
        return out;
    }

    /** The first {@code count} reference indices (except {@code skip}) by (distance, index): repeated minimum scans. */
    static int[] bruteForce(float[] queries, int a, float[] refs, int n, int dim, int skip, int count) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = distance(queries, a, refs, i, dim);
        }
        boolean[] taken = new boolean[n];
        if (skip >= 0) {
            taken[skip] = true;
        }
        int[] order = new int[count];
        for (int j = 0; j < count; j++) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                if (!taken[i] && (best < 0 || d[i] < d[best])) { // strict: the lower index wins a tie
                    best = i;
                }
            }
            taken[best] = true;
            order[j] = best;
        }
        return order;
    }

    static double distance(float[] queries, int a, float[] refs, int i, int dim) {
        double s = 0;
        for (int d = 0; d < dim; d++) {
            double diff = (double) queries[a * dim + d] - refs[i * dim + d];
            s += diff * diff;
        }
        return Math.sqrt(s);
    }
}
