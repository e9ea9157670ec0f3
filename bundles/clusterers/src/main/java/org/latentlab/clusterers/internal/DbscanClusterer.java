package org.latentlab.clusterers.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.attractor.ClusterSummary;
import org.latentlab.api.attractor.Clustering;
import org.latentlab.api.attractor.MergeableClusterer;
import org.latentlab.api.attractor.MergedClustering;
import org.latentlab.api.attractor.PartialClustering;
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
 *
 * <p>Parts (runs above the engine's in-memory limit) do not merge exactly in general, because density does not
 * stop at a part's border. Each part is clustered by DBSCAN alone; a cluster is summarised by its core points, one
 * per cell of radius eps/4 (every core point lies within eps/4 of one); clusters of different parts are joined when
 * two of those representatives lie within eps. This equals DBSCAN of all points when (1) every point that is core
 * among all points is core among its own part's points, (2) a border point's first core point within eps (in seed
 * order) is in its own part, and (3) clusters joined across parts have representatives within eps. (1) and (2) hold
 * where every part holds at least minPoints points around each attractor, as end points piled on attractors do;
 * they fail in sparse regions, where a point can be noise in its part but core or border among all points. For
 * (3) the merge counts as undecided the cluster pairs it leaves apart whose representatives lie within 1.5·eps.
 */
@Component(service = AttractorClusterer.class, property = {ServiceProperties.ID + "=dbscan",
        ServiceProperties.DESCRIPTION + "=density clustering (DBSCAN) of end points; sparse points are noise (-1)"})
public class DbscanClusterer implements MergeableClusterer {

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

    @Override
    public PartialClustering clusterPart(Tensor endpoints, Parameters params) {
        return part(endpoints, params.getDouble("eps", 5e-2), params.getInt("minPoints", 5));
    }

    @Override
    public MergedClustering merge(List<List<ClusterSummary>> parts, Parameters params) {
        return merge(parts, params.getDouble("eps", 5e-2));
    }

    static Clustering dbscan(Tensor endpoints, double eps, int minPts) {
        Result r = run(endpoints, eps, minPts);
        return new Clustering(r.labels(), r.centers());
    }

    /** Labels, centers and which points are core. */
    private record Result(int[] labels, Tensor centers, boolean[] core) {}

    /** DBSCAN of one part, each cluster summarised by core points one per eps/4 cell, its sums, count and spread. */
    static PartialClustering part(Tensor endpoints, double eps, int minPts) {
        Result r = run(endpoints, eps, minPts);
        int n = endpoints.rows();
        int k = endpoints.width();
        float[] d = endpoints.data();
        int m = r.centers().rows();
        double cell2 = eps * eps / 16;
        List<List<Integer>> reps = new ArrayList<>();
        double[][] sums = new double[m][k];
        long[] counts = new long[m];
        for (int c = 0; c < m; c++) {
            reps.add(new ArrayList<>());
        }
        for (int p = 0; p < n; p++) {
            int c = r.labels()[p];
            if (c < 0) {
                continue;
            }
            counts[c]++;
            for (int j = 0; j < k; j++) {
                sums[c][j] += d[p * k + j];
            }
            if (r.core()[p] && farFromAll(d, k, p, reps.get(c), cell2)) {
                reps.get(c).add(p);
            }
        }
        double[] spread = new double[m];
        for (int p = 0; p < n; p++) {
            int c = r.labels()[p];
            if (c >= 0) {
                double nearest = Double.MAX_VALUE;
                for (int q : reps.get(c)) {
                    nearest = Math.min(nearest, LeaderClustering.dist2(d, p, d, q, k));
                }
                spread[c] = Math.max(spread[c], Math.sqrt(nearest));
            }
        }
        List<ClusterSummary> out = new ArrayList<>();
        for (int c = 0; c < m; c++) {
            List<Integer> rc = reps.get(c);
            float[] rows = new float[rc.size() * k];
            for (int i = 0; i < rc.size(); i++) {
                System.arraycopy(d, rc.get(i) * k, rows, i * k, k);
            }
            out.add(new ClusterSummary(Tensor.matrix(rc.size(), k, rows), sums[c], counts[c], spread[c]));
        }
        return new PartialClustering(r.labels(), out);
    }

    /** Joins clusters of different parts whose representatives lie within eps (see the class comment). */
    static MergedClustering merge(List<List<ClusterSummary>> parts, double eps) {
        List<ClusterSummary> all = new ArrayList<>();
        List<Integer> partOf = new ArrayList<>();
        for (int p = 0; p < parts.size(); p++) {
            for (ClusterSummary s : parts.get(p)) {
                all.add(s);
                partOf.add(p);
            }
        }
        int total = all.size();
        int[] parent = new int[total];
        for (int i = 0; i < total; i++) {
            parent[i] = i;
        }
        double eps2 = eps * eps;
        double near2 = 2.25 * eps2;
        List<int[]> close = new ArrayList<>(); // pairs left apart so far whose representatives lie within 1.5 eps
        for (int j = 0; j < total; j++) {
            for (int i = 0; i < j; i++) {
                if (partOf.get(i).equals(partOf.get(j)) || find(parent, i) == find(parent, j)) {
                    continue;
                }
                double d2 = nearest2(all.get(i).representatives(), all.get(j).representatives());
                if (d2 <= eps2) {
                    int a = find(parent, i);
                    int b = find(parent, j);
                    parent[Math.max(a, b)] = Math.min(a, b); // the root is the cluster that appeared first
                } else if (d2 <= near2) {
                    close.add(new int[] {i, j});
                }
            }
        }
        long undecided = close.stream().filter(c -> find(parent, c[0]) != find(parent, c[1])).count();
        int[] idOfRoot = new int[total];
        java.util.Arrays.fill(idOfRoot, -1);
        List<ClusterSummary> merged = new ArrayList<>();
        int[] id = new int[total];
        for (int i = 0; i < total; i++) {
            int root = find(parent, i);
            if (idOfRoot[root] < 0) {
                idOfRoot[root] = merged.size();
                merged.add(all.get(i));
            } else {
                merged.set(idOfRoot[root], merged.get(idOfRoot[root]).plus(all.get(i)));
            }
            id[i] = idOfRoot[root];
        }
        List<int[]> relabel = new ArrayList<>();
        int at = 0;
        for (List<ClusterSummary> part : parts) {
            relabel.add(java.util.Arrays.copyOfRange(id, at, at + part.size()));
            at += part.size();
        }
        return new MergedClustering(merged, relabel, undecided);
    }

    private static boolean farFromAll(float[] d, int k, int p, List<Integer> reps, double cell2) {
        for (int q : reps) {
            if (LeaderClustering.dist2(d, p, d, q, k) < cell2) {
                return false;
            }
        }
        return true;
    }

    /** Smallest squared distance between a row of {@code a} and a row of {@code b}. */
    private static double nearest2(Tensor a, Tensor b) {
        int k = a.width();
        double best = Double.MAX_VALUE;
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < b.rows(); j++) {
                best = Math.min(best, LeaderClustering.dist2(a.data(), i, b.data(), j, k));
            }
        }
        return best;
    }

    private static Result run(Tensor endpoints, double eps, int minPts) {
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
        return new Result(labels, Tensor.matrix(clusters, k, centers), core);
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
