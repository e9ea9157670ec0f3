package org.latentlab.experiments.dictionary.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.attractor.Clustering;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.numerics.Gaussian;

/**
 * The distinct attractors reached from latent Gaussian noise: seeds z ~ N(0, σ² I) drawn by
 * {@link Gaussian#fill} from {@code new SplittableRandom(seed)} (the numbers {@code analyze --noise}
 * uses), iterated by the strategy; the converged end points merged by the clusterer; one attractor per
 * cluster (its centre as the clusterer gives it), ordered by basin size, largest first (ties: the
 * cluster reached by the lowest seed index first).
 *
 * @param latents  [count × k] the attractors z*
 * @param basins   seeds per attractor
 * @param seeds    number of noise seeds
 * @param converged how many of them converged
 */
record AttractorAtoms(float[] latents, int count, int k, int[] basins, int seeds, int converged) {

    static Tensor noise(int n, int k, double sigma, long seed) {
        float[] z = Tensor.allocate("noise seeds", n, k);
        Gaussian.fill(new SplittableRandom(seed), z, 0, sigma);
        return Tensor.matrix(n, k, z);
    }

    static AttractorAtoms find(LatentMap map, Tensor seeds, IterationStrategy strategy, Parameters strategyParams,
            AttractorClusterer clusterer, Parameters clustererParams, Progress progress, Runnable beforeClustering) {
        int n = seeds.rows();
        int k = seeds.width();
        List<Trajectory> ts = strategy.iterate(map, seeds, strategyParams, progress);
        beforeClustering.run();
        int[] converged = ts.stream().filter(Trajectory::converged).mapToInt(Trajectory::seed).toArray();
        float[] ends = new float[converged.length * k];
        for (int a = 0; a < converged.length; a++) {
            System.arraycopy(ts.get(converged[a]).endpoint(), 0, ends, a * k, k);
        }
        if (converged.length == 0) {
            return new AttractorAtoms(new float[0], 0, k, new int[0], n, 0);
        }
        Clustering c = clusterer.cluster(Tensor.matrix(converged.length, k, ends), clustererParams);
        int m = c.count();
        int[] size = new int[m];
        int[] first = new int[m];
        Arrays.fill(first, Integer.MAX_VALUE);
        for (int a = 0; a < converged.length; a++) {
            int label = c.labels()[a];
            if (label >= 0) {
                size[label]++;
                first[label] = Math.min(first[label], converged[a]);
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int j = 0; j < m; j++) {
            if (size[j] > 0) {
                order.add(j);
            }
        }
        order.sort(Comparator.<Integer>comparingInt(j -> -size[j]).thenComparingInt(j -> first[j]));
        float[] out = new float[order.size() * k];
        int[] basins = new int[order.size()];
        for (int i = 0; i < order.size(); i++) {
            System.arraycopy(c.centers().data(), order.get(i) * k, out, i * k, k);
            basins[i] = size[order.get(i)];
        }
        return new AttractorAtoms(out, order.size(), k, basins, n, converged.length);
    }

    /** Indices of the attractors with a direction (non-zero norm): only these become atoms. */
    int[] withDirection() {
        List<Integer> keep = new ArrayList<>();
        for (int a = 0; a < count; a++) {
            double norm = 0;
            for (int j = 0; j < k; j++) {
                norm += (double) latents[a * k + j] * latents[a * k + j];
            }
            if (norm > 0) {
                keep.add(a);
            }
        }
        return keep.stream().mapToInt(Integer::intValue).toArray();
    }
}
