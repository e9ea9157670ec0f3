package org.latentlab.strategies.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.dynamics.Trajectory;

/**
 * Mixed precision ({@link MixedPrecision}) on maps with known attractors: a first leg on a rounded copy of the map (its
 * inputs and outputs rounded to bfloat16, as a bfloat16 model computes), then the strategy on the map itself. End
 * points must be fixed points of the exact map by the paper's rule, at picard's attractors, in fewer evaluations of
 * the exact map; without a low-precision version the run is the float32 run, bit for bit.
 */
class MixedPrecisionTest {

    /** f with a low-precision version h(z) = bf16(f(bf16(z))); rows through each are counted. */
    static final class WithLowPrecision implements LatentMap {
        final LatentMap exact;
        final AtomicLong exactRows = new AtomicLong();
        final AtomicLong lowRows = new AtomicLong();
        final LatentMap low;

        WithLowPrecision(LatentMap exact, boolean brokenLow) {
            this.exact = exact;
            this.low = z -> {
                lowRows.addAndGet(z.rows());
                Tensor out = exact.apply(rounded(z));
                float[] d = rounded(out).data();
                if (brokenLow) { // every third row of every call comes back NaN
                    for (int r = 0; r < out.rows(); r += 3) {
                        d[r * out.width()] = Float.NaN;
                    }
                }
                return Tensor.matrix(out.rows(), out.width(), d);
            };
        }

        @Override
        public Tensor apply(Tensor z) {
            exactRows.addAndGet(z.rows());
            return exact.apply(z);
        }

        @Override
        public Optional<LatentMap> lowPrecision() {
            return Optional.of(low);
        }
    }

    /** Each value rounded to bfloat16 (nearest, ties to even). */
    static Tensor rounded(Tensor t) {
        float[] d = t.data().clone();
        for (int i = 0; i < d.length; i++) {
            int bits = Float.floatToRawIntBits(d[i]);
            if (Float.isFinite(d[i])) {
                bits += 0x7FFF + ((bits >>> 16) & 1);
                d[i] = Float.intBitsToFloat(bits & 0xFFFF0000);
            }
        }
        return new Tensor(t.shape(), d);
    }

    static List<Trajectory> run(IterationStrategy s, LatentMap f, Tensor seeds, Map<String, String> given) {
        return AndersonTest.run(s, f, seeds, given);
    }

    /** Six attractors in R^16 contracting at ρ = 0.98 (about 400 plain steps), as in AndersonTest. */
    static TestMaps.Wells wells() {
        return new TestMaps.Wells(16, 6, 0.98, 4, 1);
    }

    /** Every seed converged by the paper's rule on the exact map, at the attractor picard finds for at least 99%. */
    static void assertPicardsAttractors(TestMaps.Wells wells, List<Trajectory> picard, List<Trajectory> mixed, String what) {
        double bound = 1e-3 / (1 - 0.98) * 1.01; // |e| <= |f(z) - z| / (1 - rho) on a cell, plus float rounding
        int same = 0;
        for (int i = 0; i < picard.size(); i++) {
            Trajectory m = mixed.get(i);
            assertEquals(i, m.seed());
            assertTrue(m.converged(), what + ": seed " + i);
            float[] z = m.endpoint();
            assertTrue(AndersonTest.residual2(wells, z) < 1e-6 * 1.0001, what + ": seed " + i + " is no fixed point of f");
            int c = wells.nearest(z, 0);
            assertTrue(TestMaps.distance(z, wells.centres[c]) < bound, what + ": seed " + i + " ends off the attractor");
            same += c == wells.nearest(picard.get(i).endpoint(), 0) ? 1 : 0;
        }
        assertTrue(same >= 0.99 * picard.size(), what + ": " + same + " of " + picard.size() + " at picard's attractor");
    }

    /** Float32 picard and mixed-precision picard on the same seeds around the wells. */
    record PicardRuns(TestMaps.Wells wells, Tensor seeds, List<Trajectory> picard, List<Trajectory> mixed, WithLowPrecision f) {
        static PicardRuns of(int n, long seed, boolean brokenLow) {
            TestMaps.Wells wells = MixedPrecisionTest.wells();
            Tensor seeds = AndersonTest.seedsAround(wells.centres, n, 4, seed);
            List<Trajectory> picard = run(new PicardIteration(), wells, seeds, Map.of());
            WithLowPrecision f = new WithLowPrecision(wells, brokenLow);
            return new PicardRuns(wells, seeds, picard, run(new PicardIteration(), f, seeds, Map.of("mixedPrecision", "true")), f);
        }
    }

