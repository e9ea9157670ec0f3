package org.latentlab.api.attractor;

import java.util.List;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A clusterer whose clustering can be made part by part, so it never holds all end points: each part (consecutive
 * end points in seed order) is clustered alone and summarised ({@link #clusterPart}), then the parts' cluster
 * summaries are merged by the same rule ({@link #merge}) and each point's label is remapped through
 * {@link MergedClustering#relabel()}. The parts may be clustered anywhere (one after another, or in parallel); only
 * their summaries meet. The engine uses it for runs of more seeds than it keeps in memory; other clusterers get all
 * converged end points at once.
 */
@ConsumerType
public interface MergeableClusterer extends AttractorClusterer {

    /** Clusters one part; its labels and means are those {@link #cluster} gives for the same points. */
    PartialClustering clusterPart(Tensor endpoints, Parameters params);

    /**
     * Merges the clusters of parts, given in seed order of their points, as the rule would have joined their
     * members had all points been clustered at once (exactly when {@link MergedClustering#undecided()} is 0).
     */
    MergedClustering merge(List<List<ClusterSummary>> parts, Parameters params);
}
