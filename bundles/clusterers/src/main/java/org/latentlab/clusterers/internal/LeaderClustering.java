package org.latentlab.clusterers.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.ClusterSummary;
import org.latentlab.api.attractor.Clustering;
import org.latentlab.api.attractor.MergedClustering;
import org.latentlab.api.attractor.PartialClustering;

/**
 * Leader clustering, the merge rule of the paper made exact: points are visited in order; a point
 * joins the first cluster whose leader (its first member) it matches, else it leads a new cluster.
 * The representative of a cluster is the mean of its members.
 *
 * <p>The plain rule compares each point with every leader, O(n·m). Here every rule can only match points within
 * a known radius r of each other (in a view: the points as they are, or as unit vectors for the cosine rule), and
 * two shortcuts avoid most comparisons without changing a label (ClusteringAgainstReferenceTest checks them
 * against the plain loop):
 * <ul>
 * <li>A new leader is found through a {@link ProjectionIndex} of the leaders: only those it hands out can be
 * within r; the rule is applied to those, and the smallest matching cluster id wins, as in the plain loop. The same
 * search gives a lower bound {@code sep} on the distance from a new leader to every earlier one (the nearest
 * candidate, or 1.5r when none is nearer).</li>
 * <li>Most points sit on an attractor whose leader the last point of the same small grid cell (width r/8) matched. If the point
 * matches that leader L and lies closer to it than {@code sep(L) - r} (up to r/2), no earlier leader can be within r of it
 * (triangle inequality), so L is the first match: one comparison instead of a search.</li>
 * </ul>
 * Every bound carries a margin for rounding. Time: about O(n) plus a search per leader and per point that the
 * shortcut does not settle.
 *
 * <p>Parts clustered one by one merge exactly ({@link #merge}): a part's cluster joins the first earlier cluster
 * whose leader its own leader matches, else it leads a new one. That is what each of its members would have done
 * in one run over all points whenever every member falls on the same side of the rule as its leader for each
 * leader compared, which the merge checks with the cluster's spread (the farthest member from its leader, in the
 * rule's {@link Rule#measure}); comparisons it cannot settle that way are counted as undecided.
 */
final class LeaderClustering {

    /** Whether point {@code p} belongs with the leader {@code l} (both of width k, at given offsets). */
    interface Match {
        boolean test(float[] data, int p, float[] leaders, int l, int k);
    }

    /**
     * A leader rule with the measure behind it: {@code match} holds exactly when {@code measure} is below
     * {@code limit} (up to rounding), and the measure obeys the triangle inequality.
     */
    interface Rule extends Match {
        /** Distance between the points (a metric: Euclidean distance, or the angle between directions). */
        double measure(float[] a, int ai, float[] b, int bi, int k);

        /** A point matches a leader when the measure is below this. */
        double limit();

