package org.latentlab.clusterers.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.ClusterSummary;
import org.latentlab.api.attractor.Clustering;
import org.latentlab.api.attractor.MergeableClusterer;
import org.latentlab.api.attractor.MergedClustering;
import org.latentlab.api.attractor.PartialClustering;
import org.junit.jupiter.api.Test;

/**
 * Clustering parts and merging their summaries gives the clustering of all points at once: same clusters, same
 * labels up to renumbering, same sizes and means, for end points spread around known attractors as a stopping
 * rule leaves them (each within ~tolerance of its attractor), in every part size from one point to all.
 */
class MergeEquivalenceTest {

    /** Known attractors in 3-D, far apart, one at the origin (euclidean, dbscan). */
    static final float[][] ATTRACTORS = {{2, 0, 0}, {0, 1.5f, 0}, {0, 0, -1}, {1, 1, 1}, {-1.2f, 0.4f, 0}, {0, 0, 0}};
    /** Known attractors on six different rays (the cosine rule sees directions only). */
    static final float[][] RAYS = {{2, 0, 0}, {0, 1.5f, 0}, {0, 0, -1}, {1, 1, 1}, {-1.2f, 0.4f, 0}, {0.5f, -0.5f, 3}};

    static Tensor endPoints(int n, double jitter, long seed) {
        return endPoints(n, jitter, seed, ATTRACTORS);
    }

    /** n end points, attractor i chosen with weight ~ 1/(i+1) (unequal basins), jittered by {@code jitter}. */
    static Tensor endPoints(int n, double jitter, long seed, float[][] attractors) {
        Random r = new Random(seed);
        int k = 3;
        float[] d = new float[n * k];
        for (int p = 0; p < n; p++) {
            int a = Math.min(attractors.length - 1, (int) Math.floor(Math.exp(r.nextDouble() * Math.log(attractors.length + 1)) - 1));
            for (int j = 0; j < k; j++) {
                d[p * k + j] = (float) (attractors[a][j] + jitter * r.nextGaussian());
            }
        }
        return Tensor.matrix(n, k, d);
    }

    /** The clusterer run part by part ({@code part} points each) and merged: labels of all points, merged result. */
    record Merged(int[] labels, MergedClustering merged) {}

    static Merged byParts(MergeableClusterer c, Tensor points, int part, Parameters p) {
        List<int[]> partLabels = new ArrayList<>();
        List<List<ClusterSummary>> summaries = new ArrayList<>();
        for (int from = 0; from < points.rows(); from += part) {
            PartialClustering pc = c.clusterPart(points.slice(from, Math.min(points.rows(), from + part)), p);
            partLabels.add(pc.labels());
            summaries.add(pc.clusters());
        }
        MergedClustering m = c.merge(summaries, p);
        int[] labels = new int[points.rows()];
        int at = 0;
        for (int i = 0; i < partLabels.size(); i++) {
            for (int l : partLabels.get(i)) {
                labels[at++] = l < 0 ? -1 : m.relabel().get(i)[l];
            }
        }
        return new Merged(labels, m);
    }

    /** Same partition (labels equal up to a one-to-one renumbering, noise as noise), sizes and means. */
    static void assertSameClustering(Clustering whole, Merged parts, int k) {
        assertEquals(whole.count(), parts.merged().clusters().size(), "clusters");
        Map<Integer, Integer> map = new HashMap<>();
        Map<Integer, Integer> back = new HashMap<>();
        for (int p = 0; p < whole.labels().length; p++) {
            int a = whole.labels()[p];
            int b = parts.labels()[p];
            assertEquals(a < 0, b < 0, "noise at point " + p);
            if (a >= 0) {
                assertEquals(b, (int) map.computeIfAbsent(a, x -> b), "point " + p);
                assertEquals(a, (int) back.computeIfAbsent(b, x -> a), "point " + p);
            }
        }
        long[] size = new long[whole.count()];
        for (int l : whole.labels()) {
            if (l >= 0) {
                size[l]++;
            }
        }
        for (int a = 0; a < whole.count(); a++) {
            ClusterSummary s = parts.merged().clusters().get(map.get(a));
            assertEquals(size[a], s.count(), "size of cluster " + a);
            assertArrayEquals(whole.centers().row(a), s.mean(), 1e-6f, "mean of cluster " + a);
        }
        assertArrayEquals(whole.centers().data().length == 0 ? new float[0] : reorder(parts.merged().centers(k), map, whole.count(), k),
                whole.centers().data(), 1e-6f);
    }

    private static float[] reorder(Tensor centers, Map<Integer, Integer> map, int m, int k) {
        float[] out = new float[m * k];
        for (int a = 0; a < m; a++) {
            System.arraycopy(centers.data(), map.get(a) * k, out, a * k, k);
        }
        return out;
    }

    static void check(MergeableClusterer c, Map<String, String> given, Tensor points, int expectedClusters) {
        Parameters p = Parameters.resolve("test", c.parameters(), given);
        Clustering whole = c.cluster(points, p);
        assertEquals(expectedClusters, whole.count(), "clusters of all points at once");
        for (int part : new int[] {1, 2, 7, 64, 500, 1999, points.rows()}) {
            Merged m = byParts(c, points, part, p);
            assertEquals(0, m.merged().undecided(), "undecided comparisons with parts of " + part);
            assertSameClustering(whole, m, points.width());
        }
    }

