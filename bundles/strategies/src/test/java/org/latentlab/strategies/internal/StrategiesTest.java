package org.latentlab.strategies.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.dynamics.Trajectory;
import org.junit.jupiter.api.Test;

/** Strategies on maps whose fixed points, eigenvalues and step counts are known in closed form. */
class StrategiesTest {

    static Parameters params(IterationStrategy s, Map<String, String> given) {
        return Parameters.resolve("test", s.parameters(), given);
    }

    static List<Trajectory> run(IterationStrategy s, LatentMap f, float[][] seeds, Map<String, String> given) {
        return s.iterate(f, Tensor.ofRows(seeds), params(s, given), Progress.NONE);
    }

    /** f(z) = A z + b row by row, A given row-major. */
    static LatentMap affine(double[][] a, double[] b) {
        int k = b.length;
        return z -> {
            float[] out = new float[z.data().length];
            for (int r = 0; r < z.rows(); r++) {
                for (int i = 0; i < k; i++) {
                    double s = b[i];
                    for (int j = 0; j < k; j++) {
                        s += a[i][j] * z.data()[r * k + j];
                    }
                    out[r * k + i] = (float) s;
                }
            }
            return Tensor.matrix(z.rows(), k, out);
        };
    }

    /** f(x, y) = (x + ½(x − x³), ½ y): attractors (±1, 0) with eigenvalues {0, ½}; saddle (0, 0) with {3/2, ½}. */
    static final LatentMap DOUBLE_WELL = z -> {
        float[] out = new float[z.data().length];
        for (int r = 0; r < z.rows(); r++) {
            float x = z.data()[2 * r];
            float y = z.data()[2 * r + 1];
            out[2 * r] = x + 0.5f * (x - x * x * x);
            out[2 * r + 1] = 0.5f * y;
        }
        return Tensor.matrix(z.rows(), 2, out);
    };

    @Test
    void picardOnAContractionStopsAtTheAnalyticStepWithThePapersRule() {
        // f(z) = ½ z + (1, 2): z* = (2, 4); from z0 = z* + e, z_t − z* = e/2^t and f(z_t) − z_t = −e/2^(t+1).
        LatentMap f = affine(new double[][] {{0.5, 0}, {0, 0.5}}, new double[] {1, 2});
        float[] e = {1, 0};
        List<Trajectory> t = run(new PicardIteration(), f, new float[][] {{3, 4}}, Map.of("tolerance", "1e-6"));
        // converged at the first t >= 1 with (1/2^(t+1))^2 < 1e-6, i.e. 2^(t+1) > 1000: t = 9
        assertEquals(9, t.get(0).steps());
        assertTrue(t.get(0).converged());
        // the end point is z_9 = z* + e/2^9 exactly (not just near z*)
        assertEquals(2.0 + e[0] / 512, t.get(0).endpoint()[0], 1e-6);
        assertEquals(4.0 + e[1] / 512, t.get(0).endpoint()[1], 1e-6);
        assertEquals(Math.pow(2, -10), t.get(0).finalResidual(), 1e-7);
        // path length: sum of |e|/2^(t+1) for t = 0..8 = 1 − 2^-9
        assertEquals(1 - Math.pow(2, -9), t.get(0).pathLength(), 1e-6);
    }

    @Test
    void everyStrategyFindsTheFixedPointOfAnAffineContraction() {
        double[][] a = {{0.9, 0.05, 0}, {-0.05, 0.8, 0.1}, {0, 0.1, 0.7}};
        double[] b = {1, -2, 0.5};
        double[] exact = solveIMinusA(a, b);
        LatentMap f = affine(a, b);
        float[][] seeds = {{0, 0, 0}, {5, -5, 5}, {-3, 2, 10}};
        for (IterationStrategy s : List.of(new PicardIteration(), new DampedIteration(), new AndersonAcceleration(),
                new NewtonIteration(), new ContinuousFlow())) {
            for (Trajectory t : run(s, f, seeds, Map.of("tolerance", "1e-10"))) {
                assertTrue(t.converged(), s.getClass().getSimpleName() + " seed " + t.seed());
                for (int i = 0; i < 3; i++) {
                    assertEquals(exact[i], t.endpoint()[i], 2e-4, s.getClass().getSimpleName() + " coordinate " + i);
                }
            }
        }
    }

    @Test
    void andersonNeedsFarFewerStepsThanPlainIterationOnASlowContraction() {
        double[][] a = {{0.98, 0}, {0, 0.95}};
        LatentMap f = affine(a, new double[] {0.02, 0.05}); // z* = (1, 1)
        float[][] seeds = {{-4, 6}};
        int picard = run(new PicardIteration(), f, seeds, Map.of()).get(0).steps();
        Trajectory anderson = run(new AndersonAcceleration(), f, seeds, Map.of()).get(0);
        assertTrue(anderson.converged());
        assertTrue(anderson.steps() * 5 < picard, "anderson " + anderson.steps() + " vs picard " + picard);
        assertEquals(1.0, anderson.endpoint()[0], 1e-3);
    }

