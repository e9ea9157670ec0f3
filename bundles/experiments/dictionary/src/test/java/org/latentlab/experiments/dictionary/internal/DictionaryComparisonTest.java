package org.latentlab.experiments.dictionary.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.latentlab.numerics.Bases;

/** The five methods on hand-built codes whose errors are known exactly. */
class DictionaryComparisonTest {

    static final int K = 6;
    static final float R = (float) Math.sqrt(0.5);
    /** Three orthonormal atoms of R^6. */
    static final float[] ATOMS = {R, R, 0, 0, 0, 0, R, -R, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0};

    /** D(z) = 2z: pixel errors are 4 times the latent ones. */
    static final DictionaryComparison.Decoder DOUBLE = (z, n) -> {
        float[] out = new float[z.length];
        for (int i = 0; i < z.length; i++) {
            out[i] = 2 * z[i];
        }
        return out;
    };

    static float[] combination(float... coefficients) {
        float[] y = new float[K];
        for (int a = 0; a < coefficients.length; a++) {
            for (int j = 0; j < K; j++) {
                y[j] += coefficients[a] * ATOMS[a * K + j];
            }
        }
        return y;
    }

    static float[] rows(float[]... rows) {
        float[] out = new float[rows.length * K];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * K, K);
        }
        return out;
    }

    static DictionaryComparison.Setup setup(float[] codes, Optional<float[]> training, int nt, List<Integer> s) {
        int n = codes.length / K;
        return new DictionaryComparison.Setup(ATOMS, 3, K, codes, n, DOUBLE.decode(codes, n), K, training, nt, s, 11, 12, 13, 100);
    }

    @Test
    void exactSparseCombinationsOfTheAtomsHaveNoErrorOnceSReachesTheirSupport() {
        // y0 = 3 a0 + 1 a1, y1 = -2 a2 + 0.5 a0: 2-sparse each
        float[] codes = rows(combination(3, 1, 0), combination(0.5f, 0, -2));
        List<DictionaryResult.Curve> curves = DictionaryComparison.run(setup(codes, Optional.empty(), 0, List.of(1, 2, 3)), DOUBLE,
                (m, s) -> {});
        DictionaryResult.Curve att = curves.get(0);
        assertEquals(Method.ATTRACTORS, att.method());
        // s = 1: each keeps its largest atom; the residuals are 1·a1 and 0.5·a0 (unit atoms): (1 + 0.25) / (2 · 6)
        assertEquals(1.25 / 12, att.latentMse()[0], 1e-7);
        assertEquals(4 * 1.25 / 12, att.pixelMse()[0], 1e-6, "D(ŷ) = 2ŷ against x = 2y");
        assertEquals(0, att.latentMse()[1], 1e-12);
        assertEquals(0, att.pixelMse()[1], 1e-12);
        assertEquals(0, att.latentMse()[2], 1e-12, "a third atom changes nothing");
    }

    @Test
    void methodsComeInTheirOrderAndWithoutTrainingPcaAndKMeansAreSkippedWithTheReason() {
        List<Integer> s = List.of(1, 2);
        List<DictionaryResult.Curve> curves = DictionaryComparison.run(setup(rows(combination(1, 2, 3)), Optional.empty(), 0, s), DOUBLE,
                (m, x) -> {});
        assertEquals(List.of(Method.values()), curves.stream().map(DictionaryResult.Curve::method).toList());
        for (DictionaryResult.Curve c : curves) {
            boolean needsTraining = c.method() == Method.PCA || c.method() == Method.KMEANS;
            assertEquals(needsTraining, c.skipped().isPresent(), c.method().id);
            assertEquals(needsTraining ? 0 : 2, c.latentMse().length);
        }
        assertEquals("no training inputs given (--training)", curves.get(Method.PCA.ordinal()).skipped().get());
    }

    @Test
    void theRandomBasisIsTheProjectionOntoItsFirstSVectorsAndCoversEverythingAtK() {
        float[] codes = rows(combination(1, 2, 3), combination(0, -1, 0.5f), new float[] {1, 2, 3, 4, 5, 6});
        DictionaryComparison.Setup in = setup(codes, Optional.empty(), 0, List.of(1, 3, 6, 8));
        DictionaryComparison.Approximator a = DictionaryComparison.approximator(Method.RANDOM_BASIS, in);
        float[] basis = Bases.randomOrthonormal(K, 11);
        assertArrayEquals(Bases.project(codes, 3, K, basis, 3, null), a.approximate(3));
        double previous = Double.MAX_VALUE;
        for (int s = 1; s <= K; s++) {
            double e = DictionaryComparison.mse(a.approximate(s), codes);
            assertTrue(e <= previous + 1e-9, "more vectors never fit worse");
            previous = e;
        }
        assertEquals(0, previous, 1e-10, "all k vectors reproduce every code");
        assertArrayEquals(a.approximate(K), a.approximate(8), "s above k uses all k vectors");
    }

    @Test
    void pcaProjectsThroughTheTrainingMeanOntoTheLeadingDirections() {
        // training encodings on the line μ + t·u, u = e1; a test code on that line is exact with s = 1
        float[] mu = {1, 0, 2, 0, 0, 0};
        List<float[]> train = new ArrayList<>();
        for (int t = -3; t <= 3; t++) {
            train.add(new float[] {mu[0], t, mu[2], 0, 0, 0});
        }
        float[] codes = rows(new float[] {1, 7, 2, 0, 0, 0}, new float[] {0, 0, 0, 0, 1, 0});
        DictionaryComparison.Setup in = setup(codes, Optional.of(rows(train.toArray(float[][]::new))), train.size(), List.of(1));
        float[] approx = DictionaryComparison.approximator(Method.PCA, in).approximate(1);
        for (int j = 0; j < K; j++) {
            assertEquals(codes[j], approx[j], 1e-5, "the code on the training line, coordinate " + j);
        }
        // the off-line code projects to μ + ⟨y − μ, e1⟩ e1 = μ
        assertEquals(1, approx[K], 1e-3);
        assertEquals(2, approx[K + 2], 1e-3);
        assertEquals(0, approx[K + 4], 1e-3);
    }

    @Test
    void theRandomDictionaryHasAsManyUnitAtomsAsTheAttractorsAndDependsOnlyOnItsSeed() {
        float[] d = DictionaryComparison.randomDictionary(5, K, 12);
        assertEquals(5 * K, d.length);
        for (int a = 0; a < 5; a++) {
            double norm = 0;
            for (int j = 0; j < K; j++) {
                norm += d[a * K + j] * d[a * K + j];
            }
            assertEquals(1, norm, 1e-5);
        }
        assertArrayEquals(d, DictionaryComparison.randomDictionary(5, K, 12));
        assertTrue(!java.util.Arrays.equals(d, DictionaryComparison.randomDictionary(5, K, 13)));
        List<DictionaryResult.Curve> curves = DictionaryComparison.run(setup(rows(combination(1, 2, 3), combination(-1, 0, 4)),
                Optional.empty(), 0, List.of(1, 2, 3)), DOUBLE, (m, s) -> {});
        double[] e = curves.get(Method.RANDOM_DICTIONARY.ordinal()).latentMse();
        assertTrue(e[0] >= e[1] - 1e-12 && e[1] >= e[2] - 1e-12, "OMP errors fall with s: " + java.util.Arrays.toString(e));
    }

    @Test
    void kMeansCentroidsOfTightBlobsCodeTheirOwnDirectionExactly() {
        // three blobs of training encodings around 2·a0, -3·a2 and 5·e5; a test code along a blob direction is 1-sparse
        List<float[]> train = new ArrayList<>();
        float[][] centres = {combination(2, 0, 0), combination(0, 0, -3), {0, 0, 0, 0, 0, 5}};
        for (float[] c : centres) {
            for (int i = 0; i < 10; i++) {
                float[] p = c.clone();
                p[3] += (i - 4.5f) * 1e-4f; // symmetric jitter: the blob mean is the centre
                train.add(p);
            }
        }
        float[] codes = rows(new float[] {0, 0, 0, 0, 0, -1.5f});
        DictionaryComparison.Setup in = setup(codes, Optional.of(rows(train.toArray(float[][]::new))), train.size(), List.of(1));
        float[] approx = DictionaryComparison.approximator(Method.KMEANS, in).approximate(1);
        assertEquals(0, DictionaryComparison.mse(approx, codes), 1e-10);

        DictionaryComparison.Setup few = setup(codes, Optional.of(rows(train.get(0), train.get(1))), 2, List.of(1));
        DictionaryResult.Curve c = DictionaryComparison.run(few, DOUBLE, (m, s) -> {}).get(Method.KMEANS.ordinal());
        assertEquals(Optional.of("k-means with 3 centroids (one per atom) needs at least 3 training encodings, got 2"), c.skipped());
    }

    @Test
    void everyMethodAndSparsityIsAnnouncedBeforeItRuns() {
        List<String> steps = new ArrayList<>();
        float[] train = rows(combination(1, 0, 0), combination(0, 1, 0), combination(0, 0, 1), new float[] {0, 0, 0, 1, 0, 0});
        DictionaryComparison.run(setup(rows(combination(1, 2, 3)), Optional.of(train), 4, List.of(1, 4)), DOUBLE,
                (m, s) -> steps.add(m.id + ":" + s));
        assertEquals(List.of("attractors:1", "attractors:4", "random-basis:1", "random-basis:4", "pca:1", "pca:4",
                "random-dictionary:1", "random-dictionary:4", "kmeans:1", "kmeans:4"), steps);
    }
}
