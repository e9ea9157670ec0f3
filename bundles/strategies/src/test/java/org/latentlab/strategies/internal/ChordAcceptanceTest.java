package org.latentlab.strategies.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.LatentMap;

/**
 * When a chord step toward a known attractor is taken: by the linear model's distance to the attractor, ‖M (f(x) − x)‖
 * with M = (I − J*)⁻¹ (Deuflhard's natural monotonicity test), not by the residual ‖f(x) − x‖. Two hand-built maps with
 * the attractor z* = 0 and J* = diag(0.97, 0.5) (a slow direction and a fast one) plus a quadratic term, whose values at
 * the chosen points were worked out beforehand (in double precision; float32 changes the third digit at most).
 */
class ChordAcceptanceTest {

    /** f(z) = J* z + (a z₁z₂ + c z₂², b z₁²): fixed point 0 with Jacobian J* there. */
    static LatentMap quadratic(double a, double b, double c) {
        return z -> {
            float[] in = z.data();
            float[] out = new float[in.length];
            for (int r = 0; r < z.rows(); r++) {
                double x = in[2 * r];
                double y = in[2 * r + 1];
                out[2 * r] = (float) (0.97 * x + a * x * y + c * y * y);
                out[2 * r + 1] = (float) (0.5 * y + b * x * x);
            }
            return Tensor.matrix(z.rows(), 2, out);
        };
    }

    /** One proposal for a seed at z with the attractor 0 known: [proposal, f(proposal)], and whether it was taken. */
    record Step(float[] z, float[] fz, float[] next, float[] fnext, boolean taken, long chords) {}

    static Step step(LatentMap f, float[] z) {
        AndersonAcceleration.Capture capture = new AndersonAcceleration.Capture(2);
        capture.add(new float[] {0, 0}, 0);
        capture.prepare(f);
        AndersonAcceleration.Mixer mixer = new AndersonAcceleration.Mixer(1, 2, 5, 1e-8, 1.0, true, 1e-6);
        mixer.capture = capture;
        mixer.start(0);
        float[] fz = f.apply(Tensor.matrix(1, 2, z)).data();
        float[] next = new float[2];
        boolean[] plain = {false};
        mixer.propose(f, new int[] {0}, z, fz, 2, next, plain, new int[1]);
        float[] fnext = f.apply(Tensor.matrix(1, 2, next)).data();
        boolean taken = !plain[0] && mixer.accept(0, 0, z, fz, next, fnext, 2);
        return new Step(z, fz, next, fnext, taken, mixer.counts().chord());
    }

    static double norm(float[] v) {
        return Math.hypot(v[0], v[1]);
    }

    static double residual(float[] z, float[] fz) {
        return Math.hypot(fz[0] - z[0], fz[1] - z[1]);
    }

    @Test
    void aChordStepThatBringsThePointNearerIsTakenThoughItsResidualRose() {
        // from (0.286, 0.125), 0.312 from z*: the chord step lands 0.115 from it, but its error now lies along the fast
        // direction, so the residual rises from 0.017 to 0.047; the linear model's distance falls from 0.35 to 0.12
        Step s = step(quadratic(-0.05, 0.6, 0), new float[] {0.286f, 0.125f});
        assertEquals(1, s.chords(), "a chord step was proposed");
        assertTrue(norm(s.next()) < 0.5 * norm(s.z()), "nearer the attractor: " + norm(s.next()));
        assertTrue(residual(s.next(), s.fnext()) > 2 * residual(s.z(), s.fz()), "the residual rose: "
                + residual(s.z(), s.fz()) + " -> " + residual(s.next(), s.fnext()));
        assertTrue(s.taken(), "refused by the residual, as before; the natural test takes it");
    }

    @Test
    void aChordStepWhoseLinearModelSaysFartherIsRefusedThoughItsResidualFell() {
        // from (0.9, -0.1): the chord step lands 0.41 from z* and lowers the residual (0.213 -> 0.166), but the slow
        // direction's quadratic term there puts the linear model's distance at 2.46 against 0.77 before: not taken
        Step s = step(quadratic(0, 0.2, 0.77), new float[] {0.9f, -0.1f});
        assertEquals(1, s.chords(), "a chord step was proposed");
        assertTrue(residual(s.next(), s.fnext()) < residual(s.z(), s.fz()), "the residual fell");
        assertFalse(s.taken(), "the linear model's distance rose: refused (the next step is plain)");
    }
}
