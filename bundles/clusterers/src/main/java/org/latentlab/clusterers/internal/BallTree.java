package org.latentlab.clusterers.internal;

import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * A ball tree over some rows of an [n, k] matrix, each optionally scaled (cosine: by 1/norm), that only prunes:
 * it never decides whether two points belong together. Every search returns a superset of the points within a
 * radius, and the caller applies its exact rule to those. The tree works on a float copy of the scaled rows,
 * reordered so that each node's members are contiguous; the rounding of that copy and of the tree's own
 * arithmetic is covered by {@link #slack}, so no point within the radius (in exact arithmetic on the scaled
 * rows) is ever pruned.
 *
 * <p>Nodes split at the midpoint between two far-apart members, so the tight clusters end points form are
 * separated near the root; a node stops splitting when it is small or its radius is at most {@code stopRadius}.
 * For leader clustering each node also keeps the smallest cluster id of a leader below it, so a search for the
 * first matching leader skips every subtree that cannot improve on the best one found.
 */
final class BallTree {

    static final int LEAF = 8;
    private static final int PARALLEL_BUILD = 1 << 15;

    static final class Node {
        final int start;
        final int end;
        final Node parent;
        float[] center;
        double radius;
        Node left;
        Node right;
        /** Smallest cluster id of a leader in this subtree (leader search only). */
        int minLeader = Integer.MAX_VALUE;
        /** Leaders in this leaf, as cluster ids in increasing order, and their rows. */
        int[] leaders;
        int[] leaderRows;
        int leaderCount;

        Node(int start, int end, Node parent) {
            this.start = start;
            this.end = end;
            this.parent = parent;
        }

        boolean isLeaf() {
            return left == null;
        }
    }

    final int k;
    /** The scaled rows in tree order. */
    final float[] x;
    /** perm[i]: the original row of tree position i; pos[row]: its tree position, -1 when not in the tree. */
    final int[] perm;
    final int[] pos;
    final Node root;
    /** The leaf of each tree position. */
    final Node[] leafAt;
    /** Added to a pruning radius: bounds the float copy's rounding (both ends) and the tree's arithmetic. */
    final double slack;

    /**
     * @param data  [n, k] row-major
     * @param scale per row, null for 1
     * @param rows  the rows to index (finite after scaling)
     */
    BallTree(float[] data, int n, int k, double[] scale, int[] rows, double stopRadius) {
        this.k = k;
        int m = rows.length;
        this.perm = rows.clone();
        this.x = new float[m * k];
        this.pos = new int[n];
        Arrays.fill(pos, -1);
        double maxNorm2 = 0;
        for (int i = 0; i < m; i++) {
            int p = perm[i];
            double s = scale == null ? 1 : scale[p];
            double n2 = 0;
            for (int j = 0; j < k; j++) {
                double v = data[p * k + j] * s;
                x[i * k + j] = (float) v;
                n2 += v * v;
            }
            maxNorm2 = Math.max(maxNorm2, n2);
        }
        // each float coordinate is within 2^-24 of its value: a row moves by at most 2^-24 * its norm; both
        // ends of a distance move, the centers and radii are computed on the copy itself. The tree's double
        // arithmetic adds a relative error of about k * 2^-53, covered with a wide margin by the second term.
        double maxNorm = Math.sqrt(maxNorm2);
        this.slack = 2.5 * 0x1p-24 * maxNorm + 1e-9 * (maxNorm + 1);
        this.leafAt = new Node[m];
        this.root = m == 0 ? null : build(0, m, null, stopRadius);
        for (int i = 0; i < m; i++) {
            pos[perm[i]] = i;
        }
    }

    private Node build(int s, int e, Node parent, double stopRadius) {
        Node node = new Node(s, e, parent);
        if (e - s >= PARALLEL_BUILD) {
            ForkJoinPool.commonPool().invoke(new Build(node, stopRadius));
        } else {
            split(node, stopRadius);
        }
        return node;
    }

    private final class Build extends RecursiveAction {
        private final Node node;
        private final double stopRadius;

        Build(Node node, double stopRadius) {
            this.node = node;
            this.stopRadius = stopRadius;
        }

