package org.latentlab.strategies.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.dynamics.Trajectory;

/**
 * The first leg's rule ({@link FixedPointLoop.Rule#STALLED}) on h(z) = z / 2 from z = 1, whose residual |h(z) − z| = |z| / 2
 * falls at every step and is within bfloat16's rounding (2⁻⁸ · max(1, |z|)) from the 7th step on (z = 2⁻⁷).
 */
class StalledRuleTest {

    static final LatentMap HALF = z -> {
        float[] o = z.data().clone();
        for (int i = 0; i < o.length; i++) {
            o[i] *= 0.5f;
        }
        return Tensor.matrix(z.rows(), z.width(), o);
    };

    /** Plain steps; {@code chord} says whether the scheme reports each as a chord step onto a known attractor. */
    static FixedPointLoop.Scheme plain(boolean chord) {
        return new FixedPointLoop.Scheme() {
            public void propose(LatentMap f, int[] rows, float[] z, float[] fz, int k, float[] next, boolean[] plainOut,
                    int[] evals) {
                FixedPointLoop.PLAIN.propose(f, rows, z, fz, k, next, plainOut, evals);
            }

            public boolean chordStep(int row) {
                return chord;
            }
        };
    }

    /** {@link MixedPrecision#TAIL_ROWS} seeds at 1 (fewer would leave the leg at once as its tail); the first one's path. */
    static Trajectory run(boolean chord) {
        Parameters p = Parameters.resolve("test", FixedPointLoop.COMMON, Map.of("tolerance", "1e-30", "maxSteps", "50"));
        int n = MixedPrecision.TAIL_ROWS;
        float[] ones = new float[n];
        java.util.Arrays.fill(ones, 1);
        List<Trajectory> t = FixedPointLoop.run(HALF, Tensor.matrix(n, 1, ones), n, p, Progress.NONE, plain(chord),
                FixedPointLoop.Rule.STALLED, MixedPrecision.PATIENCE);
        return t.get(0);
    }

    @Test
    void aChordStepWithinTheRoundingEndsTheLegAtOnce() {
        Trajectory t = run(true);
        assertTrue(t.converged());
        assertEquals(7, t.steps(), "the first step whose residual is within the rounding");
        assertEquals(0x1p-7, t.endpoint()[0], 0);
    }

    @Test
    void otherStepsGoOnWhileTheResidualStillFalls() {
        // a residual that reaches a new low at every step is not at the rounded map's floor: the leg goes on until
        // the tolerance (residual² < 1e-30 at z = 2⁻⁴⁹), far past the 7th step
        Trajectory t = run(false);
        assertEquals(49, t.steps());
    }
}
