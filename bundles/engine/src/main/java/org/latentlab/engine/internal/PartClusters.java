package org.latentlab.engine.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.attractor.ClusterSummary;
import org.latentlab.api.attractor.Clustering;
import org.latentlab.api.attractor.MergeableClusterer;
import org.latentlab.api.attractor.MergedClustering;
import org.latentlab.api.attractor.PartialClustering;
import org.latentlab.api.dynamics.Trajectory;

/**
 * Clusters converged end points one part (a segment of seeds) at a time, so the clusterer never holds them all, and
 * merges the parts at the end by the clusterer's own rule ({@link MergeableClusterer}). Each seed gets a running
 * cluster id as its part is clustered (the part's cluster, numbered across parts); {@link #finish} says which
 * merged cluster each running id became. A clusterer that cannot merge gets every converged end point at once at
 * the end, as before (its end points are then held in memory).
 */
final class PartClusters {

    /**
     * The parts merged.
     *
     * @param centers   [m, k] merged clusters' means
     * @param clusterOf merged cluster of each running id, −1 for noise
     * @param size      seeds per merged cluster
     * @param first     first seed (in run order) of each merged cluster
     * @param parts     parts clustered
     * @param undecided merge comparisons the clusterer could not decide for every member (0: exact)
     */
    record Merged(Tensor centers, int[] clusterOf, int[] size, long[] first, int parts, long undecided) {}

    private final Analysis.Choice<AttractorClusterer> clusterer;
    private final MergeableClusterer mergeable;
    private final int k;
    private final List<List<ClusterSummary>> parts = new ArrayList<>();
    private int running; // running ids handed out
    private int[] size = new int[16];
    private long[] first = new long[16];
    // a clusterer that cannot merge: every converged end point, in seed order, and the seed it came from
    private float[] all = new float[0];
    private long[] seedOf = new long[0];

    PartClusters(Analysis.Choice<AttractorClusterer> clusterer, int k) {
        this.clusterer = clusterer;
        this.mergeable = clusterer.service() instanceof MergeableClusterer m ? m : null;
        this.k = k;
        Arrays.fill(first, Long.MAX_VALUE);
    }

    boolean merges() {
        return mergeable != null;
    }

    /** Clusters the converged end points of the next part; each seed's running cluster id, −1 when none. */
    int[] add(List<Trajectory> ts) {
        int[] ids = new int[ts.size()];
        Arrays.fill(ids, -1);
        int[] converged = java.util.stream.IntStream.range(0, ts.size()).filter(i -> ts.get(i).converged()).toArray();
        if (mergeable == null) {
            int at = running;
            all = Arrays.copyOf(all, Math.multiplyExact(at + converged.length, k));
            seedOf = Arrays.copyOf(seedOf, at + converged.length);
            for (int c = 0; c < converged.length; c++) {
                System.arraycopy(ts.get(converged[c]).endpoint(), 0, all, (at + c) * k, k);
                seedOf[at + c] = ts.get(converged[c]).seed();
                ids[converged[c]] = at + c; // the ordinal among converged end points; labelled at the end
            }
            running += converged.length;
            return ids;
        }
        float[] ends = new float[converged.length * k];
        for (int c = 0; c < converged.length; c++) {
            System.arraycopy(ts.get(converged[c]).endpoint(), 0, ends, c * k, k);
        }
        PartialClustering part = mergeable.clusterPart(Tensor.matrix(converged.length, k, ends), clusterer.params());
        int offset = running;
        running += part.clusters().size();
        if (running > size.length) {
            size = Arrays.copyOf(size, Math.max(running, 2 * size.length));
            int was = first.length;
            first = Arrays.copyOf(first, size.length);
            Arrays.fill(first, was, first.length, Long.MAX_VALUE);
        }
        for (int c = 0; c < converged.length; c++) {
            int l = part.labels()[c];
            if (l >= 0) {
                int id = offset + l;
                ids[converged[c]] = id;
                size[id]++;
                first[id] = Math.min(first[id], ts.get(converged[c]).seed());
            }
        }
        parts.add(part.clusters());
        return ids;
    }

    /** Merges the parts (or clusters all end points of a clusterer that cannot merge). */
    Merged finish() {
        if (mergeable == null) {
            int n = seedOf.length;
            Clustering c = clusterer.service().cluster(Tensor.matrix(n, k, all), clusterer.params());
            int m = c.count();
            int[] sz = new int[m];
            long[] fs = new long[m];
            Arrays.fill(fs, Long.MAX_VALUE);
            for (int i = 0; i < n; i++) {
                int l = c.labels()[i];
                if (l >= 0) {
                    sz[l]++;
                    fs[l] = Math.min(fs[l], seedOf[i]);
                }
            }
            return new Merged(c.centers(), c.labels(), sz, fs, 1, 0);
        }
        MergedClustering merged = mergeable.merge(parts, clusterer.params());
        int m = merged.clusters().size();
        int[] clusterOf = new int[running];
        int at = 0;
        for (int[] map : merged.relabel()) {
            System.arraycopy(map, 0, clusterOf, at, map.length);
            at += map.length;
        }
        int[] sz = new int[m];
        long[] fs = new long[m];
        Arrays.fill(fs, Long.MAX_VALUE);
        for (int id = 0; id < running; id++) {
            int c = clusterOf[id];
            if (c >= 0) {
                sz[c] += size[id];
                fs[c] = Math.min(fs[c], first[id]);
            }
        }
        return new Merged(merged.centers(k), clusterOf, sz, fs, parts.size(), merged.undecided());
    }
}