    @Test
    void cosineMergedEqualsAllAtOnce() {
        // directions of the attractors differ by far more than arccos(0.99) = 8.1 degrees, the jitter by ~0.06 deg
        check(new CosineClusterer(), Map.of(), endPoints(4000, 1e-3, 1, RAYS), 6);
    }

    @Test
    void euclideanMergedEqualsAllAtOnce() {
        check(new EuclideanClusterer(), Map.of("tolerance", "0.05"), endPoints(4000, 1e-3, 2), 6);
    }

    @Test
    void dbscanMergedEqualsAllAtOnceWhenEveryPartIsDenseAroundEachAttractor() {
        // minPoints 1: every point is core, so density never depends on the part; isolated points are clusters of one
        Tensor pts = endPoints(3000, 2e-3, 3);
        check(new DbscanClusterer(), Map.of("eps", "0.05", "minPoints", "1"), pts, 6);
    }

    @Test
    void dbscanMergedEqualsAllAtOnceWithMinPointsWhenPartsHoldEnoughPointsPerAttractor() {
        MergeableClusterer c = new DbscanClusterer();
        Tensor pts = endPoints(6000, 2e-3, 4);
        Parameters p = Parameters.resolve("test", c.parameters(), Map.of("eps", "0.05", "minPoints", "5"));
        Clustering whole = c.cluster(pts, p);
        assertEquals(6, whole.count());
        // the smallest basin holds ~1/6 of log-spaced weights: parts of 500 points hold dozens of each
        for (int part : new int[] {500, 1500, 2000, 6000}) { // whole parts: a last part of 3 points would be noise
            Merged m = byParts(c, pts, part, p);
            assertEquals(0, m.merged().undecided());
            assertSameClustering(whole, m, 3);
        }
    }

    @Test
    void dbscanPartsTooSmallForMinPointsMarkNoiseThatAllPointsWouldCluster() {
        // the documented limit: with parts of 3 points no part has 5 points near an attractor, so all is noise
        MergeableClusterer c = new DbscanClusterer();
        Tensor pts = endPoints(600, 2e-3, 5);
        Parameters p = Parameters.resolve("test", c.parameters(), Map.of("eps", "0.05", "minPoints", "5"));
        assertEquals(6, c.cluster(pts, p).count());
        Merged m = byParts(c, pts, 3, p);
        assertEquals(0, m.merged().clusters().size());
        assertTrue(Arrays.stream(m.labels()).allMatch(l -> l == -1));
    }

    @Test
    void dbscanJoinsAClusterThatCrossesPartsThroughItsCorePoints() {
        // a chain of points 0.03 apart along x: one cluster with eps 0.05, whichever part each point is in
        int n = 200;
        float[] d = new float[n * 2];
        for (int p = 0; p < n; p++) {
            d[2 * p] = 0.03f * p;
        }
        MergeableClusterer c = new DbscanClusterer();
        Parameters p = Parameters.resolve("test", c.parameters(), Map.of("eps", "0.05", "minPoints", "2"));
        Tensor pts = Tensor.matrix(n, 2, d);
        for (int part : new int[] {2, 10, 37}) {
            Merged m = byParts(c, pts, part, p);
            assertEquals(1, m.merged().clusters().size(), "parts of " + part);
            assertEquals(n, m.merged().clusters().get(0).count());
        }
    }

    @Test
    void aLeaderMergeThatDependsOnMembersNearTheBorderIsCountedAsUndecided() {
        // tolerance 1: all at once, 0 leads, 0.9 joins it, 1.8 is too far from 0 and leads a second cluster.
        // Parts {0} and {0.9, 1.8}: 1.8 joined 0.9, whose cluster then joins 0's: the merge cannot know 1.8 is far.
        float[][] pts = {{0}, {0.9f}, {1.8f}};
        MergeableClusterer c = new EuclideanClusterer();
        Parameters p = Parameters.resolve("test", c.parameters(), Map.of("tolerance", "1"));
        assertEquals(2, c.cluster(Tensor.ofRows(pts), p).count());
        Merged m = byParts(c, Tensor.ofRows(pts), 1, p); // parts {0}, {0.9}, {1.8}: each decided exactly
        assertEquals(0, m.merged().undecided());
        assertEquals(2, m.merged().clusters().size());
        List<List<ClusterSummary>> parts = List.of(c.clusterPart(Tensor.ofRows(new float[][] {{0}}), p).clusters(),
                c.clusterPart(Tensor.ofRows(new float[][] {{0.9f}, {1.8f}}), p).clusters());
        MergedClustering merged = c.merge(parts, p);
        assertEquals(1, merged.clusters().size(), "the merge joins by the leaders");
        assertEquals(1, merged.undecided(), "and says it could not decide for every member");
        assertNotEquals(0, merged.undecided());
    }

    @Test
    void mergingOnePartChangesNothing() {
        for (MergeableClusterer c : List.of(new CosineClusterer(), new EuclideanClusterer(), new DbscanClusterer())) {
            Parameters p = Parameters.resolve("test", c.parameters(), Map.of());
            Tensor pts = endPoints(800, 1e-2, 6, RAYS);
            PartialClustering part = c.clusterPart(pts, p);
            Clustering whole = c.cluster(pts, p);
            assertArrayEquals(whole.labels(), part.labels());
            MergedClustering m = c.merge(List.of(part.clusters()), p);
            int[] identity = new int[part.clusters().size()];
            Arrays.setAll(identity, i -> i);
            assertArrayEquals(identity, m.relabel().get(0));
            assertArrayEquals(whole.centers().data(), m.centers(3).data(), 0f);
        }
    }
}
