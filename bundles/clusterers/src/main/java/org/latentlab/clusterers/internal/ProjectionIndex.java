package org.latentlab.clusterers.internal;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Finds the indexed points that may lie within a radius of a point, never missing one: a hash grid on the
 * projections onto a few fixed orthonormal axes, and a filter on the projections onto a few more. A projection
 * onto a unit axis moves by at most the distance itself, so a point whose projections all lie within the radius
 * (plus a rounding margin) is a candidate; the others cannot be within. The index only prunes: callers apply their
 * exact rule to the candidates.
 *
 * <p>Points live in a "view": the data row times a per-row scale (1 for Euclidean rules, 1/norm for the cosine
 * rule, whose points are compared as unit vectors). Distances and projections are computed in double precision
 * from the float rows; {@link #margin} covers their rounding.
 *
 * <p>A projection grid suits end points: isolated points are far apart along almost every axis, tight clusters
 * fall into one cell. (A ball tree does not: one isolated point in a node makes its ball as wide as the data.)
 */
final class ProjectionIndex {

    /** Axes of the filter; the first {@link #GRID} of them also hash the grid. */
    static final int AXES = 8;
    static final int GRID = 3;

    private final float[] data;
    private final int k;
    private final double[] scale;
    final int axes;
    private final int grid;
    /** Axis vectors, axes × k. */
    private final double[] u;
    /** Projections of every row (rows not in the view: NaN), n × axes. */
    final double[] proj;
    /** Grid cell width: at least the largest radius searched, plus the margin. */
    private final double cell;
    /** Bounds the rounding of a distance or projection, absolute. */
    final double margin;

    // the grid: open addressing from a cell's hash to a list of ids
    private long[] keys;
    private int[][] lists;
    /** The projections of each list's rows, contiguous: a scan of a cell reads memory in order. */
    private double[][] listProj;
    private int[] sizes;
    private int used;
    /** Row of each id. */
    private int[] rowOf = new int[16];

    /**
     * @param scale per row: a positive finite factor puts the row in the view; anything else leaves it out
     *              (its projections are NaN and it must not be added). Null: every row as it is, all in the view.
     * @param reach the largest radius that will be searched
     */
    ProjectionIndex(float[] data, int n, int k, double[] scale, double reach) {
        this(data, n, k, scale, reach, null);
    }

    /** An index that will only hold and search for the given rows (null: any row). */
    ProjectionIndex(float[] data, int n, int k, double[] scale, double reach, int[] rows) {
        this.data = data;
        this.k = k;
        this.scale = scale;
        this.axes = Math.min(AXES, Math.max(k, 1));
        this.grid = Math.min(GRID, axes);
        this.u = axes(k, axes);
        this.proj = new double[n * axes];
        double[] norm = new double[n];
        if (rows != null) {
            Arrays.fill(proj, Double.NaN);
        }
        IntStream.range(0, rows == null ? n : rows.length).parallel().forEach(i -> {
            int p = rows == null ? i : rows[i];
            double s = scaleOf(p);
            if (!(s > 0 && s < Double.POSITIVE_INFINITY)) {
                Arrays.fill(proj, p * axes, (p + 1) * axes, Double.NaN);
                return;
            }
            double n2 = 0;
            for (int j = 0; j < k; j++) {
                double v = data[p * k + j] * s;
                n2 += v * v;
            }
            for (int a = 0; a < axes; a++) {
                double t = 0;
                for (int j = 0; j < k; j++) {
                    t += data[p * k + j] * u[a * k + j];
                }
                proj[p * axes + a] = t * s;
            }
            if (!(n2 < Double.POSITIVE_INFINITY)) { // NaN or infinity in the row: out of the view
                Arrays.fill(proj, p * axes, (p + 1) * axes, Double.NaN);
                return;
            }
            norm[p] = Math.sqrt(n2);
        });
        double maxNorm = 0;
        for (double v : norm) {
            maxNorm = Math.max(maxNorm, v); // NaN rows are out of the view and were left at 0
        }
        // each view coordinate and each sum of k products is within about k ulps (2^-52 relative) of its exact
        // value; this margin is a million times that on the largest distance or projection that can occur
        this.margin = (k + 4) * 0x1p-32 * (2 * maxNorm + 1) + (k + 4) * 0x1p-32 * reach;
        double c = reach + 2 * margin;
        this.cell = c > 0 ? c : Double.MIN_NORMAL;
        keys = new long[64];
        lists = new int[64][];
        listProj = new double[64][];
        sizes = new int[64];
    }

    private double scaleOf(int p) {
        return scale == null ? 1 : scale[p];
    }

    /** Fixed orthonormal axes: the coordinate axes when there are no more of them than axes, else random ones. */
    private static double[] axes(int k, int count) {
        double[] u = new double[count * k];
        if (k <= count) {
            for (int a = 0; a < count && a < k; a++) {
                u[a * k + a] = 1;
            }
            return u;
        }
        Random r = new Random(0x5eed);
        for (int a = 0; a < count; a++) {
            while (true) {
                for (int j = 0; j < k; j++) {
                    u[a * k + j] = r.nextGaussian();
                }
                for (int b = 0; b < a; b++) { // Gram–Schmidt
                    double dot = 0;
                    for (int j = 0; j < k; j++) {
                        dot += u[a * k + j] * u[b * k + j];
                    }
                    for (int j = 0; j < k; j++) {
                        u[a * k + j] -= dot * u[b * k + j];
                    }
                }
                double len = 0;
                for (int j = 0; j < k; j++) {
                    len += u[a * k + j] * u[a * k + j];
                }
                if (len > 1e-6) {
                    len = Math.sqrt(len);
                    for (int j = 0; j < k; j++) {
                        u[a * k + j] /= len;
                    }
                    break;
                }
            }
        }
        return u;
    }

    /** Whether row p is in the view (and so can be added and searched for). */
    boolean inView(int p) {
        return !Double.isNaN(proj[p * axes]);
    }

    /** Distance between rows p and q in the view. */
    double dist(int p, int q) {
        double sp = scaleOf(p);
        double sq = scaleOf(q);
        double s = 0;
        for (int j = 0; j < k; j++) {
            double t = data[p * k + j] * sp - data[q * k + j] * sq;
            s += t * t;
        }
        return Math.sqrt(s);
    }

    private long cellOf(double v) {
        return (long) Math.floor(v / cell); // saturates for huge values; monotone, which is all the grid needs
    }

    /** The hash of the grid cell of row p: rows with equal keys are in the same cell (or collide, which is harmless). */
    long key(int p) {
        long h = 0;
        for (int a = 0; a < grid; a++) {
            h = (h + cellOf(proj[p * axes + a])) * 0x9E3779B97F4A7C15L;
        }
        return h ^ (h >>> 29);
    }

    /**
     * A hash of the cell of row p in a grid of the given width on all axes: a hint for callers that
     * remember what nearby points matched (cells of the search grid are too coarse for that).
     */
    long key(int p, double width) {
        long h = 0;
        for (int a = 0; a < axes; a++) {
            double v = proj[p * axes + a] / width;
            h = (h + (v == v ? (long) Math.floor(v) : 0)) * 0x9E3779B97F4A7C15L;
        }
        return h ^ (h >>> 29);
    }

    /** Adds row p (in the view) under {@code id}; ids are 0, 1, 2, ... in the order added. */
    void add(int p, int id) {
        if (id >= rowOf.length) {
            rowOf = Arrays.copyOf(rowOf, Math.max(id + 1, rowOf.length * 2));
        }
        rowOf[id] = p;
        long key = key(p);
        int slot = slot(key, true);
        if (lists[slot] == null) {
            lists[slot] = new int[2];
            listProj[slot] = new double[2 * axes];
        } else if (sizes[slot] == lists[slot].length) {
            lists[slot] = Arrays.copyOf(lists[slot], sizes[slot] * 2);
            listProj[slot] = Arrays.copyOf(listProj[slot], sizes[slot] * 2 * axes);
        }
        System.arraycopy(proj, p * axes, listProj[slot], sizes[slot] * axes, axes);
        lists[slot][sizes[slot]++] = id;
    }

    int rowOf(int id) {
        return rowOf[id];
    }

    private int slot(long key, boolean create) {
        int mask = keys.length - 1;
        int i = (int) (key ^ (key >>> 32)) & mask;
        while (lists[i] != null) {
            if (keys[i] == key) {
                return i;
            }
            i = (i + 1) & mask;
        }
        if (!create) {
            return -1;
        }
        if (2 * (used + 1) > keys.length) {
            grow();
            return slot(key, true);
        }
        keys[i] = key;
        used++;
        return i;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[][] oldLists = lists;
        double[][] oldProj = listProj;
        int[] oldSizes = sizes;
        keys = new long[oldKeys.length * 2];
        lists = new int[oldKeys.length * 2][];
        listProj = new double[oldKeys.length * 2][];
        sizes = new int[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int s = 0; s < oldKeys.length; s++) {
            if (oldLists[s] != null) {
                int i = (int) (oldKeys[s] ^ (oldKeys[s] >>> 32)) & mask;
                while (lists[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[s];
                lists[i] = oldLists[s];
                listProj[i] = oldProj[s];
                sizes[i] = oldSizes[s];
            }
        }
    }

    /** Receives candidates. */
    interface Visitor {
        void visit(int id, int row);
    }

    /**
     * Calls {@code v} with every added id whose row may be within {@code radius} (at most the reach) of row p in
     * the view: all that are, and some that are not. Not thread-safe against {@link #add}.
     */
    void forEachCandidate(int p, double radius, Visitor v) {
        double r = radius + margin;
        long[] lo = new long[grid];
        long[] hi = new long[grid];
        for (int a = 0; a < grid; a++) {
            double x = proj[p * axes + a];
            lo[a] = cellOf(x - r);
            hi[a] = cellOf(x + r);
        }
        long[] c = lo.clone();
        while (true) {
            long h = 0;
            for (int a = 0; a < grid; a++) {
                h = (h + c[a]) * 0x9E3779B97F4A7C15L;
            }
            int slot = slot(h ^ (h >>> 29), false);
            if (slot >= 0) {
                int[] ids = lists[slot];
                double[] pr = listProj[slot];
                for (int i = 0, size = sizes[slot]; i < size; i++) {
                    if (near(p, pr, i, r)) {
                        v.visit(ids[i], rowOf[ids[i]]);
                    }
                }
            }
            int a = 0; // next cell of the box, odometer-wise (no overflow: each range is at most a few cells)
            while (a < grid && c[a] == hi[a]) {
                c[a] = lo[a];
                a++;
            }
            if (a == grid) {
                return;
            }
            c[a]++;
        }
    }

    /** Whether all projections of row p and entry i of a list are within r of each other. */
    private boolean near(int p, double[] pr, int i, double r) {
        boolean within = true; // no early exit: a branch per axis would mispredict half the time
        int pa = p * axes;
        int ia = i * axes;
        for (int a = 0; a < axes; a++) {
            within &= Math.abs(proj[pa + a] - pr[ia + a]) <= r;
        }
        return within;
    }
}
