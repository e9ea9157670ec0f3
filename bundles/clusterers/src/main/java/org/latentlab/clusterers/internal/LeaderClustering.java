package org.latentlab.clusterers.internal;

import java.util.ArrayList;
import java.util.List;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.ClusterSummary;
import org.latentlab.api.attractor.Clustering;
import org.latentlab.api.attractor.MergedClustering;
import org.latentlab.api.attractor.PartialClustering;

/**
 * Leader clustering, the merge rule of the paper made exact: points are visited in order; a point
 * joins the first cluster whose leader (its first member) it matches, else it leads a new cluster.
 * The representative of a cluster is the mean of its members. O(n·m) time for m clusters, O(m)
 * extra memory.
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

    private LeaderClustering() {}

    /** {@link #cluster} with each cluster summarised for merging: leader, sums, count and spread. */
    static PartialClustering part(Tensor points, Rule rule) {
        Clustering c = cluster(points, rule);
        int n = points.rows();
        int k = points.width();
        float[] d = points.data();
        int m = c.count();
        int[] leader = new int[m];
        java.util.Arrays.fill(leader, -1);
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

    static Clustering cluster(Tensor points, Match match) {
        int n = points.rows();
        int k = points.width();
        float[] d = points.data();
        float[] leaders = new float[Math.min(Math.max(n, 1), 1024) * k];
        int m = 0;
        int[] labels = new int[n];
        List<double[]> sums = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            int found = -1;
            for (int l = 0; l < m; l++) {
                if (match.test(d, p, leaders, l, k)) {
                    found = l;
                    break;
                }
            }
            if (found < 0) {
                if ((m + 1) * k > leaders.length) {
                    leaders = java.util.Arrays.copyOf(leaders, Math.max(leaders.length * 2, (m + 1) * k));
                }
                System.arraycopy(d, p * k, leaders, m * k, k);
                sums.add(new double[k]);
                counts.add(0);
                found = m++;
            }
            labels[p] = found;
            double[] s = sums.get(found);
            for (int j = 0; j < k; j++) {
                s[j] += d[p * k + j];
            }
            counts.set(found, counts.get(found) + 1);
        }
        float[] centers = new float[m * k];
        for (int c = 0; c < m; c++) {
            for (int j = 0; j < k; j++) {
                centers[c * k + j] = (float) (sums.get(c)[j] / counts.get(c));
            }
        }
        return new Clustering(labels, Tensor.matrix(m, k, centers));
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
