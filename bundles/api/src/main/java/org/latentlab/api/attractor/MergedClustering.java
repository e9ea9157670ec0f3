package org.latentlab.api.attractor;

import java.util.List;
import org.latentlab.api.Tensor;

/**
 * Parts' clusterings merged into one.
 *
 * @param clusters  the merged clusters, in order of first appearance
 * @param relabel   for each part (in the order given), the merged cluster of each of its clusters
 * @param undecided comparisons the summaries could not decide for every member (a member near the rule's border):
 *                  0 means the merge is the clustering of all points at once; see each clusterer for what it does
 *                  otherwise
 */
public record MergedClustering(List<ClusterSummary> clusters, List<int[]> relabel, long undecided) {

    public MergedClustering {
        clusters = List.copyOf(clusters);
        relabel = List.copyOf(relabel);
    }

    /** [m, k] the merged clusters' means. */
    public Tensor centers(int k) {
        float[] c = new float[clusters.size() * k];
        for (int i = 0; i < clusters.size(); i++) {
            System.arraycopy(clusters.get(i).mean(), 0, c, i * k, k);
        }
        return Tensor.matrix(clusters.size(), k, c);
    }
}