    @Test
    void newtonReachesTheSaddleThatPlainIterationCannot() {
        float[][] seeds = {{0.1f, 0.3f}, {-0.15f, -0.2f}};
        for (Trajectory t : run(new NewtonIteration(), DOUBLE_WELL, seeds, Map.of())) {
            assertTrue(t.converged());
            assertEquals(0.0, t.endpoint()[0], 1e-6, "newton lands on the saddle's x");
            assertEquals(0.0, t.endpoint()[1], 1e-6);
        }
        List<Trajectory> picard = run(new PicardIteration(), DOUBLE_WELL, seeds, Map.of());
        assertEquals(1.0, picard.get(0).endpoint()[0], 1e-3);
        assertEquals(-1.0, picard.get(1).endpoint()[0], 1e-3);
        // Anderson is a multisecant root finder like Newton; its guard takes plain steps where the history shows the
        // map expanding, so it leaves the saddle as plain iteration does (AndersonTest has the thorough version)
        for (IterationStrategy s : List.of(new DampedIteration(), new ContinuousFlow(), new AndersonAcceleration())) {
            List<Trajectory> t = run(s, DOUBLE_WELL, seeds, Map.of());
            assertEquals(1.0, t.get(0).endpoint()[0], 1e-3, s.getClass().getSimpleName());
            assertEquals(-1.0, t.get(1).endpoint()[0], 1e-3, s.getClass().getSimpleName());
        }
    }

    @Test
    void dampingConvergesWherePlainIterationOscillatesOutward() {
        LatentMap f = affine(new double[][] {{-1.2}}, new double[] {0}); // eigenvalue −1.2: picard diverges
        Trajectory picard = run(new PicardIteration(), f, new float[][] {{1}}, Map.of()).get(0);
        assertTrue(picard.diverged());
        assertFalse(picard.converged());
        Trajectory damped = run(new DampedIteration(), f, new float[][] {{1}}, Map.of("alpha", "0.5")).get(0);
        assertTrue(damped.converged()); // z <- 0.5 z + 0.5 (−1.2 z) = −0.1 z
        assertEquals(0.0, damped.endpoint()[0], 1e-3);
    }

    @Test
    void divergingNanAndNeverConvergingTrajectoriesAreReportedNotDropped() {
        LatentMap nan = z -> Tensor.matrix(z.rows(), z.width(), fill(z.data().length, Float.NaN));
        LatentMap rotation = affine(new double[][] {{0, -1}, {1, 0}}, new double[] {0, 0});
        List<Trajectory> t = run(new PicardIteration(), nan, new float[][] {{1, 1}, {2, 2}}, Map.of());
        assertEquals(2, t.size());
        assertTrue(t.get(0).diverged() && t.get(1).diverged());
        Trajectory r = run(new PicardIteration(), rotation, new float[][] {{1, 0}}, Map.of("maxSteps", "50")).get(0);
        assertFalse(r.converged());
        assertFalse(r.diverged());
        assertEquals(50, r.steps());
        assertEquals(1.0, Math.hypot(r.endpoint()[0], r.endpoint()[1]), 1e-5); // rotations keep the norm
    }

    @Test
    void aNanSeedIsReportedWithoutStallingTheOthers() {
        LatentMap half = affine(new double[][] {{0.5, 0}, {0, 0.5}}, new double[] {0, 0});
        float[][] seeds = {{1, 0}, {3, 1}, {Float.NaN, 0}};
        for (IterationStrategy s : List.of(new PicardIteration(), new DampedIteration(), new AndersonAcceleration(),
                new NewtonIteration(), new ContinuousFlow())) {
            List<Trajectory> t = run(s, half, seeds, Map.of());
            assertTrue(t.get(0).converged() && t.get(1).converged(), s.getClass().getSimpleName());
            assertTrue(t.get(2).diverged(), s.getClass().getSimpleName());
            assertEquals(0.0, t.get(1).endpoint()[0], 1e-2, s.getClass().getSimpleName());
        }
        // a map that turns NaN for one row only, mid-flow: that row is frozen and reported, the others finish
        LatentMap poisoned = z -> {
            float[] o = half.apply(z).data().clone();
            for (int r = 0; r < z.rows(); r++) {
                if (z.data()[2 * r] > 2.5f) {
                    o[2 * r] = Float.NaN;
                }
            }
            return Tensor.matrix(z.rows(), 2, o);
        };
        List<Trajectory> t = run(new ContinuousFlow(), poisoned, seeds, Map.of());
        assertTrue(t.get(0).converged());
        assertTrue(t.get(1).diverged());
    }

    @Test
    void recordedPathsStartAtTheSeedAndSumToThePathLength() {
        LatentMap f = affine(new double[][] {{0.5, 0}, {0, 0.25}}, new double[] {0, 0});
        Trajectory t = run(new PicardIteration(), f, new float[][] {{1, 1}}, Map.of("recordPaths", "true")).get(0);
        assertArrayEquals(new float[] {1, 1}, t.path()[0]);
        assertEquals(t.steps() + 1, t.path().length);
        double sum = 0;
        for (int i = 1; i < t.path().length; i++) {
            sum += Math.hypot(t.path()[i][0] - t.path()[i - 1][0], t.path()[i][1] - t.path()[i - 1][1]);
        }
        assertEquals(sum, t.pathLength(), 1e-6);
        assertArrayEquals(t.endpoint(), t.path()[t.steps()]);
    }

    @Test
    void cancellationStopsTheRun() {
        LatentMap rotation = affine(new double[][] {{0, -1}, {1, 0}}, new double[] {0, 0});
        Progress cancelled = new Progress() {
            public void advance(long units) {}

            public boolean cancelled() {
                return true;
            }
        };
        PicardIteration p = new PicardIteration();
        assertThrows(CancellationException.class,
                () -> p.iterate(rotation, Tensor.ofRows(new float[][] {{1, 0}}), params(p, Map.of()), cancelled));
    }

    static float[] fill(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    static double[] solveIMinusA(double[][] a, double[] b) {
        org.apache.commons.math3.linear.RealMatrix m = org.apache.commons.math3.linear.MatrixUtils.createRealIdentityMatrix(b.length)
                .subtract(new org.apache.commons.math3.linear.Array2DRowRealMatrix(a));
        return new org.apache.commons.math3.linear.LUDecomposition(m).getSolver()
                .solve(new org.apache.commons.math3.linear.ArrayRealVector(b)).toArray();
    }
}
