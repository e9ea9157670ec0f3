package org.latentlab.strategies.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.dynamics.Trajectory;
import org.junit.jupiter.api.Test;

/**
 * Anderson's relaxed steps on a map whose trajectories cross the ghost of a saddle-node: the slow straight stretch
 * where plain steps creep (the side-by-side model's seeds crossed one at 0.005 a step).
 */
class RelaxedStepTest {

    static final double H = 0.05;
    static final double MU = 0.04;

    /**
     * f(x, y, w) = (x + H(μ + x²)(2 − x), y/2, 3w/10): one fixed point, (2, 0, 0), an attractor whose Jacobian is
     * diag(1 − H(μ + 4), 1/2, 3/10), so ρ = 0.798. For x &lt; 2 the x-step H(μ + x²)(2 − x) is positive and
     * smallest near x = 0, where it is 2Hμ = 0.004 (above the stopping rule's 1e-3, as on the side-by-side model):
     * crossing that ghost takes plain iteration about π/(2H√μ) ≈ 160 steps.
     */
    static final class Ghost implements LatentMap {
        @Override
        public Tensor apply(Tensor z) {
            float[] in = z.data();
            float[] out = new float[in.length];
            for (int i = 0; i < z.rows(); i++) {
                double x = in[3 * i];
                out[3 * i] = (float) (x + H * (MU + x * x) * (2 - x));
                out[3 * i + 1] = in[3 * i + 1] * 0.5f;
                out[3 * i + 2] = in[3 * i + 2] * 0.3f;
            }
            return Tensor.matrix(z.rows(), 3, out);
        }
    }

    static Tensor seeds(int n) {
        Random r = new Random(5);
        float[] s = new float[n * 3];
        for (int i = 0; i < n; i++) {
            s[3 * i] = (float) (-2 + 1.5 * r.nextDouble());
            s[3 * i + 1] = (float) (2 * r.nextDouble() - 1);
            s[3 * i + 2] = (float) (2 * r.nextDouble() - 1);
        }
        return Tensor.matrix(n, 3, s);
    }

    static List<Trajectory> run(LatentMap f, Tensor seeds, String strategy, Map<String, String> given) {
        org.latentlab.api.dynamics.IterationStrategy s = strategy.equals("picard") ? new PicardIteration() : new AndersonAcceleration();
        return s.iterate(f, seeds, Parameters.resolve("test", s.parameters(), given), Progress.NONE);
    }

    @Test
    void relaxedStepsCrossTheGhostToPicardsAttractorInFewerEvaluations() {
        Ghost f = new Ghost();
        Tensor seeds = seeds(60);
        List<Trajectory> picard = run(f, seeds, "picard", Map.of());
        List<Trajectory> relaxed = run(f, seeds, "anderson", Map.of());
        List<Trajectory> unrelaxed = run(f, seeds, "anderson", Map.of("relaxation", "1"));
        double bound = 1e-3 / (1 - 0.798) * 1.01; // sqrt(tolerance) / (1 - rho): where the stopping rule leaves a seed
        for (List<Trajectory> ts : List.of(picard, relaxed, unrelaxed)) {
            for (Trajectory t : ts) {
                assertTrue(t.converged(), t.toString());
                float[] e = t.endpoint();
                double d = Math.sqrt((e[0] - 2.0) * (e[0] - 2.0) + e[1] * e[1] + e[2] * e[2]);
                assertTrue(d < bound, "end point " + java.util.Arrays.toString(e) + " is " + d + " from the attractor");
            }
        }
        // seeds streamed through 7 slots: each slot is reused by later seeds, whose relaxation starts afresh, so
        // every trajectory is the one it has with a slot of its own
        AndersonAcceleration a = new AndersonAcceleration();
        List<Trajectory> streamed = a.iterate(f, seeds, 7, Parameters.resolve("test", a.parameters(), Map.of()), Progress.NONE);
        for (int i = 0; i < seeds.rows(); i++) {
            assertEquals(relaxed.get(i).mapEvaluations(), streamed.get(i).mapEvaluations(), "seed " + i);
            assertTrue(java.util.Arrays.equals(relaxed.get(i).endpoint(), streamed.get(i).endpoint()), "seed " + i);
        }
        long p = AndersonTest.evaluations(picard);
        long r = AndersonTest.evaluations(relaxed);
        long u = AndersonTest.evaluations(unrelaxed);
        assertTrue(p > 60 * 150, "plain iteration creeps through the ghost: " + p);
        assertTrue(r * 5 < u * 2, "relaxed steps do the crossing: relaxed " + r + ", relaxation 1 " + u + ", picard " + p);
        assertTrue(r * 4 < p, "relaxed " + r + " against picard " + p);
    }