        @Override
        protected void compute() {
            if (!divide(node, stopRadius)) {
                return;
            }
            if (node.end - node.start >= PARALLEL_BUILD) {
                invokeAll(new Build(node.left, stopRadius), new Build(node.right, stopRadius));
            } else {
                split(node.left, stopRadius);
                split(node.right, stopRadius);
            }
        }
    }

    /** Builds the subtree of {@code node} on this thread. */
    private void split(Node node, double stopRadius) {
        java.util.ArrayDeque<Node> todo = new java.util.ArrayDeque<>();
        todo.push(node);
        while (!todo.isEmpty()) { // not recursive: odd data can make a deep tree
            Node n = todo.pop();
            if (divide(n, stopRadius)) {
                todo.push(n.right);
                todo.push(n.left);
            }
        }
    }

    /** Sets the node's ball; splits it into two children (returns true) or makes it a leaf. */
    private boolean divide(Node node, double stopRadius) {
        int s = node.start;
        int e = node.end;
        double[] c = new double[k];
        for (int i = s; i < e; i++) {
            for (int j = 0; j < k; j++) {
                c[j] += x[i * k + j];
            }
        }
        float[] center = new float[k];
        for (int j = 0; j < k; j++) {
            center[j] = (float) (c[j] / (e - s));
        }
        node.center = center;
        int far = s;
        double max = -1;
        for (int i = s; i < e; i++) {
            double d = dist2(x, i, center);
            if (d > max) {
                max = d;
                far = i;
            }
        }
        node.radius = Math.sqrt(max);
        if (e - s <= LEAF || node.radius <= stopRadius) {
            return leaf(node);
        }
        int other = far;
        max = -1;
        for (int i = s; i < e; i++) {
            double d = dist2(x, i, x, far);
            if (d > max) {
                max = d;
                other = i;
            }
        }
        // split at the midpoint of far and other along their difference
        double[] dir = new double[k];
        double mid = 0;
        for (int j = 0; j < k; j++) {
            dir[j] = (double) x[other * k + j] - x[far * k + j];
            mid += dir[j] * ((double) x[other * k + j] + x[far * k + j]) / 2;
        }
        int lo = s;
        int hi = e - 1;
        while (lo <= hi) {
            if (project(lo, dir) < mid) {
                lo++;
            } else {
                swap(lo, hi--);
            }
        }
        if (lo == s || lo == e) { // no progress (rounding on near-duplicates)
            return leaf(node);
        }
        node.left = new Node(s, lo, node);
        node.right = new Node(lo, e, node);
        return true;
    }

    private boolean leaf(Node node) {
        for (int i = node.start; i < node.end; i++) {
            leafAt[i] = node;
        }
        return false;
    }

    private double project(int i, double[] dir) {
        double s = 0;
        for (int j = 0; j < k; j++) {
            s += x[i * k + j] * dir[j];
        }
        return s;
    }

    private void swap(int a, int b) {
        int t = perm[a];
        perm[a] = perm[b];
        perm[b] = t;
        for (int j = 0; j < k; j++) {
            float v = x[a * k + j];
            x[a * k + j] = x[b * k + j];
            x[b * k + j] = v;
        }
    }

    /** Squared distance between tree positions i (in a) and j (in b). */
    double dist2(float[] a, int i, float[] b, int j) {
        double s0 = 0;
        double s1 = 0;
        int ai = i * k;
        int bj = j * k;
        int q = 0;
        for (; q + 1 < k; q += 2) {
            double t0 = (double) a[ai + q] - b[bj + q];
            double t1 = (double) a[ai + q + 1] - b[bj + q + 1];
            s0 += t0 * t0;
            s1 += t1 * t1;
        }
        if (q < k) {
            double t = (double) a[ai + q] - b[bj + q];
            s0 += t * t;
        }
        return s0 + s1;
    }

    /** Squared distance between tree position i and a center. */
    double dist2(float[] a, int i, float[] center) {
        double s0 = 0;
        double s1 = 0;
        int ai = i * k;
        int q = 0;
        for (; q + 1 < k; q += 2) {
            double t0 = (double) a[ai + q] - center[q];
            double t1 = (double) a[ai + q + 1] - center[q + 1];
            s0 += t0 * t0;
            s1 += t1 * t1;
        }
        if (q < k) {
            double t = (double) a[ai + q] - center[q];
            s0 += t * t;
        }
        return s0 + s1;
    }

