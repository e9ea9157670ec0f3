package org.latentlab.clusterers.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.attractor.Clustering;
import org.osgi.service.component.annotations.Component;

/**
 * DBSCAN (Ester et al. 1996) on end points. End points pile up on few attractors, so the points are
 * first compressed into leaders of radius eps/4 (weighted by how many points each stands for);
 * DBSCAN then runs on the leaders, a point's neighbourhood weight being the summed weights of the
 * leaders within eps. This is DBSCAN on cells of radius eps/4, not on the points themselves:
 * neighbourhoods are measured between cell means, so a point near the edge of a neighbourhood (within
 * eps/2 of its boundary) can be counted differently than exact DBSCAN would. Noise gets label -1; its
 * seeds count as converged without an attractor.
 */
@Component(property = {ServiceProperties.ID + "=dbscan",
        ServiceProperties.DESCRIPTION + "=density clustering (DBSCAN) of end points; sparse points are noise (-1)"})
public class DbscanClusterer implements AttractorClusterer {

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.real("eps", 5e-2, 0, Double.MAX_VALUE, "neighbourhood radius"),
                ParameterSpec.integer("minPoints", 5, 1, Integer.MAX_VALUE, "points within eps that make a core point"));
    }

    @Override
    public Clustering cluster(Tensor endpoints, Parameters params) {
        double eps = params.getDouble("eps", 5e-2);
        int minPts = params.getInt("minPoints", 5);
        double r2 = eps * eps / 16;
        Clustering leaders = LeaderClustering.cluster(endpoints, (d, p, l, li, k) -> LeaderClustering.dist2(d, p, l, li, k) < r2);
        int m = leaders.count();
        int k = endpoints.width();
        int[] weight = new int[m];
        for (int lab : leaders.labels()) {
            weight[lab]++;
        }
        float[] c = leaders.centers().data();
        double eps2 = eps * eps;
        int[] cluster = new int[m];
        Arrays.fill(cluster, -2); // -2 unvisited, -1 noise
        int next = 0;
        for (int i = 0; i < m; i++) {
            if (cluster[i] != -2) {
                continue;
            }
            List<Integer> nb = neighbours(c, i, m, k, eps2);
            if (weightOf(nb, weight) < minPts) {
                cluster[i] = -1;
                continue;
            }
            int id = next++;
            cluster[i] = id;
            ArrayDeque<Integer> queue = new ArrayDeque<>(nb);
            while (!queue.isEmpty()) {
                int q = queue.poll();
                if (cluster[q] == -1) {
                    cluster[q] = id; // border point
                }
                if (cluster[q] != -2) {
                    continue;
                }
                cluster[q] = id;
                List<Integer> nq = neighbours(c, q, m, k, eps2);
                if (weightOf(nq, weight) >= minPts) {
                    queue.addAll(nq);
                }
            }
        }
        // Representatives: weighted means of member leaders.
        double[][] sums = new double[next][k];
        int[] counts = new int[next];
        int[] labels = new int[endpoints.rows()];
        for (int p = 0; p < labels.length; p++) {
            int lab = cluster[leaders.labels()[p]];
            labels[p] = lab;
            if (lab >= 0) {
                counts[lab]++;
                for (int j = 0; j < k; j++) {
                    sums[lab][j] += endpoints.data()[p * k + j];
                }
            }
        }
        float[] centers = new float[next * k];
        for (int a = 0; a < next; a++) {
            for (int j = 0; j < k; j++) {
                centers[a * k + j] = (float) (sums[a][j] / counts[a]);
            }
        }
        return new Clustering(labels, Tensor.matrix(next, k, centers));
    }

    private static List<Integer> neighbours(float[] c, int i, int m, int k, double eps2) {
        List<Integer> out = new ArrayList<>();
        for (int j = 0; j < m; j++) {
            if (LeaderClustering.dist2(c, i, c, j, k) <= eps2) {
                out.add(j);
            }
        }
        return out;
    }

    private static int weightOf(List<Integer> idx, int[] weight) {
        int s = 0;
        for (int i : idx) {
            s += weight[i];
        }
        return s;
    }
}
