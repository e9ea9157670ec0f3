package org.latentlab.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.LatentMap;

/** Polishing cluster means: to the fixed point where plain iteration gets there, in few map calls. */
class PolishTest {

    /** f with every call and row-step counted. */
    static final class Counted implements LatentMap {
        final LatentMap f;
        final AtomicLong calls = new AtomicLong();
        final AtomicLong rowSteps = new AtomicLong();

        Counted(LatentMap f) {
            this.f = f;
        }

        public Tensor apply(Tensor z) {
            calls.incrementAndGet();
            rowSteps.addAndGet(z.rows());
            return f.apply(z);
        }

        public Tensor applySteps(Tensor z, int steps) {
            calls.incrementAndGet();
            rowSteps.addAndGet((long) z.rows() * steps);
            LatentMap plain = f::apply;
            return plain.applySteps(z, steps);
        }
    }

    @Test
    void aFastAttractorIsPolishedToItsFloatFloorAndThenLeftAlone() {
        // f(z) = ½ (z − c) + c: the mean 1e-3 off reaches float precision in about 30 updates
        LatentMap f = AnalysisTest.affine2(new double[] {0.5, 0, 0, 0.5}, new double[] {1.5, -2});
        Counted counted = new Counted(f);
        float[] polished = Analysis.polish(counted, new float[] {1.501f, -2.001f}, 1, 2);
        assertEquals(1.5, polished[0], 1e-6);
        assertEquals(-2, polished[1], 1e-6);
        // not 1000 updates: it stops at 1e-14 or once the residual stops falling, and takes 16 updates per call
        assertTrue(counted.rowSteps.get() < 200, counted.rowSteps + " row-steps");
        assertTrue(counted.calls.get() < 15, counted.calls + " calls");
    }

    @Test
    void aSlowAttractorGetsAllItNeedsAndASaddleKeepsItsMean() {
        // SLOW: rate 0.98 at 1; from 1e-3 away the residual 0.02·0.98^t·1e-3 falls below 1e-7 (squared: 1e-14)
        // only after about 260 updates, and it falls at every one of them
        Counted slow = new Counted(AnalysisTest.SLOW);
        float[] p = Analysis.polish(slow, new float[] {0.999f}, 1, 1);
        assertEquals(1.0, p[0], 1e-5); // ‖f(z) − z‖² < 1e-14 holds 1e-7 / (1 − 0.98) = 5e-6 away
        assertTrue(slow.rowSteps.get() >= 260, "it kept going while the residual fell: " + slow.rowSteps);
        // double well: plain iteration leaves the saddle at 0 for (1, 0); a mean 1e-6 from the saddle (as Newton
        // leaves it) is kept, since that move is far beyond what its residual allows for an attractor's mean
        LatentMap wells = z -> {
            float[] o = new float[z.data().length];
            for (int r = 0; r < z.rows(); r++) {
                float x = z.data()[2 * r];
                o[2 * r] = x + 0.5f * (x - x * x * x);
                o[2 * r + 1] = 0.5f * z.data()[2 * r + 1];
            }
            return Tensor.matrix(z.rows(), 2, o);
        };
        float[] centers = {1e-6f, 0, 0.999f, 0};
        float[] q = Analysis.polish(wells, centers, 2, 2);
        assertEquals(1e-6f, q[0], 0, "the saddle's mean is kept");
        assertEquals(1.0, q[2], 1e-6, "the attractor's mean is polished");
    }
}
