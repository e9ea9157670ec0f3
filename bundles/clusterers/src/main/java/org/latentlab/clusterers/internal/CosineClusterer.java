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
        double threshold = params.getDouble("threshold", 0.99);
        double zero = params.getDouble("zeroNorm", 1e-9);
        return LeaderClustering.cluster(endpoints, (d, p, leaders, l, k) -> {
            double np = Math.sqrt(LeaderClustering.dot(d, p, d, p, k));
            double nl = Math.sqrt(LeaderClustering.dot(leaders, l, leaders, l, k));
            if (np < zero || nl < zero) {
                return np < zero && nl < zero;
            }
            return LeaderClustering.dot(d, p, leaders, l, k) / (np * nl) > threshold;
        });
    }
}
