package org.latentlab.strategies.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.dynamics.Trajectory;

/**
 * The batched picard run against the plain loop it replaces ({@link FixedPointLoop} with the identity update):
 * the same trajectories, bit for bit, whatever the batch, on maps where seeds stop at very different steps,
 * diverge, produce NaN or run out of steps.
 */
class PicardRunTest {

    static final PicardIteration PICARD = new PicardIteration();

    static Parameters params(Map<String, String> given) {
        return Parameters.resolve("test", PICARD.parameters(), given);
    }

    /**
     * Row r contracts towards c_r = (r mod 5) − 2 at a rate that depends on the row's first coordinate:
     * f(z) = c + ρ(z)(z − c) with ρ between 0.3 and 0.97, so step counts range from a few to a few hundred.
     */
    static final LatentMap MIXED_RATES = z -> {
        int k = z.width();
        float[] out = new float[z.data().length];
        for (int r = 0; r < z.rows(); r++) {
            float x0 = z.data()[r * k];
            float rho = 0.3f + 0.67f * (float) (0.5 + 0.5 * Math.tanh(x0));
            for (int j = 0; j < k; j++) {
                float c = (j % 5) - 2f;
                out[r * k + j] = c + rho * (z.data()[r * k + j] - c);
            }
        }
        return Tensor.matrix(z.rows(), k, out);
    };

    /** x ← x + ½(x − x³), y ← ½y: attractors (±1, 0), a saddle at 0 that plain iteration leaves. */
    static final LatentMap DOUBLE_WELL = StrategiesTest.DOUBLE_WELL;

    /** z ← −1.2 z for x > 1 (diverges), NaN for x < −1, a rotation otherwise (never converges). */
    static final LatentMap TROUBLE = z -> {
        float[] out = new float[z.data().length];
        for (int r = 0; r < z.rows(); r++) {
            float x = z.data()[2 * r];
            float y = z.data()[2 * r + 1];
            if (x > 1) {
                out[2 * r] = -1.2f * x;
                out[2 * r + 1] = -1.2f * y;
            } else if (x < -1) {
                out[2 * r] = Float.NaN;
                out[2 * r + 1] = y;
            } else {
                out[2 * r] = -y;
                out[2 * r + 1] = x;
            }
        }
        return Tensor.matrix(z.rows(), 2, out);
    };

