package org.latentlab.clusterers.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Clustering;

/**
 * The ball-tree clusterers give exactly the labels and centers of the plain loops they replace
 * ({@link ReferenceClusterers}, the code as it was) and of DBSCAN's definition, on random end points shaped like
 * the real ones (tight attractors, scattered points near and far) and on inputs made of ties: points exactly at
 * the tolerance, duplicates, chains whose clustering depends on the seed order, zero vectors, NaN and infinity.
 * Inputs are larger than the first block of the leader search (1024 points), so points are also matched in
 * parallel against the leaders of earlier blocks.
 */
class ClusteringAgainstReferenceTest {

    /** Tight clusters around random centres, a share of points scattered near them and some anywhere, in random order. */
    static Tensor attractorLike(Random r, int n, int k, int centres, double spread, double scattered) {
        float[][] c = new float[centres][k];
        for (float[] row : c) {
            for (int j = 0; j < k; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        float[] x = new float[n * k];
        for (int i = 0; i < n; i++) {
            float[] centre = c[r.nextInt(centres)];
            double u = r.nextDouble();
            double s = u < scattered / 2 ? 3 * r.nextDouble() * spread * 100 // near an attractor, not converged
                    : u < scattered ? -1 : spread;                         // anywhere; on an attractor
            for (int j = 0; j < k; j++) {
                x[i * k + j] = s < 0 ? (float) (2 * r.nextGaussian()) : (float) (centre[j] + r.nextGaussian() * s);
            }
        }
        return Tensor.matrix(n, k, x);
    }

    /** Points on a lattice of the given step in few dimensions: many pairs exactly one step apart, many duplicates. */
    static Tensor lattice(Random r, int n, int k, float step, int side) {
        float[] x = new float[n * k];
        for (int i = 0; i < x.length; i++) {
            x[i] = step * (r.nextInt(side) - side / 2);
        }
        return Tensor.matrix(n, k, x);
    }

    /** Overwrites some rows with zeros, -0, tiny vectors, NaN and infinities. */
    static Tensor withOddRows(Random r, Tensor t) {
        int n = t.rows();
        int k = t.width();
        float[] x = t.data().clone();
        float[] odd = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e-12f, Float.MIN_VALUE};
        for (int e = 0; e < Math.max(1, n / 40); e++) {
            int p = r.nextInt(n);
            int kind = r.nextInt(4);
            for (int j = 0; j < k; j++) {
                x[p * k + j] = switch (kind) {
                    case 0 -> 0f;                                        // the origin
                    case 1 -> odd[r.nextInt(odd.length)];                // one odd value per coordinate
                    case 2 -> j == 0 ? odd[2 + r.nextInt(3)] : x[p * k + j]; // one NaN or infinity
                    default -> odd[5 + r.nextInt(2)] * (r.nextBoolean() ? 1 : -1); // tiny
                };
            }
        }
        return Tensor.matrix(n, k, x);
    }

    static void assertSame(Clustering expected, Clustering actual, String what) {
        assertArrayEquals(expected.labels(), actual.labels(), what + ": labels");
        assertArrayEquals(expected.centers().shape(), actual.centers().shape(), what + ": centers' shape");
        assertArrayEquals(expected.centers().data(), actual.centers().data(), what + ": centers"); // bit for bit
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void euclideanIsTheLeaderLoopsOnAttractorsTiesAndOddRows(int seed) {
        Random r = new Random(seed);
        int k = new int[] {1, 2, 3, 8, 32}[seed % 5];
        for (double tol : new double[] {1e-3, 1e-2, 0.1, 1, 5}) {
            Tensor t = withOddRows(r, attractorLike(r, 1500, k, 1 + r.nextInt(30), 1e-3, 0.05));
            assertSame(ReferenceClusterers.euclidean(t, tol * tol), EuclideanClusterer.cluster(t, tol * tol), "attractors, tol " + tol);
        }
        for (float step : new float[] {0.5f, 0.25f, 1f}) { // the tolerance equals the step: ties at exactly the tolerance
            Tensor t = withOddRows(r, lattice(r, 2200, Math.min(k, 3), step, 5));
            for (double tol : new double[] {step, step * 1.5, step * 2}) {
                assertSame(ReferenceClusterers.euclidean(t, tol * tol), EuclideanClusterer.cluster(t, tol * tol),
                        "lattice " + step + ", tol " + tol);
            }
        }
        Tensor t = attractorLike(r, 200, k, 3, 1e-3, 0.1);
        for (double tol2 : new double[] {0, Double.MIN_VALUE, Double.POSITIVE_INFINITY}) {
            assertSame(ReferenceClusterers.euclidean(t, tol2), EuclideanClusterer.cluster(t, tol2), "tol2 " + tol2);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void cosineIsTheLeaderLoopsOnAttractorsTiesZerosAndOddRows(int seed) {
        Random r = new Random(100 + seed);
        int k = new int[] {1, 2, 3, 8, 32}[seed % 5];
        for (double threshold : new double[] {0.99, 0.999999, 0.9, 0.5, 0, -0.7, 1}) {
            for (double zero : new double[] {1e-9, 0, 0.5}) {
                Tensor t = withOddRows(r, attractorLike(r, 2500, k, 1 + r.nextInt(30), 1e-3, 0.05));
                assertSame(ReferenceClusterers.cosine(t, threshold, zero), CosineClusterer.cluster(t, threshold, zero),
                        "attractors, threshold " + threshold + ", zero " + zero);
            }
        }
        Tensor t = withOddRows(r, lattice(r, 2200, Math.min(k, 3), 1, 5)); // many parallel and duplicate directions
        for (double threshold : new double[] {0.99, 0.5, Math.sqrt(0.5), 0}) {
            assertSame(ReferenceClusterers.cosine(t, threshold, 1e-9), CosineClusterer.cluster(t, threshold, 1e-9),
                    "lattice, threshold " + threshold);
        }
    }

    @Test
    void twentyThousandEndPointsOnHundredsOfAttractorsMatchTheLeaderLoops() {
        Random r = new Random(9);
        Tensor t = attractorLike(r, 20_000, 32, 300, 1e-4, 0.03);
        assertSame(ReferenceClusterers.euclidean(t, 1e-4), EuclideanClusterer.cluster(t, 1e-4), "euclidean");
        Clustering cos = CosineClusterer.cluster(t, 0.99, 1e-9);
        assertSame(ReferenceClusterers.cosine(t, 0.99, 1e-9), cos, "cosine");
        assertTrue(cos.count() > 300, "scattered points make clusters of their own: " + cos.count());
        Clustering db = DbscanClusterer.dbscan(t, 5e-2, 5);
        assertSame(ReferenceClusterers.dbscan(t, 5e-2, 5), db, "dbscan");
    }

    @Test
    void leaderClusteringTakesPointsInSeedOrder() {
        // on a line, tolerance 1: 0 leads, 0.6 joins it, 1.2 is 1.2 from the leader and leads a new cluster;
        // in the other order 1.2 leads and takes 0.6, and 0 leads its own
        float[] forward = {0, 0.6f, 1.2f};
        assertArrayEquals(new int[] {0, 0, 1}, EuclideanClusterer.cluster(Tensor.matrix(3, 1, forward), 1).labels());
        float[] backward = {1.2f, 0.6f, 0};
        assertArrayEquals(new int[] {0, 0, 1}, EuclideanClusterer.cluster(Tensor.matrix(3, 1, backward), 1).labels());
        float[] middleFirst = {0.6f, 0, 1.2f};
        assertArrayEquals(new int[] {0, 0, 0}, EuclideanClusterer.cluster(Tensor.matrix(3, 1, middleFirst), 1).labels());
        // a point matching two leaders joins the first one, though it is nearer the second
        float[] two = {0, 1.5f, 0.9f};
        assertArrayEquals(new int[] {0, 1, 0}, EuclideanClusterer.cluster(Tensor.matrix(3, 1, two), 1).labels());
        // exactly at the tolerance is not within it (dist2 < tol2)
        assertArrayEquals(new int[] {0, 1}, EuclideanClusterer.cluster(Tensor.matrix(2, 1, new float[] {0, 0.5f}), 0.25).labels());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6})
    void dbscanIsTheCellSearchAndTheDefinitionOnAttractorsTiesAndOddRows(int seed) {
        Random r = new Random(200 + seed);
        int k = new int[] {1, 2, 3, 8, 32}[seed % 5];
        for (double eps : new double[] {1e-3, 2e-2, 0.3}) {
            for (int minPts : new int[] {1, 3, 8}) {
                Tensor t = withOddRows(r, attractorLike(r, 700, k, 1 + r.nextInt(20), eps / 3, 0.2));
                Clustering fast = DbscanClusterer.dbscan(t, eps, minPts);
                assertSame(ReferenceClusterers.dbscan(t, eps, minPts), fast, "attractors, eps " + eps + ", minPts " + minPts);
                assertSame(ReferenceClusterers.bruteDbscan(t, eps, minPts), fast, "definition, eps " + eps + ", minPts " + minPts);
            }
        }
        for (float step : new float[] {0.5f, 0.25f}) { // neighbours at exactly eps
            Tensor t = withOddRows(r, lattice(r, 500, Math.min(k, 3), step, 7));
            for (int minPts : new int[] {2, 4, 9}) {
                Clustering fast = DbscanClusterer.dbscan(t, step, minPts);
                assertSame(ReferenceClusterers.dbscan(t, step, minPts), fast, "lattice " + step + ", minPts " + minPts);
                assertSame(ReferenceClusterers.bruteDbscan(t, step, minPts), fast, "definition on lattice " + step);
                // eps 0: only duplicates are neighbours (the cell search of old counted none, not even the point itself)
                assertSame(ReferenceClusterers.bruteDbscan(t, 0, minPts), DbscanClusterer.dbscan(t, 0, minPts),
                        "definition, eps 0, minPts " + minPts);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void dbscanDecidesPointsNearTheEpsSphereOfACellAsTheDefinitionDoes(int seed) {
        // dense balls just inside a cell's radius (eps/4) and probes at 0.7 to 1.3 eps from their centres: the whole-cell
        // shortcuts (all within, none within) are exercised at their edges
        Random r = new Random(300 + seed);
        int k = 1 + seed % 3;
        double eps = 0.1;
        int n = 900;
        float[] x = new float[n * k];
        float[][] centres = new float[6][k];
        for (float[] c : centres) {
            for (int j = 0; j < k; j++) {
                c[j] = (float) (r.nextDouble() * 0.6);
            }
        }
        for (int i = 0; i < n; i++) {
            float[] c = centres[r.nextInt(centres.length)];
            double[] dir = new double[k];
            double norm = 0;
            for (int j = 0; j < k; j++) {
                dir[j] = r.nextGaussian();
                norm += dir[j] * dir[j];
            }
            double dist = r.nextInt(3) == 0 ? eps * (0.7 + 0.6 * r.nextDouble()) : eps / 4 * r.nextDouble();
            for (int j = 0; j < k; j++) {
                x[i * k + j] = (float) (c[j] + dir[j] / Math.sqrt(norm) * dist);
            }
        }
        Tensor t = Tensor.matrix(n, k, x);
        for (int minPts : new int[] {2, 5, 40}) {
            Clustering fast = DbscanClusterer.dbscan(t, eps, minPts);
            assertSame(ReferenceClusterers.bruteDbscan(t, eps, minPts), fast, "minPts " + minPts);
            assertSame(ReferenceClusterers.dbscan(t, eps, minPts), fast, "cell search, minPts " + minPts);
        }
    }

    @Test
    void withEpsZeroDuplicatesAreNeighbours() {
        float[] x = {1, 2, 1, 2, 1, 2, 3, 4};
        Clustering c = DbscanClusterer.dbscan(Tensor.matrix(4, 2, x), 0, 3);
        assertArrayEquals(new int[] {0, 0, 0, -1}, c.labels());
        assertEquals(1, c.count());
    }
}
