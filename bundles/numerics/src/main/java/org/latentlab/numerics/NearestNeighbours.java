package org.latentlab.numerics;

import java.util.Arrays;
import java.util.concurrent.Executor;
import org.latentlab.api.LatentLabException;

/**
 * Exact k-nearest-neighbour distances (Euclidean) from query points to a fixed set of reference
 * points, without a query × reference matrix: queries go in blocks of {@link #QUERY_BLOCK}, each block
 * runs over the references in blocks of at most 512 references and 2^17 values (transposed to
 * double, so the inner loop runs over references, four queries at a time), and each query keeps a
 * bounded max-heap of its kNN best. Distances are Σ_d (q_d − r_d)² accumulated in double over the
 * coordinates in order (no ‖a‖² + ‖b‖² − 2a·b cancellation), then the square root; the result is the
 * same as a brute-force double loop, bit for bit. Ties keep the lower reference index, so the neighbour indices are deterministic too.
 *
 * <p>Self-exclusion ({@link #searchSelf}): the queries are the references themselves and query i
 * never matches reference i (by index, as scikit-learn's {@code kneighbors()} without X); another
 * reference at the same position (a duplicate) still counts, at distance 0.
 *
 * <p>Memory: the result ([q × kNN] distances and indices) plus, per running block, the transposed
 * reference block (≤ 1 MB, in double) and QUERY_BLOCK heaps. Immutable and thread-safe; the
 * reference data is not copied, so the caller must not change it while searching. A search is not
 * interruptible: 10^4 × 10^5 points of dimension 32 take about 25 s of CPU (docs/numerics.md).
 */
public final class NearestNeighbours {

    /** Queries per parallel task. */
    public static final int QUERY_BLOCK = 256;

    /** Values (references × dimension) per transposed reference block: 1 MB of doubles. */
    static final int REFERENCE_BLOCK_VALUES = 1 << 17;

    /** References per block at most: the four distance rows (4 KB each) and one transposed row stay in L1. */
    static final int REFERENCE_BLOCK_WIDTH = 512;

    private final float[] refs;
    private final int n;
    private final int dim;

    private NearestNeighbours(float[] refs, int n, int dim) {
        this.refs = refs;
        this.n = n;
        this.dim = dim;
    }

    /**
     * @param references [n × dim] float32, row-major; finite values (NaN and ±∞ are refused)
     */
    public static NearestNeighbours of(float[] references, int n, int dim) {
        checkShape("reference", references, n, dim);
        return new NearestNeighbours(references, n, dim);
    }

    public int size() {
        return n;
    }

    public int dimension() {
        return dim;
    }

    /**
     * The kNN nearest references of each query, on the common pool.
     *
     * @param queries [q × dim] float32, row-major
     */
    public Neighbours search(float[] queries, int q, int kNN) {
        return search(queries, q, kNN, null);
    }

    /**
     * As {@link #search(float[], int, int)}, running the query blocks on {@code executor}; null means
     * a parallel stream (the common pool plus the calling thread).
     */
    public Neighbours search(float[] queries, int q, int kNN, Executor executor) {
        checkShape("query", queries, q, dim);
        checkK(kNN, n, "references");
        return run(queries, q, kNN, false, executor);
    }

    /** The kNN nearest other references of each reference (reference i never matches itself). */
    public Neighbours searchSelf(int kNN, Executor executor) {
        checkK(kNN, n - 1, "other references (the point itself is excluded)");
        return run(refs, n, kNN, true, executor);
    }

    /** As {@link #searchSelf(int, Executor)} on the common pool. */
    public Neighbours searchSelf(int kNN) {
        return searchSelf(kNN, null);
    }

    /**
     * Result: per query, its kNN neighbours in ascending distance (ties: lower index first).
     *
     * @param distances [q × kNN] Euclidean distances, row-major
     * @param indices   [q × kNN] reference indices, row-major
     */
    public record Neighbours(int queries, int k, double[] distances, int[] indices) {

        /** Distance from each query to its nearest (first) neighbour, [q]. */
        public double[] nearest() {
            return column(0);
        }

