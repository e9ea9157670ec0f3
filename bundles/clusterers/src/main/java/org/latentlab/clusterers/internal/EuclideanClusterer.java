package org.latentlab.clusterers.internal;

import java.util.List;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.attractor.ClusterSummary;
import org.latentlab.api.attractor.Clustering;
import org.latentlab.api.attractor.MergeableClusterer;
import org.latentlab.api.attractor.MergedClustering;
import org.latentlab.api.attractor.PartialClustering;
import org.osgi.service.component.annotations.Component;

/**
 * Merges end points closer than a Euclidean tolerance to a cluster's first member. Parts merge exactly by the same
 * rule (see {@link LeaderClustering}).
 */
@Component(service = AttractorClusterer.class, property = {ServiceProperties.ID + "=euclidean",
        ServiceProperties.DESCRIPTION + "=merge end points within a Euclidean distance of each other"})
public class EuclideanClusterer implements MergeableClusterer {

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.real("tolerance", 1e-2, 0, Double.MAX_VALUE, "merge when ||z1 - z2|| is below this"));
    }

    @Override
    public Clustering cluster(Tensor endpoints, Parameters params) {
        double tol = params.getDouble("tolerance", 1e-2);
        return cluster(endpoints, tol * tol);
    }

    @Override
    public PartialClustering clusterPart(Tensor endpoints, Parameters params) {
        return LeaderClustering.part(endpoints, cluster(endpoints, params), rule(params));
    }

    @Override
    public MergedClustering merge(List<List<ClusterSummary>> parts, Parameters params) {
        return LeaderClustering.merge(parts, rule(params));
    }

    static Clustering cluster(Tensor endpoints, double tol2) {
        double[] scale = LeaderClustering.finiteRows(endpoints.data(), endpoints.rows(), endpoints.width());
        return LeaderClustering.cluster(endpoints, (d, p, leaders, l, k) -> LeaderClustering.dist2(d, p, leaders, l, k) < tol2,
                scale, LeaderClustering.radiusOf(tol2, endpoints.width()));
    }

    static LeaderClustering.Rule rule(Parameters params) {
        double tol = params.getDouble("tolerance", 1e-2);
        double tol2 = tol * tol;
        return new LeaderClustering.Rule() {
            public boolean test(float[] d, int p, float[] leaders, int l, int k) {
                return LeaderClustering.dist2(d, p, leaders, l, k) < tol2;
            }

            public double measure(float[] a, int ai, float[] b, int bi, int k) {
                return Math.sqrt(LeaderClustering.dist2(a, ai, b, bi, k));
            }

            public double limit() {
                return tol;
            }
        };
    }
}
