package org.latentlab.clusterers.internal;

import java.util.List;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.attractor.Clustering;
import org.osgi.service.component.annotations.Component;

/**
 * The paper's rule (Fumero et al. 2025): two end points are the same attractor when their cosine
 * similarity exceeds 0.99. Points of norm below {@code zeroNorm} have no direction; they merge
 * with each other only.
 */
@Component(property = {ServiceProperties.ID + "=cosine",
        ServiceProperties.DESCRIPTION + "=merge end points with cosine similarity above a threshold (paper: 0.99)"})
public class CosineClusterer implements AttractorClusterer {

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.real("threshold", 0.99, -1, 1, "merge when cos(z1, z2) is above this"),
                ParameterSpec.real("zeroNorm", 1e-9, 0, Double.MAX_VALUE, "points shorter than this count as the origin"));
    }

    @Override
    public Clustering cluster(Tensor endpoints, Parameters params) {
        return cluster(endpoints, params.getDouble("threshold", 0.99), params.getDouble("zeroNorm", 1e-9));
    }

    static Clustering cluster(Tensor endpoints, double threshold, double zero) {
        int n = endpoints.rows();
        int k = endpoints.width();
        float[] data = endpoints.data();
        // the search runs on unit vectors, where cos > t means a distance below sqrt(2 (1 - t)); the margin covers
        // the rounding of the dot product and the norms (each within about k ulps)
        double[] scale = new double[n];
        for (int p = 0; p < n; p++) {
            double np = Math.sqrt(LeaderClustering.dot(data, p, data, p, k));
            scale[p] = np < zero ? LeaderClustering.ZERO
                    : np > 0 && np < Double.POSITIVE_INFINITY ? 1 / np : LeaderClustering.ALONE; // NaN, 0, infinite: cos is NaN
        }
        double radius = Math.sqrt(Math.max(0, 2 * (1 - threshold)) + 8 * (k + 2) * 0x1p-53 + 1e-15);
        return LeaderClustering.cluster(endpoints, (d, p, leaders, l, w) -> {
            double np = Math.sqrt(LeaderClustering.dot(d, p, d, p, w));
            double nl = Math.sqrt(LeaderClustering.dot(leaders, l, leaders, l, w));
            if (np < zero || nl < zero) {
                return np < zero && nl < zero;
            }
            return LeaderClustering.dot(d, p, leaders, l, w) / (np * nl) > threshold;
        }, scale, radius);
    }
}
