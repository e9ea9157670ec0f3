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
 * The paper's rule (Fumero et al. 2025): two end points are the same attractor when their cosine
 * similarity exceeds 0.99. Points of norm below {@code zeroNorm} have no direction; they merge
 * with each other only. Parts merge exactly by the same rule (see {@link LeaderClustering}), with the angle between
 * directions as the rule's measure (cos &gt; threshold exactly when the angle is below arccos(threshold)).
 */
@Component(service = AttractorClusterer.class, property = {ServiceProperties.ID + "=cosine",
        ServiceProperties.DESCRIPTION + "=merge end points with cosine similarity above a threshold (paper: 0.99)"})
public class CosineClusterer implements MergeableClusterer {

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.real("threshold", 0.99, -1, 1, "merge when cos(z1, z2) is above this"),
                ParameterSpec.real("zeroNorm", 1e-9, 0, Double.MAX_VALUE, "points shorter than this count as the origin"));
    }

    @Override
    public Clustering cluster(Tensor endpoints, Parameters params) {
        return LeaderClustering.cluster(endpoints, rule(params));
    }

    @Override
    public PartialClustering clusterPart(Tensor endpoints, Parameters params) {
        return LeaderClustering.part(endpoints, rule(params));
    }

    @Override
    public MergedClustering merge(List<List<ClusterSummary>> parts, Parameters params) {
        return LeaderClustering.merge(parts, rule(params));
    }

    static LeaderClustering.Rule rule(Parameters params) {
        double threshold = params.getDouble("threshold", 0.99);
        double zero = params.getDouble("zeroNorm", 1e-9);
        double limit = Math.acos(Math.max(-1, Math.min(1, threshold)));
        return new LeaderClustering.Rule() {
            public boolean test(float[] d, int p, float[] leaders, int l, int k) {
                double np = Math.sqrt(LeaderClustering.dot(d, p, d, p, k));
                double nl = Math.sqrt(LeaderClustering.dot(leaders, l, leaders, l, k));
                if (np < zero || nl < zero) {
                    return np < zero && nl < zero;
                }
                return LeaderClustering.dot(d, p, leaders, l, k) / (np * nl) > threshold;
            }

            /** The angle between the directions (0 between points of no direction). */
            public double measure(float[] a, int ai, float[] b, int bi, int k) {
                double na = Math.sqrt(LeaderClustering.dot(a, ai, a, ai, k));
                double nb = Math.sqrt(LeaderClustering.dot(b, bi, b, bi, k));
                if (na < zero || nb < zero) {
                    return na < zero && nb < zero ? 0 : Math.PI;
                }
                return Math.acos(Math.max(-1, Math.min(1, LeaderClustering.dot(a, ai, b, bi, k) / (na * nb))));
            }

            public double limit() {
                return limit;
            }

            /** A cluster led by a point of no direction holds only such points, and one led by a direction none. */
            public boolean settled(float[] a, int ai, float[] b, int bi, int k) {
                return Math.sqrt(LeaderClustering.dot(a, ai, a, ai, k)) < zero || Math.sqrt(LeaderClustering.dot(b, bi, b, bi, k)) < zero;
            }
        };
    }
}