    static Tensor gaussian(int n, int k, double sigma, long seed) {
        Random r = new Random(seed);
        float[] d = new float[n * k];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (sigma * r.nextGaussian());
        }
        return Tensor.matrix(n, k, d);
    }

    static void assertSame(List<Trajectory> expected, List<Trajectory> actual, String what) {
        assertEquals(expected.size(), actual.size(), what);
        for (int i = 0; i < expected.size(); i++) {
            Trajectory e = expected.get(i);
            Trajectory a = actual.get(i);
            String at = what + ", seed " + i;
            assertEquals(e.seed(), a.seed(), at);
            assertArrayEquals(e.endpoint(), a.endpoint(), at); // bit for bit: the same floats
            assertEquals(e.steps(), a.steps(), at);
            assertEquals(e.converged(), a.converged(), at);
            assertEquals(e.diverged(), a.diverged(), at);
            assertEquals(e.pathLength(), a.pathLength(), 0.0, at);
            assertEquals(e.finalResidual(), a.finalResidual(), 0.0, at);
            if (e.path() == null) {
                assertEquals(null, a.path(), at);
            } else {
                assertEquals(e.path().length, a.path().length, at);
                for (int s = 0; s < e.path().length; s++) {
                    assertArrayEquals(e.path()[s], a.path()[s], at + ", point " + s);
                }
            }
        }
    }

    /** The plain loop and the batched run at several batches, including one seed at a time and all at once. */
    static void assertSameAsPlain(LatentMap f, Tensor seeds, Map<String, String> given) {
        Parameters p = params(given);
        List<Trajectory> plain = PicardIteration.plain(f, seeds, p, Progress.NONE);
        for (int batch : new int[] {1, 2, 7, 64, 100, seeds.rows()}) {
            assertSame(plain, PICARD.iterate(f, seeds, batch, p, Progress.NONE), "batch " + batch);
        }
        assertSame(plain, PICARD.iterate(f, seeds, p, Progress.NONE), "all seeds at once");
    }

    @Test
    void sameTrajectoriesAsThePlainLoopWhenSeedsStopAtVeryDifferentSteps() {
        Tensor seeds = gaussian(300, 6, 2, 1);
        assertSameAsPlain(MIXED_RATES, seeds, Map.of());
        assertSameAsPlain(MIXED_RATES, seeds, Map.of("tolerance", "1e-9", "recordPaths", "true"));
        // few steps allowed: many seeds run out of steps, some inside a multi-step block
        assertSameAsPlain(MIXED_RATES, seeds, Map.of("maxSteps", "37"));
        assertSameAsPlain(MIXED_RATES, seeds, Map.of("maxSteps", "1"));
    }

    @Test
    void sameTrajectoriesOnTheDoubleWellAndOnDivergingNanAndEndlessSeeds() {
        assertSameAsPlain(DOUBLE_WELL, gaussian(200, 2, 1.5, 2), Map.of("recordPaths", "true"));
        Tensor seeds = gaussian(120, 2, 1.5, 3);
        seeds.data()[10] = Float.NaN; // a NaN seed: diverged at step 0
        seeds.data()[21] = Float.POSITIVE_INFINITY;
        assertSameAsPlain(TROUBLE, seeds, Map.of("maxSteps", "200", "divergenceNorm", "1e4"));
        List<Trajectory> t = PICARD.iterate(TROUBLE, seeds, 7, params(Map.of("maxSteps", "200")), Progress.NONE);
        assertTrue(t.stream().anyMatch(Trajectory::diverged));
        assertTrue(t.stream().anyMatch(x -> !x.diverged() && !x.converged() && x.steps() == 200));
        assertTrue(t.get(5).diverged());
        assertEquals(0, t.get(5).steps());
    }

    @Test
    void theExactStepOfThePapersRuleOnAnAffineContraction() {
        // f(z) = ½ z + (1, 2): from z* + (1, 0) the rule first holds at t = 9 (see StrategiesTest); in every batch position
        LatentMap f = StrategiesTest.affine(new double[][] {{0.5, 0}, {0, 0.5}}, new double[] {1, 2});
        Tensor seeds = Tensor.ofRows(new float[][] {{3, 4}, {3, 4}, {3, 4}});
        for (int batch : new int[] {1, 2, 3}) {
            for (Trajectory t : PICARD.iterate(f, seeds, batch, params(Map.of()), Progress.NONE)) {
                assertEquals(9, t.steps());
                assertTrue(t.converged());
                assertEquals(2.0 + 1.0 / 512, t.endpoint()[0], 1e-6);
            }
        }
    }

    /** A map that records the rows and steps of each call. */
    static final class Counting implements LatentMap {
        final LatentMap f;
        final List<int[]> calls = new ArrayList<>(); // {rows, steps}

        Counting(LatentMap f) {
            this.f = f;
        }

        @Override
        public Tensor apply(Tensor z) {
            calls.add(new int[] {z.rows(), 1});
            return f.apply(z);
        }

        @Override
        public Tensor applySteps(Tensor z, int steps) {
            calls.add(new int[] {z.rows(), steps});
            LatentMap inner = f::apply; // the default, not through this.apply: one record per call
            return inner.applySteps(z, steps);
        }
    }

    @Test
    void theBatchStaysFullUntilTheSeedsRunOutAndTheTailTakesSeveralStepsPerCall() {
        Tensor seeds = gaussian(500, 4, 2, 4);
        Counting f = new Counting(MIXED_RATES);
        AtomicLong units = new AtomicLong();
        Progress counting = new Progress() {
            public void advance(long u) {
                units.addAndGet(u);
            }

            public boolean cancelled() {
                return false;
            }
        };
        List<Trajectory> t = PICARD.iterate(f, seeds, 100, params(Map.of()), counting);
        // progress counts every step taken, as the plain loop does
        assertEquals(t.stream().mapToLong(Trajectory::steps).sum(), units.get());
        // map evaluations per seed add up to the rows x steps the map was given (steps after a stop included)
        assertEquals(f.calls.stream().mapToLong(c -> (long) c[0] * c[1]).sum(),
                t.stream().mapToLong(Trajectory::mapEvaluations).sum());
        assertTrue(t.stream().allMatch(x -> x.mapEvaluations() >= x.steps() + 1));
        // while seeds wait, every call holds a full batch of 100 rows and takes one step
        int firstShort = 0;
        while (f.calls.get(firstShort)[0] == 100) {
            assertEquals(1, f.calls.get(firstShort)[1]);
            firstShort++;
        }
        long rowStepsBefore = 0;
        for (int c = 0; c < firstShort; c++) {
            rowStepsBefore += f.calls.get(c)[0];
        }
        assertTrue(rowStepsBefore > 500, "all 500 seeds entered while the batch was full: " + rowStepsBefore);
        // in the tail, few rows take several steps per call (and never more than the cap)
        assertTrue(f.calls.stream().anyMatch(c -> c[1] > 1), "no multi-step call in the tail");
        assertTrue(f.calls.stream().allMatch(c -> c[1] <= PicardRun.MAX_STEPS_PER_CALL
                && (c[0] < PicardRun.ROWS_FOR_SINGLE_STEPS || c[1] == 1)));
        // far fewer calls than the plain loop, which calls f once per step of the slowest seed per chunk
        Counting g = new Counting(MIXED_RATES);
        for (int from = 0; from < 500; from += 100) {
            PicardIteration.plain(g, seeds.slice(from, from + 100), params(Map.of()), Progress.NONE);
        }
        assertTrue(f.calls.size() * 2 < g.calls.size(), f.calls.size() + " calls vs " + g.calls.size());
    }

    @Test
    void stepsPerCallFollowTheRowsInFlightAndTheStepsLeft() {
        assertEquals(1, PicardRun.stepsPerCall(64, 3000));
        assertEquals(1, PicardRun.stepsPerCall(5000, 3000));
        assertEquals(2, PicardRun.stepsPerCall(32, 3000));
        assertEquals(PicardRun.MAX_STEPS_PER_CALL, PicardRun.stepsPerCall(1, 3000));
        assertEquals(3, PicardRun.stepsPerCall(1, 3)); // never more steps than any row may still take
    }

    @Test
    void aMapThatChangesTheShapeIsReportedAndCancellationStopsTheRun() {
        LatentMap wrong = new LatentMap() {
            public Tensor apply(Tensor z) {
                return MIXED_RATES.apply(z);
            }

            public Tensor applySteps(Tensor z, int steps) {
                return MIXED_RATES.apply(z); // one step only
            }
        };
        LatentLabException e = assertThrows(LatentLabException.class,
                () -> PICARD.iterate(wrong, gaussian(3, 4, 1, 5), params(Map.of()), Progress.NONE));
        assertTrue(e.getMessage().contains("returned shape"), e.getMessage());
        Progress cancelled = new Progress() {
            public void advance(long units) {}

            public boolean cancelled() {
                return true;
            }
        };
        assertThrows(java.util.concurrent.CancellationException.class,
                () -> PICARD.iterate(MIXED_RATES, gaussian(3, 4, 1, 5), 2, params(Map.of()), cancelled));
    }

    @Test
    void noSeedsNoTrajectories() {
        assertEquals(List.of(), PICARD.iterate(MIXED_RATES, Tensor.matrix(0, 4, new float[0]), 16, params(Map.of()), Progress.NONE));
    }
}