    /**
     * The ghost on a curved slow manifold, rotated into R^8: in coordinates u = Q'z, u0' = u0 + H(μ + u0²)(2 − u0),
     * u1' = u1/2 + u0² (the slow manifold u1 = 2u0²), the other six u' = 3u/10. One fixed point, u = (2, 8, 0, ...), an
     * attractor (Jacobian eigenvalues 1 − H(μ + 4) = 0.798, 1/2, 3/10). Mixed steps aim at the residual's minimum near
     * u0 = 0 and are refused there; drifting seeds cross with relaxed steps instead.
     */
    static final class CurvedGhost implements LatentMap {
        final int k = 8;
        final double[][] q = TestMaps.randomRotation(k, new Random(3));

        @Override
        public Tensor apply(Tensor z) {
            float[] in = z.data();
            float[] out = new float[in.length];
            double[] u = new double[k];
            double[] v = new double[k];
            for (int i = 0; i < z.rows(); i++) {
                for (int a = 0; a < k; a++) {
                    double t = 0;
                    for (int j = 0; j < k; j++) {
                        t += q[j][a] * in[i * k + j];
                    }
                    u[a] = t;
                }
                double x = u[0];
                v[0] = x + H * (MU + x * x) * (2 - x);
                v[1] = 0.5 * u[1] + x * x;
                for (int a = 2; a < k; a++) {
                    v[a] = 0.3 * u[a];
                }
                System.arraycopy(z(v), 0, out, i * k, k);
            }
            return Tensor.matrix(z.rows(), k, out);
        }

        /** z = Q u. */
        float[] z(double[] u) {
            float[] z = new float[k];
            for (int j = 0; j < k; j++) {
                double t = 0;
                for (int a = 0; a < k; a++) {
                    t += q[j][a] * u[a];
                }
                z[j] = (float) t;
            }
            return z;
        }
    }

    @Test
    void driftingSeedsCrossACurvedGhostToPicardsAttractorInFewerEvaluations() {
        CurvedGhost f = new CurvedGhost();
        int n = 60;
        Random r = new Random(5);
        float[] s = new float[n * f.k];
        for (int i = 0; i < n; i++) {
            double[] u = new double[f.k];
            u[0] = -2 + 1.5 * r.nextDouble();
            for (int a = 1; a < f.k; a++) {
                u[a] = 2 * r.nextDouble() - 1;
            }
            System.arraycopy(f.z(u), 0, s, i * f.k, f.k);
        }
        Tensor seeds = Tensor.matrix(n, f.k, s);
        double[] attractor = new double[f.k];
        float[] star = f.z(new double[] {2, 8, 0, 0, 0, 0, 0, 0});
        for (int j = 0; j < f.k; j++) {
            attractor[j] = star[j];
        }
        List<Trajectory> picard = run(f, seeds, "picard", Map.of());
        List<Trajectory> drifting = run(f, seeds, "anderson", Map.of());
        List<Trajectory> mixing = run(f, seeds, "anderson", Map.of("drift", "false"));
        // where the stopping rule leaves a seed: error ≤ ‖(I − J)⁻¹‖₂ · √tolerance. In u, I − J = [[0.202, 0], [−4, 0.5]]
        // on (u0, u1) (u1 follows u0 with gain 2·u0 = 4: J is not normal), whose inverse [[4.95, 0], [39.6, 2]] has Frobenius
        // norm 39.96, a bound on its 2-norm
        double bound = 1e-3 * 39.96 * 1.05;
        for (List<Trajectory> ts : List.of(picard, drifting, mixing)) {
            for (Trajectory t : ts) {
                assertTrue(t.converged(), t.toString());
                double d = TestMaps.distance(t.endpoint(), attractor);
                assertTrue(d < bound, "end point " + java.util.Arrays.toString(t.endpoint()) + " is " + d + " from the attractor");
            }
        }
        long p = AndersonTest.evaluations(picard);
        long d = AndersonTest.evaluations(drifting);
        long m = AndersonTest.evaluations(mixing);
        // measured: picard 11,196, drift 3,795, without drift 5,184 (deterministic)
        AndersonAcceleration.Mixer counted = new AndersonAcceleration.Mixer(n, f.k, 5, 1e-8, 1, true, 1e-6);
        counted.maxAlpha = 16;
        AndersonTest.recorded(f, seeds, counted);
        assertTrue(counted.counts().drifting() > 0, "seeds drifted: " + counted.counts());
        assertTrue(d * 5 < m * 4, "drift " + d + " against mixing where it is refused " + m + " (picard " + p + ")");
        assertTrue(d * 2 < p, "drift " + d + " against picard " + p);
        // the same trajectories streamed through 7 slots: a slot's next seed starts without the last one's drift
        AndersonAcceleration a = new AndersonAcceleration();
        List<Trajectory> streamed = a.iterate(f, seeds, 7, Parameters.resolve("test", a.parameters(), Map.of()), Progress.NONE);
        for (int i = 0; i < n; i++) {
            assertEquals(drifting.get(i).mapEvaluations(), streamed.get(i).mapEvaluations(), "seed " + i);
            assertTrue(java.util.Arrays.equals(drifting.get(i).endpoint(), streamed.get(i).endpoint()), "seed " + i);
        }
    }

