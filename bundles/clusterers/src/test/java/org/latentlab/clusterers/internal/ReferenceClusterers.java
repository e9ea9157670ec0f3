package org.latentlab.clusterers.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Clustering;

/**
 * The clusterers as they were before the ball tree (O(n·m) leader loops, O(m²) cell pairs), kept verbatim as the
 * reference the fast ones must reproduce label for label, plus a brute-force O(n²) DBSCAN written from the
 * definition.
 */
final class ReferenceClusterers {

    private ReferenceClusterers() {}

    static Clustering cosine(Tensor endpoints, double threshold, double zero) {
        return cluster(endpoints, (d, p, leaders, l, k) -> {
            double np = Math.sqrt(LeaderClustering.dot(d, p, d, p, k));
            double nl = Math.sqrt(LeaderClustering.dot(leaders, l, leaders, l, k));
            if (np < zero || nl < zero) {
                return np < zero && nl < zero;
            }
            return LeaderClustering.dot(d, p, leaders, l, k) / (np * nl) > threshold;
        });
    }

    static Clustering euclidean(Tensor endpoints, double tol2) {
        return cluster(endpoints, (d, p, leaders, l, k) -> LeaderClustering.dist2(d, p, leaders, l, k) < tol2);
    }

    static Clustering cluster(Tensor points, LeaderClustering.Match match) {
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

    static Clustering dbscan(Tensor endpoints, double eps, int minPts) {
        int n = endpoints.rows();
        int k = endpoints.width();
        float[] d = endpoints.data();
        double eps2 = eps * eps;
        double cell2 = eps2 / 16;
        int[] cellOf = cluster(endpoints, (x, p, l, li, w) -> LeaderClustering.dist2(x, p, l, li, w) < cell2)
                .labels();
        int m = 0;
        for (int c : cellOf) {
            m = Math.max(m, c + 1);
        }
        // members of each cell in seed order; the leader is the first member
        int[][] members = new int[m][];
        int[] size = new int[m];
        for (int c : cellOf) {
            size[c]++;
        }
        for (int c = 0; c < m; c++) {
            members[c] = new int[size[c]];
        }
        int[] fill = new int[m];
        for (int p = 0; p < n; p++) {
            members[cellOf[p]][fill[cellOf[p]]++] = p;
        }
        // cells whose leaders are closer than 1.5 eps: the only ones that can hold each other's neighbours
        double reach2 = 2.25 * eps2;
        int[][] near = new int[m][];
        for (int a = 0; a < m; a++) {
            int[] buf = new int[m];
            int cnt = 0;
            for (int b = 0; b < m; b++) {
                if (LeaderClustering.dist2(d, members[a][0], d, members[b][0], k) < reach2) {
                    buf[cnt++] = b;
                }
            }
            near[a] = Arrays.copyOf(buf, cnt);
        }
        boolean[] core = new boolean[n];
        for (int a = 0; a < m; a++) {
            for (int p : members[a]) {
                core[p] = size[a] >= minPts || countWithin(d, k, p, near[a], members, eps2, minPts) >= minPts;
            }
        }
        // clusters of core points: union of cells joined by a core pair within eps
        int[] parent = new int[m];
        for (int a = 0; a < m; a++) {
            parent[a] = a;
        }
        for (int a = 0; a < m; a++) {
            for (int b : near[a]) {
                if (b > a && find(parent, a) != find(parent, b) && corePairWithin(d, k, members[a], members[b], core, eps2)) {
                    parent[find(parent, a)] = find(parent, b);
                }
            }
        }
        // number clusters in the order their first core point appears
        int[] clusterOfRoot = new int[m];
        Arrays.fill(clusterOfRoot, -1);
        int clusters = 0;
        int[] labels = new int[n];
        for (int p = 0; p < n; p++) {
            if (core[p]) {
                int root = find(parent, cellOf[p]);
                if (clusterOfRoot[root] < 0) {
                    clusterOfRoot[root] = clusters++;
                }
                labels[p] = clusterOfRoot[root];
            }
        }
        for (int p = 0; p < n; p++) {
            if (!core[p]) {
                labels[p] = borderCluster(d, k, p, near[cellOf[p]], members, core, eps2, parent, cellOf, clusterOfRoot);
            }
        }
        double[] sums = new double[clusters * k];
        int[] counts = new int[clusters];
        for (int p = 0; p < n; p++) {
            int c = labels[p];
            if (c >= 0) {
                counts[c]++;
                for (int j = 0; j < k; j++) {
                    sums[c * k + j] += d[p * k + j];
                }
            }
        }
        float[] centers = new float[clusters * k];
        for (int c = 0; c < clusters; c++) {
            for (int j = 0; j < k; j++) {
                centers[c * k + j] = (float) (sums[c * k + j] / counts[c]);
            }
        }
        return new Clustering(labels, Tensor.matrix(clusters, k, centers));
    }

    /** Points within eps of p (p included), counted until {@code enough}. */
    private static int countWithin(float[] d, int k, int p, int[] cells, int[][] members, double eps2, int enough) {
        int count = 0;
        for (int c : cells) {
            for (int q : members[c]) {
                if (LeaderClustering.dist2(d, p, d, q, k) <= eps2 && ++count >= enough) {
                    return count;
                }
            }
        }
        return count;
    }

    private static boolean corePairWithin(float[] d, int k, int[] a, int[] b, boolean[] core, double eps2) {
        for (int p : a) {
            if (core[p]) {
                for (int q : b) {
                    if (core[q] && LeaderClustering.dist2(d, p, d, q, k) <= eps2) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The cluster of the first core point (in seed order) within eps, or -1 (noise). */
    private static int borderCluster(float[] d, int k, int p, int[] cells, int[][] members, boolean[] core, double eps2,
            int[] parent, int[] cellOf, int[] clusterOfRoot) {
        int first = Integer.MAX_VALUE;
        for (int c : cells) {
            for (int q : members[c]) {
                if (q < first && core[q] && LeaderClustering.dist2(d, p, d, q, k) <= eps2) {
                    first = q;
                }
            }
        }
        return first == Integer.MAX_VALUE ? -1 : clusterOfRoot[find(parent, cellOf[first])];
    }

    private static int find(int[] parent, int a) {
        while (parent[a] != a) {
            parent[a] = parent[parent[a]];
            a = parent[a];
        }
        return a;
    }

    /**
     * DBSCAN from its definition, O(n²): p is a core point when at least minPts points lie within eps of it
     * (dist2 <= eps², p itself always counted); core points within eps of each other are in one cluster,
     * numbered in the order of their first core point; any other point joins the cluster of the first core point
     * (in seed order) within eps, or is noise (-1).
     */
    static Clustering bruteDbscan(Tensor endpoints, double eps, int minPts) {
        int n = endpoints.rows();
        int k = endpoints.width();
        float[] d = endpoints.data();
        double eps2 = eps * eps;
        boolean[][] within = new boolean[n][n];
        boolean[] core = new boolean[n];
        for (int p = 0; p < n; p++) {
            int count = 1;
            for (int q = 0; q < n; q++) {
                within[p][q] = q != p && LeaderClustering.dist2(d, p, d, q, k) <= eps2;
                count += within[p][q] ? 1 : 0;
            }
            core[p] = count >= minPts;
        }
        int[] labels = new int[n];
        Arrays.fill(labels, -1);
        int clusters = 0;
        for (int p = 0; p < n; p++) {
            if (core[p] && labels[p] < 0) { // flood the core points reachable from p
                int c = clusters++;
                ArrayDeque<Integer> todo = new ArrayDeque<>(List.of(p));
                labels[p] = c;
                while (!todo.isEmpty()) {
                    int a = todo.pop();
                    for (int q = 0; q < n; q++) {
                        if (within[a][q] && core[q] && labels[q] < 0) {
                            labels[q] = c;
                            todo.push(q);
                        }
                    }
                }
            }
        }
        for (int p = 0; p < n; p++) {
            if (!core[p]) {
                for (int q = 0; q < n; q++) {
                    if (core[q] && within[p][q]) {
                        labels[p] = labels[q];
                        break;
                    }
                }
            }
        }
        return new Clustering(labels, Tensor.matrix(clusters, k, LeaderClustering.means(d, k, labels, clusters)));
    }
}
