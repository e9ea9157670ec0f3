package org.latentlab.clusterers.internal;

import java.util.List;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.attractor.Clustering;
import org.osgi.service.component.annotations.Component;

/** Merges end points closer than a Euclidean tolerance to a cluster's first member. */
@Component(property = {ServiceProperties.ID + "=euclidean",
        ServiceProperties.DESCRIPTION + "=merge end points within a Euclidean distance of each other"})
public class EuclideanClusterer implements AttractorClusterer {

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.real("tolerance", 1e-2, 0, Double.MAX_VALUE, "merge when ||z1 - z2|| is below this"));
    }

    @Override
    public Clustering cluster(Tensor endpoints, Parameters params) {
        double tol = params.getDouble("tolerance", 1e-2);
        return cluster(endpoints, tol * tol);
    }

    static Clustering cluster(Tensor endpoints, double tol2) {
        double[] scale = LeaderClustering.finiteRows(endpoints.data(), endpoints.rows(), endpoints.width());
        return LeaderClustering.cluster(endpoints, (d, p, leaders, l, k) -> LeaderClustering.dist2(d, p, leaders, l, k) < tol2,
                scale, LeaderClustering.radiusOf(tol2, endpoints.width()));
    }
}
