package org.latentlab.experiments.dictionary.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.latentlab.api.LatentLabException;
import org.latentlab.numerics.Bases;
import org.latentlab.numerics.Gaussian;
import org.latentlab.numerics.KMeans;
import org.latentlab.numerics.OrthogonalMatchingPursuit;
import org.latentlab.numerics.Pca;

/**
 * The comparison itself, independent of OSGi and of where codes come from: for each method and each
 * sparsity s, the approximations ŷ of the test codes y, their mean squared error in latent space and,
 * after decoding, against the test inputs x. Methods and their exact definitions: {@link Method} and
 * docs/experiments.md.
 */
final class DictionaryComparison {

    /** D: latents [n × k] to flat outputs [n × d]. */
    @FunctionalInterface
    interface Decoder {
        float[] decode(float[] latents, int n);
    }

    /**
     * What the comparison runs on.
     *
     * @param atoms            [m × k] unit attractor atoms
     * @param codes            [n × k] test codes y = E(x)
     * @param inputs           [n × d] test inputs x, flat
     * @param training         [nt × k] training encodings, or empty (PCA and k-means are then skipped)
     * @param sparsities       ascending, each ≥ 1
     * @param basisSeed        seed of the random orthonormal basis
     * @param dictionarySeed   seed of the random dictionary
     * @param kmeansSeed       seed of k-means
     * @param kmeansIterations at most this many Lloyd iterations
     */
    record Setup(float[] atoms, int m, int k, float[] codes, int n, float[] inputs, int d, Optional<float[]> training, int nt,
            List<Integer> sparsities, long basisSeed, long dictionarySeed, long kmeansSeed, int kmeansIterations) {}

    /** Told before each method and sparsity; throws to stop (cancel). */
    @FunctionalInterface
    interface Step {
        void next(Method method, int s);
    }

    private DictionaryComparison() {}

    static List<DictionaryResult.Curve> run(Setup in, Decoder decoder, Step step) {
        List<DictionaryResult.Curve> out = new ArrayList<>();
        for (Method method : Method.values()) {
            Approximator a;
            try {
                a = approximator(method, in);
            } catch (Skip skip) {
                out.add(DictionaryResult.Curve.skipped(method, skip.getMessage()));
                continue;
            }
            double[] latent = new double[in.sparsities().size()];
            double[] pixel = new double[latent.length];
            for (int i = 0; i < latent.length; i++) {
                int s = in.sparsities().get(i);
                step.next(method, s);
                float[] approx = a.approximate(s);
                latent[i] = mse(approx, in.codes());
                pixel[i] = mse(decoder.decode(approx, in.n()), in.inputs());
            }
            out.add(new DictionaryResult.Curve(method, Optional.empty(), latent, pixel));
        }
        return out;
    }

    /** ŷ [n × k] for sparsity s. */
    @FunctionalInterface
    interface Approximator {
        float[] approximate(int s);
    }

    /** A method that cannot run on these inputs; its message says why. */
    static final class Skip extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Skip(String why) {
            super(why, null, false, false);
        }
    }

    static Approximator approximator(Method method, Setup in) {
        int k = in.k();
        return switch (method) {
            case ATTRACTORS -> pursuit(in.atoms(), in.m(), in);
            case RANDOM_BASIS -> {
                float[] basis = Bases.randomOrthonormal(k, in.basisSeed());
                yield s -> Bases.project(in.codes(), in.n(), k, basis, Math.min(s, k), null);
            }
            case PCA -> {
                float[] train = training(in, 2, "principal components need at least 2 training encodings");
                Pca pca = Pca.fit(train, in.nt(), k, k);
                yield s -> Bases.project(in.codes(), in.n(), k, pca.components(), Math.min(s, k), pca.mean());
            }
            case RANDOM_DICTIONARY -> pursuit(randomDictionary(in.m(), k, in.dictionarySeed()), in.m(), in);
            case KMEANS -> {
                float[] train = training(in, in.m(), "k-means with " + in.m() + " centroids (one per atom) needs at least "
                        + in.m() + " training encodings, got " + in.nt());
                float[] centroids = KMeans.centroids(train, in.nt(), k, in.m(), in.kmeansIterations(), in.kmeansSeed());
                float[] unit;
                try {
                    unit = OrthogonalMatchingPursuit.normalizeRows(centroids, in.m(), k);
                } catch (LatentLabException e) {
                    throw new Skip("a k-means centroid is the zero vector and has no direction");
                }
                yield pursuit(unit, in.m(), in);
            }
        };
    }

    private static float[] training(Setup in, int atLeast, String tooFew) {
        if (in.training().isEmpty()) {
            throw new Skip("no training inputs given (--training)");
        }
        if (in.nt() < atLeast) {
            throw new Skip(tooFew);
        }
        return in.training().get();
    }

    private static Approximator pursuit(float[] atoms, int m, Setup in) {
        OrthogonalMatchingPursuit omp = OrthogonalMatchingPursuit.of(atoms, m, in.k());
        return s -> omp.encodeAll(in.codes(), in.n(), s, null).approximations();
    }

    /** m atoms of N(0, 1) draws ({@link Gaussian#fill}, row-major, {@code new SplittableRandom(seed)}), each divided by its norm. */
    static float[] randomDictionary(int m, int k, long seed) {
        float[] g = new float[m * k];
        Gaussian.fill(new SplittableRandom(seed), g, 0, 1);
        return OrthogonalMatchingPursuit.normalizeRows(g, m, k);
    }

    /** Σ (a_i − b_i)² / length, in double. */
    static double mse(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("cannot compare " + a.length + " values with " + b.length);
        }
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double e = (double) a[i] - b[i];
            sum += e * e;
        }
        return a.length == 0 ? Double.NaN : sum / a.length;
    }
}