        /** Distance from each query to its k-th nearest neighbour, [q]. */
        public double[] kth() {
            return column(k - 1);
        }

        /** Distance from each query to its j-th nearest neighbour (j = 1..k), [q]. */
        public double[] distanceTo(int j) {
            if (j < 1 || j > k) {
                throw new IllegalArgumentException("neighbour rank " + j + " is outside 1.." + k);
            }
            return column(j - 1);
        }

        private double[] column(int c) {
            double[] out = new double[queries];
            for (int i = 0; i < queries; i++) {
                out[i] = distances[i * k + c];
            }
            return out;
        }
    }

    private Neighbours run(float[] queries, int q, int kNN, boolean self, Executor executor) {
        if ((long) q * kNN > Integer.MAX_VALUE - 8) {
            throw new LatentLabException(q + " queries × " + kNN + " neighbours do not fit in one array; search in parts");
        }
        double[] dist = new double[q * kNN];
        int[] idx = new int[q * kNN];
        int blocks = (q + QUERY_BLOCK - 1) / QUERY_BLOCK;
        Parallel.run(blocks, b -> block(queries, b * QUERY_BLOCK, Math.min(q, (b + 1) * QUERY_BLOCK), kNN, self, dist, idx),
                executor);
        return new Neighbours(q, kNN, dist, idx);
    }

    /** Queries [lo, hi) against every reference block; writes their sorted neighbours. */
    private void block(float[] queries, int lo, int hi, int kNN, boolean self, double[] dist, int[] idx) {
        int m = hi - lo;
        int width = Math.max(1, Math.min(Math.min(n, REFERENCE_BLOCK_WIDTH), REFERENCE_BLOCK_VALUES / dim));
        double[] heapD = new double[m * kNN];
        int[] heapI = new int[m * kNN];
        int[] size = new int[m];
        double[] t = new double[width * dim]; // transposed block: t[d * w + j] = reference (start + j), coordinate d
        double[][] acc = new double[4][width]; // separate arrays: no aliasing to stop the loop from vectorising
        for (int start = 0; start < n; start += width) {
            int w = Math.min(width, n - start);
            for (int j = 0; j < w; j++) {
                int row = (start + j) * dim;
                for (int d = 0; d < dim; d++) {
                    t[d * w + j] = refs[row + d];
                }
            }
            int a = 0;
            for (; a + 4 <= m; a += 4) { // four queries per pass over the block: each reference value is loaded once
                squaredDistances4(queries, (lo + a) * dim, t, w, acc[0], acc[1], acc[2], acc[3]);
                for (int g = 0; g < 4; g++) {
                    offer(acc[g], w, start, a + g, self ? lo + a + g : -1, kNN, heapD, heapI, size);
                }
            }
            for (; a < m; a++) {
                squaredDistances(queries, (lo + a) * dim, t, w, acc[0]);
                offer(acc[0], w, start, a, self ? lo + a : -1, kNN, heapD, heapI, size);
            }
        }
        for (int a = 0; a < m; a++) {
            int off = a * kNN;
            // pop the max-heap from the back: ascending (distance, index)
            for (int s = kNN; s > 0; s--) {
                double d2 = heapD[off];
                int r = heapI[off];
                dist[(lo + a) * kNN + s - 1] = Math.sqrt(d2);
                idx[(lo + a) * kNN + s - 1] = r;
                if (s > 1) {
                    siftDown(heapD, heapI, off, s - 1, heapD[off + s - 1], heapI[off + s - 1]);
                }
            }
        }
    }

    /** acc[j] = Σ_d (q_d − t[d·w + j])², coordinates in order. */
    private void squaredDistances(float[] queries, int qrow, double[] t, int w, double[] acc) {
        Arrays.fill(acc, 0, w, 0.0);
        for (int d = 0; d < dim; d++) {
            double qd = queries[qrow + d];
            int base = d * w;
            for (int j = 0; j < w; j++) {
                double diff = qd - t[base + j];
                acc[j] += diff * diff;
            }
        }
    }

