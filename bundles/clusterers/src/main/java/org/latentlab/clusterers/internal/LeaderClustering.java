package org.latentlab.clusterers.internal;

import java.util.ArrayList;
import java.util.List;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Clustering;

/**
 * Leader clustering, the merge rule of the paper made exact: points are visited in order; a point
 * joins the first cluster whose leader (its first member) it matches, else it leads a new cluster.
 * The representative of a cluster is the mean of its members. O(n·m) time for m clusters, O(m)
 * extra memory.
 */
final class LeaderClustering {

    /** Whether point {@code p} belongs with the leader {@code l} (both of width k, at given offsets). */
    interface Match {
        boolean test(float[] data, int p, float[] leaders, int l, int k);
    }

    private LeaderClustering() {}

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
