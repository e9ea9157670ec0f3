package org.latentlab.clusterers.internal;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
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
 * points are first grouped into leader cells of radius eps/4 (a point joins the first cell whose leader
 * is closer than eps/4; found through a ball tree, see {@link LeaderClustering}). Because two points within
 * eps lie in cells whose leaders are within 1.5·eps, only such cell pairs are searched (found through a
 * ball tree of the leaders); all members of one cell are within eps/2 of each other, so a cell of at least
 * minPoints members holds only core points, all in one cluster; and a cell lies wholly within eps of a point,
 * or wholly beyond, unless the point is near the eps sphere around the cell's leader (the distance from the
 * leader to its farthest member decides), so members are compared one by one only then. These are shortcuts
 * of the search, not approximations, each with a margin for rounding: the result is DBSCAN's (checked
 * against Commons Math's {@code DBSCANClusterer} and a brute-force O(n²) DBSCAN in the tests). Rows with NaN or
 * infinite values have no neighbours (they are core points only when minPoints is 1). The cluster
 * representative is the mean of its members. With eps = 0, exact duplicates are neighbours.
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
        double[] finite = LeaderClustering.finiteRows(d, n, k);
        int[] cellOf = LeaderClustering.labels(endpoints, (x, p, l, li, w) -> LeaderClustering.dist2(x, p, l, li, w) < cell2,
                finite, LeaderClustering.radiusOf(cell2, k));
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
        Cells cells = new Cells(d, k, eps, members);
        // cells whose leaders are within 1.5 eps: the only ones that can hold each other's neighbours
        double reach2 = 2.25 * eps2 * (1 + (k + 8) * 0x1p-48);
        int[] leaderRows = new int[m];
        int finiteCells = 0;
        for (int c = 0; c < m; c++) {
            if (finite[members[c][0]] > 0) {
                leaderRows[finiteCells++] = members[c][0];
            }
        }
        BallTree leaders = new BallTree(d, n, k, null, Arrays.copyOf(leaderRows, finiteCells), 0);
        int[][] near = new int[m][];
        IntStream.range(0, m).parallel().forEach(a -> {
            int la = members[a][0];
            if (finite[la] == LeaderClustering.ALONE) {
                near[a] = new int[0];
                return;
            }
            int[][] out = {new int[8]};
            int[] cnt = {0};
            leaders.forEachNear(leaders.pos[la], LeaderClustering.radiusOf(reach2, k), i -> {
                int lb = leaders.perm[i];
                if (LeaderClustering.dist2(d, la, d, lb, k) <= reach2) {
                    if (cnt[0] == out[0].length) {
                        out[0] = Arrays.copyOf(out[0], cnt[0] * 2);
                    }
                    out[0][cnt[0]++] = cellOf[lb];
                }
            });
            int[] list = Arrays.copyOf(out[0], cnt[0]);
            Arrays.sort(list);
            near[a] = list;
        });
        boolean[] core = new boolean[n];
        IntStream.range(0, m).parallel().forEach(a -> {
            for (int p : members[a]) {
                core[p] = size[a] >= minPts || cells.countWithin(p, near[a], minPts) >= minPts;
            }
        });
        cells.setCore(core);
        // clusters of core points: union of cells joined by a core pair within eps
        int[] parent = new int[m];
        for (int a = 0; a < m; a++) {
            parent[a] = a;
        }
        for (int a = 0; a < m; a++) {
            for (int b : near[a]) {
                if (b > a && find(parent, a) != find(parent, b) && cells.corePairWithin(a, b)) {
                    parent[find(parent, a)] = find(parent, b);
                }
            }
        }
        int[] root = new int[m];
        for (int a = 0; a < m; a++) {
            root[a] = find(parent, a);
        }
        // number clusters in the order their first core point appears
        int[] clusterOfRoot = new int[m];
        Arrays.fill(clusterOfRoot, -1);
        int clusters = 0;
        int[] labels = new int[n];
        for (int p = 0; p < n; p++) {
            if (core[p]) {
                int r = root[cellOf[p]];
                if (clusterOfRoot[r] < 0) {
                    clusterOfRoot[r] = clusters++;
                }
                labels[p] = clusterOfRoot[r];
            }
        }
        IntStream.range(0, n).parallel().forEach(p -> {
            if (!core[p]) {
                int first = cells.firstCoreWithin(p, near[cellOf[p]]);
                labels[p] = first < 0 ? -1 : clusterOfRoot[root[cellOf[first]]];
            }
        });
        return new Clustering(labels, Tensor.matrix(clusters, k, LeaderClustering.means(d, k, labels, clusters)));
    }

    /**
     * The cells with the distance of their farthest member from their leader, so that a whole cell can be counted
     * or skipped from one distance: a cell is entirely within eps of p, or entirely beyond, unless p lies within
     * that radius of the eps sphere around the cell's leader; only then are its members compared one by one.
     */
    private static final class Cells {
        private final float[] d;
        private final int k;
        private final double eps;
        private final double eps2;
        private final double tiny;
        private final int[][] members;
        private final double[] radius;
        private boolean[] core;
        /** The first core member of each cell in seed order, or -1. */
        private int[] firstCore;

        Cells(float[] d, int k, double eps, int[][] members) {
            this.d = d;
            this.k = k;
            this.eps = eps;
            this.eps2 = eps * eps;
            // relative rounding of a distance computed in double from float rows, with a wide margin
            this.tiny = (k + 8) * 0x1p-48;
            this.members = members;
            this.radius = new double[members.length];
            IntStream.range(0, members.length).parallel().forEach(c -> {
                int l = members[c][0];
                double max = 0;
                for (int q : members[c]) {
                    max = Math.max(max, LeaderClustering.dist2(d, q, d, l, k));
                }
                radius[c] = Math.sqrt(max);
            });
        }

        void setCore(boolean[] core) {
            this.core = core;
            firstCore = new int[members.length];
            for (int c = 0; c < members.length; c++) {
                firstCore[c] = -1;
                for (int q : members[c]) {
                    if (core[q]) {
                        firstCore[c] = q;
                        break;
                    }
                }
            }
        }

        private static final int NONE = 0;
        private static final int ALL = 1;
        private static final int SOME = 2;

        /** Whether no member, every member or possibly some members of cell c are within eps of point p. */
        private int reach(int p, int c) {
            double dl = Math.sqrt(LeaderClustering.dist2(d, p, d, members[c][0], k));
            double r = radius[c];
            double margin = 2 * tiny * (dl + r + eps);
            if (dl - r - margin > eps) {
                return NONE;
            }
            return dl + r + margin < eps ? ALL : SOME;
        }

        /** Points within eps of p (p included), counted until {@code enough}. */
        int countWithin(int p, int[] cells, int enough) {
            int count = 0;
            for (int c : cells) {
                int reach = reach(p, c);
                if (reach == ALL) {
                    count += members[c].length;
                } else if (reach == SOME) {
                    for (int q : members[c]) {
                        if (LeaderClustering.dist2(d, p, d, q, k) <= eps2 && ++count >= enough) {
                            return count;
                        }
                    }
                }
                if (count >= enough) {
                    return count;
                }
            }
            return count;
        }

        /** Whether a core point of cell a and one of cell b are within eps. */
        boolean corePairWithin(int a, int b) {
            if (firstCore[a] < 0 || firstCore[b] < 0) {
                return false;
            }
            if (members[a].length > members[b].length) {
                int t = a;
                a = b;
                b = t;
            }
            for (int p : members[a]) {
                if (core[p]) {
                    int reach = reach(p, b);
                    if (reach == ALL) {
                        return true;
                    }
                    if (reach == SOME) {
                        for (int q : members[b]) {
                            if (core[q] && LeaderClustering.dist2(d, p, d, q, k) <= eps2) {
                                return true;
                            }
                        }
                    }
                }
            }
            return false;
        }

        /** The first core point (in seed order) within eps of p, or -1 (noise). */
        int firstCoreWithin(int p, int[] cells) {
            int first = Integer.MAX_VALUE;
            for (int c : cells) {
                if (firstCore[c] < 0 || firstCore[c] >= first) {
                    continue;
                }
                int reach = reach(p, c);
                if (reach == ALL) {
                    first = firstCore[c];
                } else if (reach == SOME) {
                    for (int q : members[c]) { // seed order: the first found is the cell's first
                        if (q >= first) {
                            break;
                        }
                        if (core[q] && LeaderClustering.dist2(d, p, d, q, k) <= eps2) {
                            first = q;
                            break;
                        }
                    }
                }
            }
            return first == Integer.MAX_VALUE ? -1 : first;
        }
    }

    private static int find(int[] parent, int a) {
        while (parent[a] != a) {
            parent[a] = parent[parent[a]];
            a = parent[a];
        }
        return a;
    }
}
