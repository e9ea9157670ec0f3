package org.latentlab.clusterers.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.math3.ml.clustering.Cluster;
import org.apache.commons.math3.ml.clustering.DBSCANClusterer;
import org.apache.commons.math3.ml.clustering.DoublePoint;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Clustering;

/**
 * Our DBSCAN against Commons Math's (an independent, textbook implementation) on data made to have
 * dense blobs, bridges between them, sparse border points and noise. Core points and noise are defined
 * uniquely by DBSCAN, so they must agree point for point; border points may join any cluster with a
 * core point within eps (the order of the search decides), so for them only that is checked.
 * (No exact duplicates here: Commons Math keys its visit state by point equality, so it drops a
 * duplicate from its cluster; duplicates have their own known-answer test.)
 */
class DbscanAgainstCommonsMathTest {

    @ParameterizedTest
    @CsvSource({"1, 2, 0.3, 4", "2, 3, 0.25, 6", "3, 5, 0.4, 3", "4, 8, 0.5, 10", "5, 2, 0.15, 2", "6, 16, 1.2, 5"})
    void coresNoiseAndClustersAgreeWithCommonsMath(long seed, int k, double eps, int minPts) {
        Random r = new Random(seed);
        int n = 700;
        float[] x = new float[n * k];
        for (int i = 0; i < n; i++) {
            int kind = i % 7;
            for (int j = 0; j < k; j++) {
                double v = switch (kind) {
                    case 0, 1, 2 -> r.nextGaussian() * eps * 0.3;                           // a dense blob at 0
                    case 3, 4 -> (j == 0 ? 4 * eps : 0) + r.nextGaussian() * eps * 0.3;     // a second blob
                    case 5 -> (j == 0 ? r.nextDouble() * 4 * eps : 0) + r.nextGaussian() * eps * 0.2; // a sparse bridge
                    default -> (r.nextDouble() - 0.5) * 30 * eps;                          // noise
                };
                x[i * k + j] = (float) v;
            }
        }
        Clustering ours = DbscanClusterer.dbscan(Tensor.matrix(n, k, x), eps, minPts);

        // Commons Math counts neighbours without the point itself: minPts - 1 is the same rule
        List<DoublePoint> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] p = new double[k];
            for (int j = 0; j < k; j++) {
                p[j] = x[i * k + j];
            }
            points.add(new DoublePoint(p));
        }
        List<Cluster<DoublePoint>> theirs = new DBSCANClusterer<DoublePoint>(eps, minPts - 1).cluster(points);
        IdentityHashMap<DoublePoint, Integer> theirLabel = new IdentityHashMap<>();
        for (int c = 0; c < theirs.size(); c++) {
            for (DoublePoint p : theirs.get(c).getPoints()) {
                theirLabel.put(p, c);
            }
        }
        boolean[] core = new boolean[n];
        for (int i = 0; i < n; i++) {
            int within = 0;
            for (int q = 0; q < n; q++) {
                within += LeaderClustering.dist2(x, i, x, q, k) <= eps * eps ? 1 : 0;
            }
            core[i] = within >= minPts;
        }
        assertEquals(theirs.size(), ours.count(), "number of clusters");
        Map<Integer, Integer> oursToTheirs = new HashMap<>();
        int cores = 0;
        int noise = 0;
        for (int i = 0; i < n; i++) {
            Integer t = theirLabel.get(points.get(i));
            assertEquals(t == null, ours.labels()[i] == -1, "noise at point " + i);
            if (t == null) {
                noise++;
                continue;
            }
            if (core[i]) {
                cores++;
                Integer prev = oursToTheirs.putIfAbsent(ours.labels()[i], t);
                assertEquals(prev == null ? t : prev, t, "core point " + i + " is in another cluster than Commons Math's");
            } else {
                boolean nearCoreOfItsCluster = false;
                for (int q = 0; q < n && !nearCoreOfItsCluster; q++) {
                    nearCoreOfItsCluster = core[q] && ours.labels()[q] == ours.labels()[i]
                            && LeaderClustering.dist2(x, i, x, q, k) <= eps * eps;
                }
                assertTrue(nearCoreOfItsCluster, "border point " + i + " joined a cluster with no core point within eps");
            }
        }
        assertTrue(cores > 0 && noise > 0, "the data must exercise cores (" + cores + ") and noise (" + noise + ")");
    }

    @org.junit.jupiter.api.Test
    void duplicatesAreNeighboursAndThePointItselfCounts() {
        float[] three = {1, 1, 1, 1, 1, 1, 9, 9};
        Clustering c3 = DbscanClusterer.dbscan(Tensor.matrix(4, 2, three), 0.1, 3);
        assertEquals(1, c3.count());
        assertEquals(List.of(0, 0, 0, -1), java.util.Arrays.stream(c3.labels()).boxed().toList());
        Clustering c4 = DbscanClusterer.dbscan(Tensor.matrix(4, 2, three), 0.1, 4);
        assertEquals(0, c4.count());
        assertEquals(List.of(-1, -1, -1, -1), java.util.Arrays.stream(c4.labels()).boxed().toList());
        // minPoints 1: every point is a core point, so the lone one is its own cluster
        assertEquals(List.of(0, 0, 0, 1), java.util.Arrays.stream(DbscanClusterer.dbscan(Tensor.matrix(4, 2, three), 0.1, 1)
                .labels()).boxed().toList());
    }

    @org.junit.jupiter.api.Test
    void aChainOfBorderDistanceStepsIsOneClusterWhenEveryLinkIsWithinEps() {
        // points 0.09 apart on a line, eps 0.1, minPoints 3: each inner point has 3 within eps -> one cluster;
        // the end points have 2 -> border points of that cluster, not noise
        int n = 40;
        float[] x = new float[n * 2];
        for (int i = 0; i < n; i++) {
            x[i * 2] = i * 0.09f;
        }
        Clustering c = DbscanClusterer.dbscan(Tensor.matrix(n, 2, x), 0.1, 3);
        assertEquals(1, c.count());
        for (int l : c.labels()) {
            assertEquals(0, l);
        }
        assertEquals(0.09 * (n - 1) / 2, c.centers().row(0)[0], 1e-4);
    }
}