    /** The same for the four queries at qrow, qrow + dim, ..., with the same arithmetic. */
    private void squaredDistances4(float[] queries, int qrow, double[] t, int w, double[] acc0, double[] acc1, double[] acc2,
            double[] acc3) {
        Arrays.fill(acc0, 0, w, 0.0);
        Arrays.fill(acc1, 0, w, 0.0);
        Arrays.fill(acc2, 0, w, 0.0);
        Arrays.fill(acc3, 0, w, 0.0);
        for (int d = 0; d < dim; d++) {
            double q0 = queries[qrow + d];
            double q1 = queries[qrow + dim + d];
            double q2 = queries[qrow + 2 * dim + d];
            double q3 = queries[qrow + 3 * dim + d];
            int base = d * w;
            for (int j = 0; j < w; j++) {
                double tj = t[base + j];
                double d0 = q0 - tj;
                double d1 = q1 - tj;
                double d2 = q2 - tj;
                double d3 = q3 - tj;
                acc0[j] += d0 * d0;
                acc1[j] += d1 * d1;
                acc2[j] += d2 * d2;
                acc3[j] += d3 * d3;
            }
        }
    }

    /** Offers references start..start+w (squared distances acc[0..w)) to query a's heap. */
    private static void offer(double[] acc, int w, int start, int a, int skip, int kNN, double[] heapD, int[] heapI,
            int[] size) {
        int off = a * kNN;
        for (int j = 0; j < w; j++) {
            int r = start + j;
            if (r == skip) {
                continue;
            }
            double d2 = acc[j];
            if (size[a] < kNN) {
                siftUp(heapD, heapI, off, size[a]++, d2, r);
            } else if (d2 < heapD[off]) { // equal distance: the earlier (lower) index stays
                siftDown(heapD, heapI, off, kNN, d2, r);
            }
        }
    }

    /** Max-heap order on (distance, index). */
    private static boolean above(double d1, int i1, double d2, int i2) {
        return d1 > d2 || (d1 == d2 && i1 > i2);
    }

    private static void siftUp(double[] hd, int[] hi, int off, int pos, double d, int i) {
        while (pos > 0) {
            int parent = (pos - 1) >>> 1;
            if (!above(d, i, hd[off + parent], hi[off + parent])) {
                break;
            }
            hd[off + pos] = hd[off + parent];
            hi[off + pos] = hi[off + parent];
            pos = parent;
        }
        hd[off + pos] = d;
        hi[off + pos] = i;
    }

    /** Replaces the root of a heap of {@code size} entries with (d, i) and restores the order. */
    private static void siftDown(double[] hd, int[] hi, int off, int size, double d, int i) {
        int pos = 0;
        while (true) {
            int c = 2 * pos + 1;
            if (c >= size) {
                break;
            }
            if (c + 1 < size && above(hd[off + c + 1], hi[off + c + 1], hd[off + c], hi[off + c])) {
                c++;
            }
            if (!above(hd[off + c], hi[off + c], d, i)) {
                break;
            }
            hd[off + pos] = hd[off + c];
            hi[off + pos] = hi[off + c];
            pos = c;
        }
        hd[off + pos] = d;
        hi[off + pos] = i;
    }

    private static void checkK(int kNN, int available, String what) {
        if (kNN < 1) {
            throw new IllegalArgumentException("the neighbour count must be at least 1, not " + kNN);
        }
        if (kNN > available) {
            throw new LatentLabException("cannot find " + kNN + " nearest neighbours among " + available + " " + what
                    + "; use a smaller neighbour count or more reference points");
        }
    }

    static void checkShape(String what, float[] data, int rows, int dim) {
        if (rows < 0 || dim < 1) {
            throw new IllegalArgumentException("bad " + what + " shape [" + rows + ", " + dim + "]");
        }
        if (data == null || data.length != (long) rows * dim) {
            throw new IllegalArgumentException("the " + what + " data hold " + (data == null ? "no" : data.length)
                    + " values, not [" + rows + " × " + dim + "] = " + (long) rows * dim);
        }
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                throw new LatentLabException("the " + what + " point " + i / dim + " has " + data[i] + " at coordinate "
                        + i % dim + "; nearest neighbours need finite coordinates");
            }
        }
    }
}
