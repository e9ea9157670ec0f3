package org.latentlab.clusterers.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.attractor.Clustering;
import org.osgi.service.component.annotations.Component;

/**
 * Exact DBSCAN (Ester et al. 1996) on end points, Euclidean distance: a point is a core point when at
 * least {@code minPoints} points (itself included) lie within {@code eps}; core points within eps of
 * each other share a cluster; a non-core point within eps of a core point is a border point and joins
 * the cluster of the first such core point (in seed order); every other point is noise (label -1,
 * converged without an attractor).
 *
 * <p>End points pile up on few attractors, so an n×n neighbour search would be mostly wasted. The
 * points are first indexed by leader cells of radius eps/4 (a point joins the first cell whose leader
 * is closer than eps/4). Because two points within eps lie in cells whose leaders are closer than
 * 1.5·eps, only such cell pairs are searched; and all members of one cell are within eps/2 of each
 * other, so a cell of at least minPoints members holds only core points, all in one cluster. These are
 * shortcuts of the search, not approximations: the result is DBSCAN's (checked against Commons Math's
 * {@code DBSCANClusterer} in the tests). The cluster representative is the mean of its members.
 */
@Component(property = {ServiceProperties.ID + "=dbscan",
        ServiceProperties.DESCRIPTION + "=density clustering (DBSCAN) of end points; sparse points are noise (-1)"})
public class DbscanClusterer implements AttractorClusterer {

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.real("eps", 5e-2, 0, Double.MAX_VALUE, "neighbourhood radius"),
                ParameterSpec.integer("minPoints", 5, 1, Integer.MAX_VALUE,
                        "points within eps, the point itself included, that make a core point"));
    }

    @Override
    public Clustering cluster(Tensor endpoints, Parameters params) {
        return dbscan(endpoints, params.getDouble("eps", 5e-2), params.getInt("minPoints", 5));
    }

    static Clustering dbscan(Tensor endpoints, double eps, int minPts) {
        int n = endpoints.rows();
        int k = endpoints.width();
        float[] d = endpoints.data();
        double eps2 = eps * eps;
        double cell2 = eps2 / 16;
        int[] cellOf = LeaderClustering.cluster(endpoints, (x, p, l, li, w) -> LeaderClustering.dist2(x, p, l, li, w) < cell2)
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
}
