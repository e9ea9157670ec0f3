package org.latentlab.clusterers.internal;

import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Clustering;

/**
 * Leader clustering, the merge rule of the paper made exact: points are visited in order; a point
 * joins the first cluster whose leader (its first member) it matches, else it leads a new cluster.
 * The representative of a cluster is the mean of its members.
 *
 * <p>The first matching leader is found through a {@link BallTree}: every rule here can only match points
 * within a known radius of each other (after an optional per-point scaling), so the tree hands the rule the few
 * leaders that could match, smallest cluster id first, and the rule decides exactly as it always did. The
 * result is the plain O(n·m) loop's, label for label (ClusteringAgainstReferenceTest); the time is about
 * O(n log n) on end points that sit on attractors.
 */
final class LeaderClustering {

    /** Whether point {@code p} belongs with the leader {@code l} (both of width k, at given offsets). */
    interface Match {
        boolean test(float[] data, int p, float[] leaders, int l, int k);
    }

    /** {@code scale[p]} for a point that the rule never matches with anything (NaN, infinite, no direction). */
    static final double ALONE = 0;
    /** {@code scale[p]} for a point that matches exactly the other such points (the cosine rule's zero vectors). */
    static final double ZERO = -1;

    private LeaderClustering() {}

    /**
     * Leader clustering with {@code match}, which must be false whenever the two points, each multiplied by its
     * {@code scale}, are {@code radius} or more apart, and must not depend on anything but the two points.
     *
     * @param scale per point: a positive factor (the point takes part in the search), {@link #ALONE} or
     *              {@link #ZERO}; null: every point as it is
     */
    static Clustering cluster(Tensor points, Match match, double[] scale, double radius) {
        int[] labels = labels(points, match, scale, radius);
        int m = 0;
        for (int c : labels) {
            m = Math.max(m, c + 1);
        }
        return new Clustering(labels, Tensor.matrix(m, points.width(), means(points.data(), points.width(), labels, m)));
    }

    /** The labels of {@link #cluster}: cluster ids in the order the leaders appear. */
    static int[] labels(Tensor points, Match match, double[] scale, double radius) {
        int n = points.rows();
        int k = points.width();
        float[] d = points.data();
        int searched = 0;
        for (int p = 0; p < n; p++) {
            searched += scale == null || scale[p] > 0 ? 1 : 0;
        }
        int[] rows = new int[searched];
        for (int p = 0, i = 0; p < n; p++) {
            if (scale == null || scale[p] > 0) {
                rows[i++] = p;
            }
        }
        // leaves of radius up to r/4: leaders are r apart, so such a leaf holds at most a few
        BallTree tree = new BallTree(d, n, k, scale, rows, radius / 4);
        BallTree.Node[] stack = tree.newStack();
        BallTree.Rule rule = (p, l) -> match.test(d, p, d, l, k);
        int[] labels = new int[n];
        int m = 0;
        int zeroLeader = -1;
        for (int p = 0; p < n; p++) {
            double s = scale == null ? 1 : scale[p];
            if (s > 0) {
                int i = tree.pos[p];
                int c = tree.firstLeader(i, radius, rule, stack);
                if (c < 0) {
                    c = m++;
                    tree.addLeader(i, c);
                }
                labels[p] = c;
            } else if (s == ZERO) {
                if (zeroLeader < 0) {
                    zeroLeader = m++;
                }
                labels[p] = zeroLeader;
            } else {
                labels[p] = m++;
            }
        }
        return labels;
    }

    /** Each cluster's mean, summed in seed order in double precision. */
    static float[] means(float[] d, int k, int[] labels, int m) {
        double[] sums = new double[m * k];
        int[] counts = new int[m];
        for (int p = 0; p < labels.length; p++) {
            int c = labels[p];
            if (c < 0) {
                continue;
            }
            counts[c]++;
            for (int j = 0; j < k; j++) {
                sums[c * k + j] += d[p * k + j];
            }
        }
        float[] centers = new float[m * k];
        for (int c = 0; c < m; c++) {
            for (int j = 0; j < k; j++) {
                centers[c * k + j] = (float) (sums[c * k + j] / counts[c]);
            }
        }
        return centers;
    }

    /** Whether every coordinate of row p is finite. */
    static boolean finite(float[] d, int p, int k) {
        for (int j = 0; j < k; j++) {
            if (!Float.isFinite(d[p * k + j])) {
                return false;
            }
        }
        return true;
    }

    /** Scale for rules that compare points as they are: 1, or {@link #ALONE} for rows with NaN or infinity. */
    static double[] finiteRows(float[] d, int n, int k) {
        double[] s = new double[n];
        for (int p = 0; p < n; p++) {
            s[p] = finite(d, p, k) ? 1 : ALONE;
        }
        return s;
    }

    /**
     * A Euclidean radius beyond which {@code dist2 < tol2} cannot hold: covers the rounding of dist2 (k squares of
     * float differences summed in double) and of tol2.
     */
    static double radiusOf(double tol2, int k) {
        return Math.sqrt(tol2) * (1 + (k + 4) * 0x1p-50);
    }

    static double dot(float[] a, int ai, float[] b, int bi, int k) {
        double s = 0;
        for (int j = 0; j < k; j++) {
            s += (double) a[ai * k + j] * b[bi * k + j];
        }
        return s;
    }

    static double dist2(float[] a, int ai, float[] b, int bi, int k) {
        double s = 0;
        for (int j = 0; j < k; j++) {
            double t = (double) a[ai * k + j] - b[bi * k + j];
            s += t * t;
        }
        return s;
    }
}