    @Test
    void everyRelaxedStepKeepsTheResidualsDirectionAndEndPointsArePlainImages() {
        Ghost f = new Ghost();
        Tensor seeds = seeds(20);
        AndersonAcceleration.Mixer m = new AndersonAcceleration.Mixer(seeds.rows(), 3, 5, 1e-8, 1, true, 1e-6);
        m.maxAlpha = 16;
        List<Trajectory> ts = AndersonTest.recorded(f, seeds, m);
        long relaxedSteps = 0;
        for (Trajectory t : ts) {
            AndersonTest.endsOnAPlainImage(f, t);
            float[][] path = t.path();
            for (int s = 1; s < path.length; s++) {
                float[] a = path[s - 1];
                float[] b = path[s];
                float[] ra = residual(f, a);
                float[] fa = f.apply(Tensor.matrix(1, 3, a)).data();
                // a relaxed step: b = a + alpha r(a), alpha a power of two, as the mixer rounds it
                boolean along = false;
                for (double alpha = 2; alpha <= 16 && !along; alpha *= 2) {
                    boolean all = true;
                    for (int j = 0; j < 3; j++) {
                        all &= b[j] == (float) (a[j] + alpha * ((double) fa[j] - a[j]));
                    }
                    along = all && ra[0] != 0;
                }
                if (along) {
                    relaxedSteps++;
                    float[] rb = residual(f, b);
                    double dot = 0, na = 0, nb = 0;
                    for (int j = 0; j < 3; j++) {
                        dot += (double) ra[j] * rb[j];
                        na += (double) ra[j] * ra[j];
                        nb += (double) rb[j] * rb[j];
                    }
                    assertTrue(dot > AndersonAcceleration.STILL_ALIGNED * Math.sqrt(na * nb) || nb < 1e-8 * na,
                            "a relaxed step was taken only where the residual kept its direction");
                }
            }
        }
        AndersonAcceleration.Counts c = m.counts();
        assertTrue(relaxedSteps > 0 && c.relaxed() >= relaxedSteps, relaxedSteps + " relaxed steps seen; " + c);
        // every evaluation is a seed's first, an accepted step or a rejected one
        assertEquals(AndersonTest.evaluations(ts), seeds.rows() + ts.stream().mapToLong(Trajectory::steps).sum() + c.rejected());
    }

    /**
     * One seed of a 1-D map by hand: x = 0 → 0.1 → 0.25 (residuals 0.1, then 0.15 the same way, so the history sees
     * ΔG/ΔX = 1.5, expanding, and the mixer declines); the step from 0.1 is then relaxed with α = 2 to 0.4. It is taken when the
     * residual there still points up, refused when it points down (an overshoot), and after a refusal the next
     * proposal is the plain step.
     */
    @Test
    void aRelaxedStepIsTakenOnlyWhileTheResidualKeepsItsDirection() {
        for (boolean reversed : new boolean[] {false, true}) {
            AndersonAcceleration.Mixer m = new AndersonAcceleration.Mixer(1, 1, 5, 1e-8, 1, true, 1e-6);
            m.maxAlpha = 16;
            m.start(0);
            int[] rows = {0};
            float[] next = new float[1];
            boolean[] plain = {false};
            m.propose(null, rows, new float[] {0f}, new float[] {0.1f}, 1, next, plain, new int[1]);
            assertTrue(plain[0], "nothing known yet: a plain step");
            assertEquals(0.1f, next[0]);
            plain[0] = false;
            m.propose(null, rows, new float[] {0.1f}, new float[] {0.25f}, 1, next, plain, new int[1]);
            assertTrue(!plain[0], "the residual kept its direction and the history does not contract: relaxed");
            assertEquals((float) (0.1f + 2 * (0.25f - (double) 0.1f)), next[0]);
            float[] fnext = {reversed ? next[0] - 0.05f : next[0] + 0.05f};
            boolean taken = m.accept(0, 0, new float[] {0.1f}, new float[] {0.25f}, next, fnext, 1);
            assertEquals(!reversed, taken, "reversed residual at the relaxed point: " + reversed);
            assertEquals(1, m.counts().relaxed());
            assertEquals(reversed ? 1 : 0, m.counts().rejected());
            if (reversed) { // the seed keeps 0.1; its next proposal is plain
                plain[0] = false;
                m.propose(null, rows, new float[] {0.1f}, new float[] {0.25f}, 1, next, plain, new int[1]);
                assertTrue(plain[0], "after a refused relaxed step: plain");
                assertEquals(0.25f, next[0]);
            }
            // a new seed in the slot: nothing of the last seed's steps carries over (its residual points the same way)
            m.start(0);
            plain[0] = false;
            m.propose(null, rows, new float[] {5f}, new float[] {5.15f}, 1, next, plain, new int[1]);
            assertTrue(plain[0], "a new seed's first step is plain");
            assertEquals(5.15f, next[0]);
        }
    }

    static float[] residual(LatentMap f, float[] z) {
        float[] fz = f.apply(Tensor.matrix(1, z.length, z)).data();
        float[] r = new float[z.length];
        for (int j = 0; j < z.length; j++) {
            r[j] = fz[j] - z[j];
        }
        return r;
    }
}
