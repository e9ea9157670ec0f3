package org.latentlab.clusterers.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
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
 * points are first grouped into leader cells of radius eps/4 (a point joins the first cell whose leader
 * is closer than eps/4; found as in {@link LeaderClustering}). Because two points within
 * eps lie in cells whose leaders are within 1.5·eps, only such cell pairs are searched (found through a
 * {@link ProjectionIndex} of the leaders); all members of one cell are within eps/2 of each other, so a cell of at least
 * minPoints members holds only core points, all in one cluster; and a cell lies wholly within eps of a point,
 * or wholly beyond, unless the point is near the eps sphere around the cell's leader (the distance from the
 * leader to its farthest member decides), so members are compared one by one only then. These are shortcuts
 * of the search, not approximations, each with a margin for rounding: the result is DBSCAN's (checked
 * against Commons Math's {@code DBSCANClusterer} and a brute-force O(n²) DBSCAN in the tests). Rows with NaN or
 * infinite values have no neighbours (they are core points only when minPoints is 1). The cluster
 * representative is the mean of its members. With eps = 0, exact duplicates are neighbours.
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
        Arrays.fill(idOfRoot, -1);
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
            relabel.add(Arrays.copyOfRange(id, at, at + part.size()));
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
        for (int c = 0; c < m; c++) {
            leaderRows[c] = members[c][0];
        }
        ProjectionIndex leaders = new ProjectionIndex(d, n, k, finite, Math.sqrt(reach2), leaderRows);
        for (int c = 0; c < m; c++) {
            if (leaders.inView(members[c][0])) {
                leaders.add(members[c][0], c);
            }
        }
        int[][] near = new int[m][];
        IntStream.range(0, m).parallel().forEach(a -> {
            int la = members[a][0];
            if (!leaders.inView(la)) { // NaN or infinite: no neighbours
                near[a] = new int[0];
                return;
            }
            int[][] out = {new int[8]};
            int[] cnt = {0};
            leaders.forEachCandidate(la, Math.sqrt(reach2), (b, lb) -> {
                if (LeaderClustering.dist2(d, la, d, lb, k) <= reach2) {
                    if (cnt[0] == out[0].length) {
                        out[0] = Arrays.copyOf(out[0], cnt[0] * 2);
                    }
                    out[0][cnt[0]++] = b;
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
        return new Result(labels, Tensor.matrix(clusters, k, LeaderClustering.means(d, k, labels, clusters)), core);
    }

    /**
     * The cells, each with its members sorted by their distance from the leader, so that the members of a cell
     * within eps of a point p are settled by two binary searches and a short scan: with dl the distance from p to
     * the leader and r that of a member, the member is within eps when dl + r <= eps and beyond when |dl - r| > eps
     * (triangle inequality); only members with r in between are compared with p. On an attractor's cell of tight
     * points that is none or a few, wherever p lies.
     */
    private static final class Cells {
        private final float[] d;
        private final int k;
        private final double eps;
        private final double eps2;
        private final double tiny;
        private final int[] leader;
        /** Members of each cell by distance from its leader (ties by seed order), and those distances. */
        private final int[][] byRadius;
        private final double[][] radii;
        private boolean[] core;
        /** Per cell, per position in byRadius: the smallest seed index of a core member up to there, or MAX. */
        private int[][] firstCoreUpTo;

        Cells(float[] d, int k, double eps, int[][] members) {
            this.d = d;
            this.k = k;
            this.eps = eps;
            this.eps2 = eps * eps;
            // relative rounding of a distance computed in double from float rows, with a wide margin
            this.tiny = (k + 8) * 0x1p-48;
            int m = members.length;
            this.leader = new int[m];
            this.byRadius = new int[m][];
            this.radii = new double[m][];
            IntStream.range(0, m).parallel().forEach(c -> {
                int[] mem = members[c];
                int l = mem[0];
                leader[c] = l;
                double[] r = new double[mem.length];
                boolean sorted = true;
                for (int i = 0; i < mem.length; i++) {
                    r[i] = Math.sqrt(LeaderClustering.dist2(d, mem[i], d, l, k));
                    sorted &= i == 0 || r[i] >= r[i - 1];
                }
                if (sorted) {
                    byRadius[c] = mem;
                    radii[c] = r;
                    return;
                }
                Integer[] order = new Integer[mem.length];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                Arrays.sort(order, (a, b) -> r[a] != r[b] ? Double.compare(r[a], r[b]) : Integer.compare(mem[a], mem[b]));
                int[] byR = new int[mem.length];
                double[] rs = new double[mem.length];
                for (int i = 0; i < order.length; i++) {
                    byR[i] = mem[order[i]];
                    rs[i] = r[order[i]];
                }
                byRadius[c] = byR;
                radii[c] = rs;
            });
        }

        void setCore(boolean[] core) {
            this.core = core;
            firstCoreUpTo = new int[byRadius.length][];
            IntStream.range(0, byRadius.length).parallel().forEach(c -> {
                int[] mem = byRadius[c];
                int[] f = new int[mem.length];
                int min = Integer.MAX_VALUE;
                for (int i = 0; i < mem.length; i++) {
                    if (core[mem[i]]) {
                        min = Math.min(min, mem[i]);
                    }
                    f[i] = min;
                }
                firstCoreUpTo[c] = f;
            });
        }

        /** The members of cell c that may be within eps of p: those settled as within, and the range to compare. */
        private final class Reach {
            int within; // byRadius[c][0 .. within) are within eps
            int from;   // byRadius[c][from .. to) must be compared
            int to;
        }

        /** Settles what it can of cell c's members for p; false when none can be within eps. */
        private boolean reach(int p, int c, Reach out) {
            double dl = Math.sqrt(LeaderClustering.dist2(d, p, d, leader[c], k));
            double[] r = radii[c];
            double margin = 2 * tiny * (dl + r[r.length - 1] + eps);
            if (dl - r[r.length - 1] - margin > eps) {
                return false;
            }
            out.within = upper(r, eps - dl - margin, 0);
            out.from = Math.max(out.within, upper(r, dl - eps - margin, 0)); // below: farther than eps inside
            out.to = upper(r, dl + eps + margin, out.from);
            return true;
        }

        /** The number of values up to x in a sorted array, counting from start. */
        private static int upper(double[] a, double x, int start) {
            int lo = start;
            int hi = a.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (a[mid] <= x) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        /** Points within eps of p (p included), counted until {@code enough}. */
        int countWithin(int p, int[] cells, int enough) {
            Reach in = new Reach();
            int count = 0;
            for (int c : cells) {
                if (!reach(p, c, in)) {
                    continue;
                }
                count += in.within;
                int[] mem = byRadius[c];
                for (int i = in.from; i < in.to && count < enough; i++) {
                    if (LeaderClustering.dist2(d, p, d, mem[i], k) <= eps2) {
                        count++;
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
            int[] fa = firstCoreUpTo[a];
            int[] fb = firstCoreUpTo[b];
            if (fa[fa.length - 1] == Integer.MAX_VALUE || fb[fb.length - 1] == Integer.MAX_VALUE) {
                return false;
            }
            if (byRadius[a].length > byRadius[b].length) {
                int t = a;
                a = b;
                b = t;
            }
            Reach in = new Reach();
            int[] mb = byRadius[b];
            for (int p : byRadius[a]) {
                if (core[p] && reach(p, b, in)) {
                    if (in.within > 0 && firstCoreUpTo[b][in.within - 1] != Integer.MAX_VALUE) {
                        return true;
                    }
                    for (int i = in.from; i < in.to; i++) {
                        if (core[mb[i]] && LeaderClustering.dist2(d, p, d, mb[i], k) <= eps2) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }

        /** The first core point (in seed order) within eps of p, or -1 (noise). */
        int firstCoreWithin(int p, int[] cells) {
            Reach in = new Reach();
            int first = Integer.MAX_VALUE;
            for (int c : cells) {
                int[] f = firstCoreUpTo[c];
                if (f[f.length - 1] >= first || !reach(p, c, in)) {
                    continue;
                }
                if (in.within > 0) {
                    first = Math.min(first, f[in.within - 1]);
                }
                int[] mem = byRadius[c];
                for (int i = in.from; i < in.to; i++) {
                    int q = mem[i];
                    if (q < first && core[q] && LeaderClustering.dist2(d, p, d, q, k) <= eps2) {
                        first = q;
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
