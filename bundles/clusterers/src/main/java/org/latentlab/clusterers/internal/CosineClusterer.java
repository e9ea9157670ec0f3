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
        return cluster(endpoints, params.getDouble("threshold", 0.99), params.getDouble("zeroNorm", 1e-9));
    }

    @Override
    public PartialClustering clusterPart(Tensor endpoints, Parameters params) {
        return LeaderClustering.part(endpoints, cluster(endpoints, params), rule(params));
    }

    @Override
    public MergedClustering merge(List<List<ClusterSummary>> parts, Parameters params) {
        return LeaderClustering.merge(parts, rule(params));
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
        return LeaderClustering.cluster(endpoints, rule(threshold, zero), scale, radius);
    }

    static LeaderClustering.Rule rule(Parameters params) {
        return rule(params.getDouble("threshold", 0.99), params.getDouble("zeroNorm", 1e-9));
    }

    /** The cosine rule (the match of the plain loop, unchanged) with the angle as its measure. */
    static LeaderClustering.Rule rule(double threshold, double zero) {
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