    @Test
    void picardFinishesOnTheExactMapAtItsAttractorsWithFewerExactEvaluations() {
        PicardRuns runs = PicardRuns.of(1200, 7, false);
        List<Trajectory> picard = runs.picard();
        List<Trajectory> mixed = runs.mixed();
        WithLowPrecision f = runs.f();
        assertPicardsAttractors(runs.wells(), picard, mixed, "picard");
        long exact = AndersonTest.evaluations(mixed);
        long plain = AndersonTest.evaluations(picard);
        assertTrue(f.lowRows.get() > 0, "the first leg ran on the low-precision map");
        assertEquals(f.exactRows.get(), exact, "mapEvaluations count the exact map's rows only");
        // the rounded map reaches its floor (2^-8 relative) near the attractor; the exact leg only closes that gap
        assertTrue(exact < plain / 2, "exact evaluations " + exact + " against picard's " + plain);
        for (int i = 0; i < picard.size(); i++) {
            assertTrue(mixed.get(i).steps() >= picard.get(i).steps() / 2, "steps count both legs: seed " + i);
        }
    }

    @Test
    void andersonWithCaptureFinishesOnTheExactMapWithFewerExactEvaluations() {
        TestMaps.Wells wells = wells();
        Tensor seeds = AndersonTest.seedsAround(wells.centres, 1200, 4, 7);
        List<Trajectory> picard = run(new PicardIteration(), wells, seeds, Map.of());
        List<Trajectory> capture = run(new AndersonAcceleration(), wells, seeds, Map.of("capture", "true"));
        WithLowPrecision f = new WithLowPrecision(wells, false);
        List<Trajectory> mixed = run(new AndersonAcceleration(), f, seeds, Map.of("capture", "true", "mixedPrecision", "true"));
        assertPicardsAttractors(wells, picard, mixed, "anderson capture mixed");
        long exact = AndersonTest.evaluations(mixed);
        assertTrue(exact < AndersonTest.evaluations(capture), "exact evaluations " + exact + " against "
                + AndersonTest.evaluations(capture) + " in float32 alone");
        assertTrue(exact <= 8L * seeds.rows(), "from the rounded map's floor a few chord steps finish: " + exact);
    }

    @Test
    void withoutALowPrecisionVersionTheRunIsTheFloat32Run() {
        TestMaps.Wells wells = wells();
        Tensor seeds = AndersonTest.seedsAround(wells.centres, 300, 4, 3);
        for (IterationStrategy s : List.of(new PicardIteration(), new AndersonAcceleration(), new DampedIteration())) {
            List<Trajectory> plain = run(s, wells, seeds, Map.of());
            List<Trajectory> asked = run(s, wells, seeds, Map.of("mixedPrecision", "true"));
            for (int i = 0; i < seeds.rows(); i++) {
                assertArrayEquals(plain.get(i).endpoint(), asked.get(i).endpoint(), s.getClass().getSimpleName() + " seed " + i);
                assertEquals(plain.get(i).steps(), asked.get(i).steps());
                assertEquals(plain.get(i).mapEvaluations(), asked.get(i).mapEvaluations());
            }
        }
    }

    @Test
    void seedsTheLowPrecisionMapLosesRestartOnTheExactMap() {
        PicardRuns runs = PicardRuns.of(300, 5, true);
        List<Trajectory> picard = runs.picard();
        assertPicardsAttractors(runs.wells(), picard, runs.mixed(), "picard with a NaN-giving low-precision map");
        List<Trajectory> mixed = runs.mixed();
        int restarted = 0;
        for (int i = 0; i < picard.size(); i++) {
            // diverged in the first leg: the whole run is the float32 run of its seed
            if (mixed.get(i).steps() == picard.get(i).steps()
                    && java.util.Arrays.equals(picard.get(i).endpoint(), mixed.get(i).endpoint())) {
                restarted++;
            }
        }
        assertTrue(restarted > 0, "some seeds met a NaN row in the first leg");
    }

    @Test
    void recordedPathsJoinBothLegs() {
        TestMaps.Wells wells = wells();
        Tensor seeds = AndersonTest.seedsAround(wells.centres, 40, 4, 9);
        WithLowPrecision f = new WithLowPrecision(wells, false);
        List<Trajectory> mixed = run(new PicardIteration(), f, seeds, Map.of("mixedPrecision", "true", "recordPaths", "true"));
        for (int i = 0; i < seeds.rows(); i++) {
            Trajectory t = mixed.get(i);
            assertEquals(t.steps() + 1, t.path().length, "seed " + i);
            assertArrayEquals(seeds.row(i), t.path()[0]);
            assertArrayEquals(t.endpoint(), t.path()[t.steps()]);
            double length = 0;
            for (int s = 1; s < t.path().length; s++) {
                length += TestMaps.distance(t.path()[s], toDouble(t.path()[s - 1]));
            }
            assertEquals(length, t.pathLength(), 1e-6 * Math.max(1, length), "path length of both legs");
        }
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
