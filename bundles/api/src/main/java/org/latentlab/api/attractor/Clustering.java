package org.latentlab.api.attractor;

import org.latentlab.api.Tensor;

/**
 * End points merged into distinct fixed points.
 *
 * @param labels  cluster of each end point given to the clusterer (0-based), or -1 for noise
 * @param centers [m, k] one representative point per cluster
 */
public record Clustering(int[] labels, Tensor centers) {

    public int count() {
        return centers.rows();
    }
}