    /** Whether no member of {@code node} can be within {@code radius} of tree position i. */
    boolean outside(int i, Node node, double radius) {
        double reach = node.radius + radius + slack;
        return dist2(x, i, node.center) > reach * reach;
    }

    /**
     * Calls {@code found} with every tree position whose leaf may hold points within {@code radius} of tree
     * position i (a superset of those within; the caller checks).
     */
    void forEachNear(int i, double radius, IntConsumer found) {
        if (root == null) {
            return;
        }
        Node[] stack = new Node[64];
        int top = 0;
        stack[top++] = root;
        while (top > 0) {
            Node node = stack[--top];
            if (outside(i, node, radius)) {
                continue;
            }
            if (node.isLeaf()) {
                for (int q = node.start; q < node.end; q++) {
                    found.accept(q);
                }
            } else {
                if (top + 2 > stack.length) {
                    stack = Arrays.copyOf(stack, stack.length * 2);
                }
                stack[top++] = node.right;
                stack[top++] = node.left;
            }
        }
    }

    /** Records the leader at tree position i as cluster {@code id} (ids are added in increasing order). */
    void addLeader(int i, int id) {
        Node leaf = leafAt[i];
        if (leaf.leaders == null) {
            leaf.leaders = new int[2];
            leaf.leaderRows = new int[2];
        } else if (leaf.leaderCount == leaf.leaders.length) {
            leaf.leaders = Arrays.copyOf(leaf.leaders, leaf.leaderCount * 2);
            leaf.leaderRows = Arrays.copyOf(leaf.leaderRows, leaf.leaderCount * 2);
        }
        leaf.leaders[leaf.leaderCount] = id;
        leaf.leaderRows[leaf.leaderCount++] = perm[i];
        for (Node n = leaf; n != null && n.minLeader == Integer.MAX_VALUE; n = n.parent) {
            n.minLeader = id; // ids only grow: the first one set is the smallest
        }
    }

    /** Exact rule of leader clustering: whether the point (original row p) belongs with the leader (row l). */
    interface Rule {
        boolean test(int p, int l);
    }

    /**
     * The smallest cluster id among the recorded leaders that {@code rule} matches with the point at tree
     * position i, or -1. Only leaders within {@code radius} (in the tree's space) can match.
     */
    int firstLeader(int i, double radius, Rule rule, Node[] stack) {
        if (root == null || root.minLeader == Integer.MAX_VALUE) {
            return -1;
        }
        int p = perm[i];
        int best = Integer.MAX_VALUE;
        int top = 0;
        stack[top++] = root;
        while (top > 0) {
            Node node = stack[--top];
            if (node.minLeader >= best || outside(i, node, radius)) {
                continue;
            }
            if (node.isLeaf()) {
                for (int q = 0; q < node.leaderCount && node.leaders[q] < best; q++) {
                    if (rule.test(p, node.leaderRows[q])) {
                        best = node.leaders[q];
                        break;
                    }
                }
            } else {
                // visit the child with the smaller leader first: it is the likelier to bound the rest
                Node a = node.left;
                Node b = node.right;
                if (a.minLeader > b.minLeader) {
                    a = node.right;
                    b = node.left;
                }
                if (b.minLeader < best) {
                    stack[top++] = b;
                }
                if (a.minLeader < best) {
                    stack[top++] = a;
                }
            }
        }
        return best == Integer.MAX_VALUE ? -1 : best;
    }

    /** A stack deep enough for {@link #firstLeader}. */
    Node[] newStack() {
        int depth = 0;
        Node[] s = new Node[64];
        int top = 0;
        int[] d = new int[64];
        if (root != null) {
            s[top] = root;
            d[top++] = 1;
        }
        while (top > 0) {
            Node n = s[--top];
            int dn = d[top];
            depth = Math.max(depth, dn);
            if (!n.isLeaf()) {
                if (top + 2 > s.length) {
                    s = Arrays.copyOf(s, s.length * 2);
                    d = Arrays.copyOf(d, d.length * 2);
                }
                s[top] = n.left;
                d[top++] = dn + 1;
                s[top] = n.right;
                d[top++] = dn + 1;
            }
        }
        return new Node[depth + 2];
    }
}
