package org.latentlab.strategies.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.dynamics.StreamingIteration;
import org.latentlab.api.dynamics.Trajectory;

/**
 * The strategies on {@link FixedPointLoop} streamed through a bounded batch (a finished seed's slot taken by the next
 * seed in the same map call) give the trajectories of the whole set at once, bit for bit and with the same map
 * evaluations: every decision is per seed, and a slot's scheme state is reset when a new seed takes it.
 */
class StreamedStrategiesTest {

    static Parameters params(StreamingIteration s, Map<String, String> given) {
        return Parameters.resolve("test", s.parameters(), given);
    }

    static void assertStreamedSame(StreamingIteration s, LatentMap f, Tensor seeds, Map<String, String> given) {
        Parameters p = params(s, given);
        List<Trajectory> whole = s.iterate(f, seeds, p, Progress.NONE);
        String name = s.getClass().getSimpleName();
        for (int batch : new int[] {1, 3, 17, 64, seeds.rows() + 5}) {
            List<Trajectory> streamed = s.iterate(f, seeds, batch, p, Progress.NONE);
            PicardRunTest.assertSame(whole, streamed, name + " batch " + batch);
            for (int i = 0; i < whole.size(); i++) {
                assertEquals(whole.get(i).mapEvaluations(), streamed.get(i).mapEvaluations(), name + " batch " + batch + " seed " + i);
            }
        }
    }

    @Test
    void andersonStreamedOnSlowWellsAndNearSaddles() {
        TestMaps.Wells wells = new TestMaps.Wells(8, 4, 0.98, 4, 1);
        Tensor seeds = AndersonTest.seedsAround(wells.centres, 150, 4, 3);
        assertStreamedSame(new AndersonAcceleration(), wells, seeds, Map.of());
        assertStreamedSame(new AndersonAcceleration(), wells, seeds, Map.of("maxSteps", "40", "recordPaths", "true"));
        TestMaps.FourWells four = new TestMaps.FourWells(6, 3);
        Tensor near = AndersonTest.seedsAround(new double[][] {AndersonTest.toDouble(four.point(0, 0)),
                AndersonTest.toDouble(four.point(1, 0)), AndersonTest.toDouble(four.point(0.9, 0.8))}, 120, 0.2, 4);
        assertStreamedSame(new AndersonAcceleration(), four, near, Map.of());
    }

    @Test
    void dampedAndNewtonStreamedWithBrokenSeeds() {
        Tensor seeds = PicardRunTest.gaussian(90, 2, 1.5, 6);
        seeds.data()[10] = Float.NaN; // diverged at t = 0, before any step
        seeds.data()[31] = Float.POSITIVE_INFINITY;
        assertStreamedSame(new DampedIteration(), PicardRunTest.TROUBLE, seeds, Map.of("maxSteps", "200", "divergenceNorm", "1e4"));
        assertStreamedSame(new DampedIteration(), StrategiesTest.DOUBLE_WELL, PicardRunTest.gaussian(90, 2, 1.5, 7), Map.of("alpha", "0.3"));
        assertStreamedSame(new NewtonIteration(), StrategiesTest.DOUBLE_WELL, PicardRunTest.gaussian(60, 2, 1.5, 8), Map.of());
    }

    /** At most {@code batch} rows reach the map at once, and the map calls stay full while seeds wait. */
    @Test
    void theBatchIsBoundedAndStaysFullWhileSeedsWait() {
        TestMaps.Wells wells = new TestMaps.Wells(8, 4, 0.98, 4, 1);
        Tensor seeds = AndersonTest.seedsAround(wells.centres, 300, 4, 5);
        List<Integer> calls = new ArrayList<>();
        LatentMap counting = z -> {
            calls.add(z.rows());
            return wells.apply(z);
        };
        AndersonAcceleration anderson = new AndersonAcceleration();
        List<Trajectory> t = anderson.iterate(counting, seeds, 50, params(anderson, Map.of()), Progress.NONE);
        assertTrue(t.stream().allMatch(Trajectory::converged));
        assertTrue(calls.stream().allMatch(r -> r <= 50), "never more than the batch: " + calls);
        int full = 0;
        while (calls.get(full) == 50) {
            full++;
        }
        long rowsWhileFull = calls.subList(0, full).stream().mapToLong(Integer::longValue).sum();
        // every seed entered while the calls were full (300 first evaluations plus the steps of the running seeds)
        assertTrue(rowsWhileFull > 300 + 250, "the batch ran short before the seeds ran out: " + calls.subList(0, full + 1));
        assertEquals(t.stream().mapToLong(Trajectory::mapEvaluations).sum(), calls.stream().mapToLong(Integer::longValue).sum());
    }
}
