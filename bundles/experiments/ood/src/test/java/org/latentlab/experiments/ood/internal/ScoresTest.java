package org.latentlab.experiments.ood.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.ood.OodScore;

/**
 * Each built-in score on a hand-built linear contraction f(z) = a·z + b in a 2-D latent space, whose
 * path is known in closed form: z_t = z* + a^t (z0 − z*) with the fixed point z* = b / (1 − a).
 */
class ScoresTest {

    static final double A = 0.5;
    static final float[] B = {1, 0}; // z* = (2, 0)
    static final int T = 6;
    static final double TOL = 1e-5;

    /** Two inputs: z0 = (2, 3) at distance 3 from z*, and z0 = (-1, 0) at distance 3 too, on the other side. */
    static final float[][] Z0 = {{2, 3}, {-1, 0}};

    static List<Tensor> path(float[][] z0, int steps) {
        List<Tensor> path = new ArrayList<>();
        Tensor z = Tensor.ofRows(z0);
        path.add(z);
        for (int t = 0; t < steps; t++) {
            float[] next = new float[z.data().length];
            for (int i = 0; i < next.length; i++) {
                next[i] = (float) (A * z.data()[i] + B[i % 2]);
            }
            z = Tensor.matrix(z.rows(), 2, next);
            path.add(z);
        }
        return path;
    }

    /** Identity encoder and decoder: x = z0 and D(E(x)) = x unless given otherwise. */
    static Batch batch(float[][] z0, Tensor reconstructions, Tensor codes, Tensor attractors) {
        Tensor x = Tensor.ofRows(z0);
        return new Batch(x, path(z0, T), reconstructions == null ? x : reconstructions,
                new TrainingReference(codes, attractors, "no attractors"));
    }

    static Batch batch() {
        return batch(Z0, null, Tensor.ofRows(new float[][] {{0, 0}}), Tensor.ofRows(new float[][] {{2, 0}}));
    }

    static double[] run(OodScore s, Batch b, Map<String, String> given) {
        return s.score(b, Parameters.resolve("test", s.parameters(), given));
    }

    @Test
    void fieldNormIsTheFirstStepOfTheMap() {
        // ||f(z0) - z0|| = (1 - a) ||z0 - z*|| = 1.5 for both inputs
        assertArrayEquals(new double[] {1.5, 1.5}, run(new FieldNormScore(), batch(), Map.of()), TOL);
        assertFalse(new FieldNormScore().needsTraining());
    }

    @Test
    void pathLengthSumsTheStepsOfTheWholePath() {
        // sum_{t<T} (1 - a) a^t |e0| = |e0| (1 - a^T)
        double expected = 3 * (1 - Math.pow(A, T));
        assertArrayEquals(new double[] {expected, expected}, run(new PathLengthScore(), batch(), Map.of()), TOL);
        assertFalse(new PathLengthScore().needsTraining());
    }

    @Test
    void trajectoryIsTheMeanDistanceToTheNearestAttractorOverTZeroToT() {
        // with the one attractor z*: mean_{t=0..T} a^t |e0| = |e0| (1 - a^{T+1}) / ((1 - a)(T + 1))
        double expected = 3 * (1 - Math.pow(A, T + 1)) / ((1 - A) * (T + 1));
        assertArrayEquals(new double[] {expected, expected}, run(new TrajectoryScore(), batch(), Map.of()), TOL);

        // a second attractor at (-1, 0) is the nearest for the second input's whole path start only:
        // distances min(|z_t - (2,0)|, |z_t - (-1,0)|) along z_t = (2 - 3 a^t, 0)
        Batch two = batch(Z0, null, Tensor.ofRows(new float[][] {{0, 0}}), Tensor.ofRows(new float[][] {{2, 0}, {-1, 0}}));
        double sum = 0;
        for (int t = 0; t <= T; t++) {
            double x = 2 - 3 * Math.pow(A, t);
            sum += Math.min(Math.abs(x - 2), Math.abs(x + 1));
        }
        assertEquals(sum / (T + 1), run(new TrajectoryScore(), two, Map.of())[1], TOL);
        assertEquals(expected, run(new TrajectoryScore(), two, Map.of())[0], TOL, "the first input is nearer (2,0) all along");
    }

