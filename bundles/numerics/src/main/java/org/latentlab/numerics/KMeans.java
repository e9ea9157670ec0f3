package org.latentlab.numerics;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.ml.clustering.CentroidCluster;
import org.apache.commons.math3.ml.clustering.DoublePoint;
import org.apache.commons.math3.ml.clustering.KMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.distance.EuclideanDistance;
import org.apache.commons.math3.random.Well19937c;
import org.latentlab.api.LatentLabException;

/**
 * k-means centroids by Commons Math's {@link KMeansPlusPlusClusterer} (k-means++ seeding, Lloyd
 * iterations, Euclidean distance, an empty cluster restarted from the farthest point of the cluster
 * with the largest variance) with a {@link Well19937c} generator seeded by {@code seed}, so the same
 * seed and points always give the same centroids.
 */
public final class KMeans {

    private KMeans() {}

    /**
     * @param points        [n × k] float32, row-major; n ≥ count
     * @param count         number of centroids (≥ 1)
     * @param maxIterations Lloyd iterations at most (≥ 1; it stops earlier when no assignment changes)
     * @return [count × k] float32 centroids, row-major, in the clusterer's order; when the points have fewer
     *         than count distinct positions, some centroids coincide
     */
    public static float[] centroids(float[] points, int n, int k, int count, int maxIterations, long seed) {
        OrthogonalMatchingPursuit.checkMatrix("point", points, n, k);
        if (count < 1 || maxIterations < 1) {
            throw new IllegalArgumentException("k-means needs at least 1 centroid and 1 iteration, not " + count + " and "
                    + maxIterations);
        }
        if (n < count) {
            throw new LatentLabException("cannot place " + count + " k-means centroids on " + n + " points; use fewer"
                    + " centroids or more points");
        }
        List<DoublePoint> list = new ArrayList<>(n);
        for (int a = 0; a < n; a++) {
            double[] p = new double[k];
            for (int c = 0; c < k; c++) {
                p[c] = points[a * k + c];
            }
            list.add(new DoublePoint(p));
        }
        KMeansPlusPlusClusterer<DoublePoint> km = new KMeansPlusPlusClusterer<>(count, maxIterations, new EuclideanDistance(),
                new Well19937c(seed));
        List<CentroidCluster<DoublePoint>> clusters = km.cluster(list);
        float[] out = new float[clusters.size() * k];
        for (int i = 0; i < clusters.size(); i++) {
            double[] c = clusters.get(i).getCenter().getPoint();
            for (int j = 0; j < k; j++) {
                out[i * k + j] = (float) c[j];
            }
        }
        return out;
    }
}
