package org.latentlab.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.LatentMap;

/**
 * Polishing cluster means: to the fixed point where plain iteration gets there, in few map calls (Newton's steps up to
 * latent dimension {@value NewtonPolish#MAX_DIM}, plain steps above it and where Newton stalls), never onto a saddle.
 */
class PolishTest {

    /** f with every call and row-step counted. */
    static final class Counted implements LatentMap {
        final LatentMap f;
        final AtomicLong calls = new AtomicLong();
        final AtomicLong rowSteps = new AtomicLong();
        final AtomicLong maxRows = new AtomicLong();

        Counted(LatentMap f) {
            this.f = f;
        }

        public Tensor apply(Tensor z) {
            calls.incrementAndGet();
            maxRows.accumulateAndGet(z.rows(), Math::max);
            rowSteps.addAndGet(z.rows());
            return f.apply(z);
        }

        public Tensor applySteps(Tensor z, int steps) {
            calls.incrementAndGet();
            maxRows.accumulateAndGet(z.rows(), Math::max);
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
    void aSlowAttractorIsPolishedInAFewCallsAndASaddleKeepsItsMean() {
        // SLOW: rate 0.98 at 1; from 1e-3 away plain iteration needs about 260 updates (one call per 16) before the
        // residual 0.02·0.98^t·1e-3 falls below 1e-7; Newton's steps get there in a few calls
        Counted slow = new Counted(AnalysisTest.SLOW);
        float[] p = Analysis.polish(slow, new float[] {0.999f}, 1, 1);
        assertEquals(1.0, p[0], 1e-5); // ‖f(z) − z‖² < 1e-14 holds 1e-7 / (1 − 0.98) = 5e-6 away
        assertTrue(slow.calls.get() <= 8, "Newton's calls, not plain iteration's 17: " + slow.calls);
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
        assertEquals(1e-6f, q[0], 0, "the saddle's mean is kept (Newton would reach the saddle: its Jacobian says no)");
        assertEquals(1.0, q[2], 1e-6, "the attractor's mean is polished");
    }

    @Test
    void aboveNewtonsDimensionPlainIterationPolishesAsBefore() {
        // the same slow rate in every coordinate at k = 65: no Jacobians, plain steps until the residual is below 1e-14
        int k = NewtonPolish.MAX_DIM + 1;
        LatentMap slowK = z -> {
            float[] o = new float[z.data().length];
            for (int i = 0; i < o.length; i++) {
                o[i] = (float) (1 + 0.98 * (z.data()[i] - 1));
            }
            return Tensor.matrix(z.rows(), z.width(), o);
        };
        Counted counted = new Counted(slowK);
        float[] c = new float[k];
        java.util.Arrays.fill(c, 0.9999f);
        float[] q = Analysis.polish(counted, c, 1, k);
        for (float v : q) {
            assertEquals(1.0, v, 1e-5);
        }
        assertEquals(1, counted.maxRows.get(), "plain updates of the one point, no Jacobian's 2k rows");
        assertTrue(counted.rowSteps.get() >= 100, "plain updates until the residual is below 1e-14: " + counted.rowSteps);
    }

    @Test
    void manyAttractorsArePolishedByPlainSteps() {
        // m · (2k + 1) above NewtonPolish.MAX_ROWS: Newton's Jacobians would cost more rows than plain steps save
        int k = 2;
        int m = NewtonPolish.MAX_ROWS / (2 * k + 1) + 1;
        float[] centers = new float[m * k];
        for (int a = 0; a < m; a++) {
            centers[a * k] = 1.501f;
            centers[a * k + 1] = -2.001f;
        }
        Counted counted = new Counted(AnalysisTest.affine2(new double[] {0.5, 0, 0, 0.5}, new double[] {1.5, -2}));
        float[] q = Analysis.polish(counted, centers, m, k);
        assertEquals(m, counted.maxRows.get(), "one row per point in every call: no Jacobian rows");
        assertEquals(1.5, q[(m - 1) * k], 1e-6);
        assertEquals(-2, q[(m - 1) * k + 1], 1e-6);
        assertTrue(NewtonPolish.applies(m - 1, k) && !NewtonPolish.applies(m, k));
    }

    @Test
    void newtonReachesTheFixedPointOfALinearMapInOneStep() {
        // f(z) = A (z − c) + c with A = [[0.9, 0.05], [-0.05, 0.9]] (|λ| ≈ 0.9014, a slow rotation): z* = c
        double[] a = {0.9, 0.05, -0.05, 0.9};
        double x = 0.3;
        double y = -0.1;
        LatentMap f = AnalysisTest.affine2(a, new double[] {x, y});
        Counted counted = new Counted(f);
        float[] p = {(float) x + 0.01f, (float) y - 0.02f};
        float[] fp = f.apply(Tensor.matrix(1, 2, p)).data();
        double[] r2 = {Math.pow(fp[0] - p[0], 2) + Math.pow(fp[1] - p[1], 2)};
        NewtonPolish.Outcome[] o = NewtonPolish.run(counted, p, fp, r2, 1, 2);
        assertEquals(NewtonPolish.Outcome.POLISHED, o[0]);
        assertEquals(x, p[0], 1e-6);
        assertEquals(y, p[1], 1e-6);
        assertTrue(r2[0] < 1e-12, "residual² " + r2[0]);
        // one Jacobian call and one evaluation reach it; the next Jacobian, at the polished point, shows it stalled there
        assertTrue(counted.calls.get() <= 4, counted.calls + " calls");
    }
}