    @Test
    void startAndEndToAttractorMeasureZ0AndZT() {
        assertArrayEquals(new double[] {3, 3}, run(new StartToAttractorScore(), batch(), Map.of()), TOL);
        double end = 3 * Math.pow(A, T);
        assertArrayEquals(new double[] {end, end}, run(new EndToAttractorScore(), batch(), Map.of()), TOL);
        Batch two = batch(Z0, null, Tensor.ofRows(new float[][] {{0, 0}}), Tensor.ofRows(new float[][] {{2, 0}, {-1, 0}}));
        assertArrayEquals(new double[] {3, 0}, run(new StartToAttractorScore(), two, Map.of()), TOL, "the nearest of two");
    }

    @Test
    void knnAndNearestAreDistancesFromZ0ToTrainingEncodings() {
        // training codes at distances from z0 = (2, 3): (2, 3) 0, (2, 0) 3, (6, 6) 5, (-4, 3) 6
        Tensor codes = Tensor.ofRows(new float[][] {{6, 6}, {2, 0}, {-4, 3}, {2, 3}});
        Batch b = batch(new float[][] {{2, 3}}, null, codes, Tensor.ofRows(new float[][] {{2, 0}}));
        assertArrayEquals(new double[] {0}, run(new NearestScore(), b, Map.of()), 0);
        assertArrayEquals(new double[] {3}, run(new KnnScore(), b, Map.of("k", "2")), 0);
        assertArrayEquals(new double[] {5}, run(new KnnScore(), b, Map.of("k", "3")), 0);
        assertArrayEquals(new double[] {6}, run(new KnnScore(), b, Map.of("k", "4")), 0);
        assertEquals("50", new KnnScore().parameters().get(0).defaultValue(), "the paper's k");
        LatentLabException e = assertThrows(LatentLabException.class, () -> run(new KnnScore(), b, Map.of("k", "5")));
        assertTrue(e.getMessage().contains("there are 4 training encodings"), e.getMessage());
    }

    @Test
    void reconstructionIsTheSquaredErrorSummedOverAllInputValues() {
        Tensor recon = Tensor.ofRows(new float[][] {{3, 1}, {-1, 2}}); // errors (1, -2) and (0, 2)
        Batch b = batch(Z0, recon, Tensor.ofRows(new float[][] {{0, 0}}), Tensor.ofRows(new float[][] {{2, 0}}));
        assertArrayEquals(new double[] {5, 4}, run(new ReconstructionScore(), b, Map.of()), 0);
        assertArrayEquals(new double[] {0, 0}, run(new ReconstructionScore(), batch(), Map.of()), 0, "identity autoencoder");
    }

    @Test
    void codeSparsityIsHoyersMeasureOfZ0() {
        float[][] z0 = {{3, 0}, {1, 1}, {3, 4}};
        Batch b = batch(z0, null, Tensor.ofRows(new float[][] {{0, 0}}), Tensor.ofRows(new float[][] {{2, 0}}));
        double r2 = Math.sqrt(2);
        assertArrayEquals(new double[] {1, 0, (r2 - 7.0 / 5) / (r2 - 1)}, run(new CodeSparsityScore(), b, Map.of()), 1e-12);
    }

    @Test
    void attractorScoresNameWhyThereAreNoAttractors() {
        Batch none = batch(Z0, null, Tensor.ofRows(new float[][] {{0, 0}}), Tensor.matrix(0, 2, new float[0]));
        LatentLabException e = assertThrows(LatentLabException.class, () -> run(new TrajectoryScore(), none, Map.of()));
        assertEquals("no attractors", e.getMessage());
        assertArrayEquals(new double[] {1.5, 1.5}, run(new FieldNormScore(), none, Map.of()), TOL, "field-norm needs none");
    }
}