        /**
         * Whether a point matches the leader for every point within {@code spread} of {@code a}: true when it is
         * settled by the rule's geometry, e.g. points of no direction under the cosine rule.
         */
        default boolean settled(float[] a, int ai, float[] b, int bi, int k) {
            return false;
        }
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
        double sepRadius = 1.5 * radius; // the search radius: the shortcut needs leaders apart by more than r
        ProjectionIndex index = new ProjectionIndex(d, n, k, scale, sepRadius);
        double margin = index.margin;
        LongIntMap recent = new LongIntMap();
        double[] sep = new double[64]; // per cluster id of a searched leader
        int[] labels = new int[n];
        int m = 0;
        int zeroLeader = -1;
        int[] best = new int[1];
        double[] nearest = new double[1];
        for (int p = 0; p < n; p++) {
            double s = scale == null ? 1 : scale[p];
            if (s > 0 && index.inView(p)) {
                long key = index.key(p, radius / 8);
                int c = recent.get(key);
                if (c >= 0) {
                    int l = index.rowOf(c);
                    if (index.dist(p, l) + radius + 2 * margin < sep[c] && match.test(d, p, d, l, k)) {
                        labels[p] = c;
                        continue;
                    }
                }
                int point = p;
                best[0] = Integer.MAX_VALUE;
                nearest[0] = sepRadius;
                index.forEachCandidate(p, sepRadius, (id, q) -> {
                    double dq = index.dist(point, q);
                    nearest[0] = Math.min(nearest[0], dq);
                    if (id < best[0] && dq <= radius + margin && match.test(d, point, d, q, k)) {
                        best[0] = id;
                    }
                });
                if (best[0] == Integer.MAX_VALUE) {
                    c = m++;
                    index.add(p, c);
                    if (c >= sep.length) {
                        sep = Arrays.copyOf(sep, sep.length * 2);
                    }
                    sep[c] = nearest[0];
                } else {
                    c = best[0];
                }
                recent.put(key, c);
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

    /**
     * The clustering {@code c} of {@code points} by {@code rule} (as {@link #cluster} made it) with each cluster
     * summarised for merging: leader, sums, count and spread.
     */
    static PartialClustering part(Tensor points, Clustering c, Rule rule) {
        int n = points.rows();
        int k = points.width();
        float[] d = points.data();
        int m = c.count();
        int[] leader = new int[m];
        Arrays.fill(leader, -1);
        double[][] sums = new double[m][k];
        long[] counts = new long[m];
        double[] spread = new double[m];
        for (int p = 0; p < n; p++) {
            int l = c.labels()[p];
            if (leader[l] < 0) {
                leader[l] = p;
            }
            counts[l]++;
            for (int j = 0; j < k; j++) {
                sums[l][j] += d[p * k + j];
            }
            spread[l] = Math.max(spread[l], rule.measure(d, p, d, leader[l], k));
        }
        List<ClusterSummary> out = new ArrayList<>();
        for (int l = 0; l < m; l++) {
            out.add(new ClusterSummary(Tensor.matrix(1, k, points.row(leader[l])), sums[l], counts[l], spread[l]));
        }
        return new PartialClustering(c.labels(), out);
    }

    /** Slack for rounding in the measure when a comparison is checked against a spread. */
    private static final double SLACK = 1e-9;

    /** Merges parts' clusters by the leader rule, in order (see the class comment). */
    static MergedClustering merge(List<List<ClusterSummary>> parts, Rule rule) {
        List<ClusterSummary> merged = new ArrayList<>();
        List<int[]> relabel = new ArrayList<>();
        long undecided = 0;
        for (List<ClusterSummary> part : parts) {
            int[] map = new int[part.size()];
            for (int c = 0; c < part.size(); c++) {
                ClusterSummary s = part.get(c);
                float[] l = s.representatives().data();
                int k = l.length;
                int found = -1;
                double measured = 0;
                for (int g = 0; g < merged.size() && found < 0; g++) {
                    float[] gl = merged.get(g).representatives().data();
                    boolean match = rule.test(l, 0, gl, 0, k);
                    double m = rule.measure(l, 0, gl, 0, k);
                    if (s.count() > 1 && !rule.settled(l, 0, gl, 0, k)
                            && Math.abs(m - rule.limit()) <= s.spread() + SLACK * Math.max(1, rule.limit())) {
                        undecided++;
                    }
                    if (match) {
                        found = g;
                        measured = m;
                    }
                }
                if (found < 0) {
                    merged.add(s);
                    map[c] = merged.size() - 1;
                } else {
                    ClusterSummary g = merged.get(found);
                    double[] sum = g.sum().clone();
                    for (int j = 0; j < sum.length; j++) {
                        sum[j] += s.sum()[j];
                    }
                    // members of s lie within measured + spread of the leader kept
                    merged.set(found, new ClusterSummary(g.representatives(), sum, g.count() + s.count(),
                            Math.max(g.spread(), measured + s.spread())));
                    map[c] = found;
                }
            }
            relabel.add(map);
        }
        return new MergedClustering(merged, relabel, undecided);
    }

    /** Open addressing from long keys to non-negative ints; -1 for a missing key. */
    private static final class LongIntMap {
        private long[] keys = new long[1024];
        private int[] values = filled(1024);
        private int size;

        private static int[] filled(int n) {
            int[] v = new int[n];
            Arrays.fill(v, -1);
            return v;
        }

        int get(long key) {
            int mask = keys.length - 1;
            for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
                if (values[i] < 0 || keys[i] == key) {
                    return values[i];
                }
            }
        }

        void put(long key, int value) {
            int mask = keys.length - 1;
            int i = mix(key) & mask;
            while (values[i] >= 0 && keys[i] != key) {
                i = (i + 1) & mask;
            }
            if (values[i] < 0) {
                size++;
            }
            keys[i] = key;
            values[i] = value;
            if (2 * size > keys.length) {
                long[] oldKeys = keys;
                int[] oldValues = values;
                keys = new long[oldKeys.length * 2];
                values = filled(oldKeys.length * 2);
                size = 0;
                for (int j = 0; j < oldKeys.length; j++) {
                    if (oldValues[j] >= 0) {
                        put(oldKeys[j], oldValues[j]);
                    }
                }
            }
        }

        private static int mix(long key) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32));
        }
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
