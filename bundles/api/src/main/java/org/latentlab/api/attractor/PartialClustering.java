package org.latentlab.api.attractor;

import java.util.List;

/**
 * The clustering of one part of the end points (e.g. one block of seeds), as a {@link MergeableClusterer} makes it.
 *
 * @param labels   cluster of each point of the part (index into {@code clusters}), −1 for noise
 * @param clusters each cluster's summary, in order of first appearance
 */
public record PartialClustering(int[] labels, List<ClusterSummary> clusters) {

    public PartialClustering {
        clusters = List.copyOf(clusters);
    }
}
