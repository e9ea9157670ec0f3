package org.latentlab.strategies.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.dynamics.Trajectory;
import org.junit.jupiter.api.Test;

/** The safeguarded Anderson acceleration against plain iteration on maps with known attractors and saddles. */
class AndersonTest {

    static List<Trajectory> run(IterationStrategy s, LatentMap f, Tensor seeds, Map<String, String> given) {
        return s.iterate(f, seeds, Parameters.resolve("test", s.parameters(), given), Progress.NONE);
    }

    /** n seeds around the wells' centres (seed i near centre i mod count), at distances up to {@code reach}. */
    static Tensor seedsAround(double[][] centres, int n, double reach, long seed) {
        int k = centres[0].length;
        Random r = new Random(seed);
        float[] s = new float[n * k];
        double[] u = new double[k];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int j = 0; j < k; j++) {
                u[j] = r.nextGaussian();
                norm += u[j] * u[j];
            }
            double radius = reach * r.nextDouble();
            for (int j = 0; j < k; j++) {
                s[i * k + j] = (float) (centres[i % centres.length][j] + radius * u[j] / Math.sqrt(norm));
            }
        }
        return Tensor.matrix(n, k, s);
    }

    static long evaluations(List<Trajectory> ts) {
        return ts.stream().mapToLong(Trajectory::mapEvaluations).sum();
    }

    /**
     * Six attractors in R^16, each contracting at ρ = 0.98 with a random rotation (every eigenvalue of the Jacobian
     * has modulus 0.98: plain iteration needs about 400 steps). Seeds lie up to one centre spacing from a centre, so
     * many start beyond the half-way point to a neighbour and a few cross cells on the way in. Anderson must end
     * at the same attractor as plain iteration for at least 99% of the seeds, every end point must be within
     * √tolerance/(1 − ρ) of a true attractor, and it must take far fewer map evaluations.
     */
    @Test
    void andersonFindsPicardsAttractorsInFewerMapEvaluations() {
        TestMaps.Wells wells = new TestMaps.Wells(16, 6, 0.98, 4, 1);
        Tensor seeds = seedsAround(wells.centres, 1200, 4, 7);
        List<Trajectory> picard = run(new PicardIteration(), wells, seeds, Map.of());
        List<Trajectory> anderson = run(new AndersonAcceleration(), wells, seeds, Map.of());
        double bound = 1e-3 / (1 - 0.98) * 1.01; // |e| <= |f(z) - z| / (1 - rho) on a cell, plus float rounding
        Set<Integer> reachedP = new TreeSet<>();
        Set<Integer> reachedA = new TreeSet<>();
        int same = 0;
        for (int i = 0; i < seeds.rows(); i++) {
            Trajectory p = picard.get(i);
            Trajectory a = anderson.get(i);
            assertTrue(p.converged() && a.converged(), "seed " + i);
            int cp = wells.nearest(p.endpoint(), 0);
            int ca = wells.nearest(a.endpoint(), 0);
            assertTrue(TestMaps.distance(p.endpoint(), wells.centres[cp]) < bound, "picard seed " + i);
            assertTrue(TestMaps.distance(a.endpoint(), wells.centres[ca]) < bound, "anderson seed " + i + " ends "
                    + TestMaps.distance(a.endpoint(), wells.centres[ca]) + " from the nearest attractor");
            reachedP.add(cp);
            reachedA.add(ca);
            same += cp == ca ? 1 : 0;
        }
        assertEquals(Set.of(0, 1, 2, 3, 4, 5), reachedP);
        assertEquals(reachedP, reachedA, "the same attractors");
        assertTrue(same >= 0.99 * seeds.rows(), same + " of " + seeds.rows() + " seeds in the same basin");
        long ep = evaluations(picard);
        long ea = evaluations(anderson);
        // measured 0.13 (deterministic: the same seeds and map give the same counts on every machine)
        assertTrue(ea < 0.2 * ep, "anderson " + ea + " map evaluations, picard " + ep);
    }

    /**
     * {@code capture}: chord steps with the Jacobian of attractors other seeds already reached. On the slow wells
     * (ρ = 0.98) the same attractors as plain iteration for at least 99% of the seeds, every end point within the
     * same bound, and fewer map evaluations than Anderson without it.
     */
    @Test
    void captureKeepsTheAttractorsInFewerMapEvaluations() {
        TestMaps.Wells wells = new TestMaps.Wells(16, 6, 0.98, 4, 1);
        Tensor seeds = seedsAround(wells.centres, 1200, 4, 7);
        List<Trajectory> picard = run(new PicardIteration(), wells, seeds, Map.of());
        List<Trajectory> plain = run(new AndersonAcceleration(), wells, seeds, Map.of());
        List<Trajectory> capture = run(new AndersonAcceleration(), wells, seeds, Map.of("capture", "true"));
        double bound = 1e-3 / (1 - 0.98) * 1.01;
        int same = 0;
        for (int i = 0; i < seeds.rows(); i++) {
            Trajectory c = capture.get(i);
            assertTrue(c.converged(), "seed " + i);
            int cc = wells.nearest(c.endpoint(), 0);
            assertTrue(TestMaps.distance(c.endpoint(), wells.centres[cc]) < bound, "seed " + i + " ends "
                    + TestMaps.distance(c.endpoint(), wells.centres[cc]) + " from the nearest attractor");
            same += cc == wells.nearest(picard.get(i).endpoint(), 0) ? 1 : 0;
        }
        assertTrue(same >= 0.99 * seeds.rows(), same + " of " + seeds.rows() + " seeds in picard's basin");
        long ea = evaluations(plain);
        long ec = evaluations(capture);
        // measured: 8,638 with capture (16,175 before chord steps were judged by the natural monotonicity test), 60,459
        // without, 456,424 for picard (deterministic)
        assertTrue(ec < 0.5 * ea, "capture " + ec + " map evaluations, anderson " + ea);
    }

    /**
     * Four wells with four saddles and a repeller between them (in R^8, rotated). Seeds start near the saddles
     * and the repeller. Unguarded Anderson is a root finder and converges to them; the guarded one ends at an
     * attractor, the same as plain iteration's, for at least 99% of the seeds, and any other end point still
     * meets the paper's rule at a plain image within tolerance of a saddle (where plain iteration can stop too).
     */
    @Test
    void andersonLeavesSaddlesAndRepellersAsPlainIterationDoes() {
        TestMaps.FourWells f = new TestMaps.FourWells(6, 3);
        int k = f.k;
        double[][] unstable = {{0, 0}, {1, 0}, {-1, 0}, {0, 1}, {0, -1}};
        double[][] attractors = {{1, 1}, {1, -1}, {-1, 1}, {-1, -1}};
        Random r = new Random(5);
        int n = 1000;
        float[] s = new float[n * k];
        for (int i = 0; i < n; i++) {
            float[] c = f.point(unstable[i % 5][0], unstable[i % 5][1]);
            for (int j = 0; j < k; j++) {
                s[i * k + j] = (float) (c[j] + 0.1 * r.nextGaussian());
            }
        }
        Tensor seeds = Tensor.matrix(n, k, s);
        List<Trajectory> picard = run(new PicardIteration(), f, seeds, Map.of());
        List<Trajectory> guarded = run(new AndersonAcceleration(), f, seeds, Map.of());
        // the pure root finder: without the guard, and without drift (whose relaxed steps, taken where mixed steps are
        // refused, follow the flow off a saddle too: 881 of these seeds reach an attractor with drift alone)
        List<Trajectory> unguarded = run(new AndersonAcceleration(), f, seeds,
                Map.of("attractorsOnly", "false", "drift", "false"));
        int atAttractor = 0;
        int same = 0;
        int unguardedAtAttractor = 0;
        for (int i = 0; i < n; i++) {
            int a = nearest(f, attractors, guarded.get(i).endpoint());
            int p = nearest(f, attractors, picard.get(i).endpoint());
            assertTrue(guarded.get(i).converged(), "seed " + i);
            if (a >= 0) {
                atAttractor++;
                same += a == p ? 1 : 0;
            } else {
                assertTrue(nearest(f, unstable, guarded.get(i).endpoint()) >= 0, "seed " + i + " ends near a saddle");
                assertTrue(guarded.get(i).finalResidual() < 1e-3);
            }
            unguardedAtAttractor += nearest(f, attractors, unguarded.get(i).endpoint()) >= 0 ? 1 : 0;
        }
        assertTrue(atAttractor >= 0.99 * n, atAttractor + " of " + n + " at an attractor");
        assertTrue(same >= 0.99 * atAttractor, same + " of " + atAttractor + " at picard's attractor");
        assertTrue(unguardedAtAttractor < 0.1 * n, "without the guard Anderson finds saddles: " + unguardedAtAttractor);
    }

    /**
     * {@code capture} near saddles: a saddle that a seed's end point happens to lie near must not become a point that
     * chord steps (Newton's steps with its Jacobian, which converge to any fixed point) pull later seeds into. The
     * memorizer with capture=true ended 156 of 300,000 seeds on a saddle, picard none.
     */
    @Test
    void captureDoesNotPullSeedsIntoSaddles() {
        TestMaps.FourWells f = new TestMaps.FourWells(6, 3);
        int k = f.k;
        double[][] unstable = {{0, 0}, {1, 0}, {-1, 0}, {0, 1}, {0, -1}};
        double[][] attractors = {{1, 1}, {1, -1}, {-1, 1}, {-1, -1}};
        Random r = new Random(9);
        int n = 2000;
        float[] s = new float[n * k];
        for (int i = 0; i < n; i++) {
            // every tenth seed on a saddle itself (it stops there, as in plain iteration); the rest around the saddles
            float[] c = f.point(unstable[i % 5][0], unstable[i % 5][1]);
            double spread = i % 10 == 0 ? 0 : 0.3;
            for (int j = 0; j < k; j++) {
                s[i * k + j] = (float) (c[j] + spread * r.nextGaussian());
            }
        }
        Tensor seeds = Tensor.matrix(n, k, s);
        List<Trajectory> picard = run(new PicardIteration(), f, seeds, Map.of());
        List<Trajectory> captured = run(new AndersonAcceleration(), f, seeds, Map.of("capture", "true"));
        int picardElsewhere = 0;
        int capturedElsewhere = 0;
        for (int i = 0; i < n; i++) {
            picardElsewhere += nearest(f, attractors, picard.get(i).endpoint()) < 0 ? 1 : 0;
            capturedElsewhere += nearest(f, attractors, captured.get(i).endpoint()) < 0 ? 1 : 0;
        }
        assertTrue(capturedElsewhere <= picardElsewhere + 0.005 * n, "capture ended " + capturedElsewhere
                + " seeds off the attractors, picard " + picardElsewhere);
    }

    /** Index of the well-plane point within 0.01 of z, or -1. */
    static int nearest(TestMaps.FourWells f, double[][] points, float[] z) {
        for (int i = 0; i < points.length; i++) {
            float[] c = f.point(points[i][0], points[i][1]);
            double d = 0;
            for (int j = 0; j < z.length; j++) {
                d += (z[j] - c[j]) * (z[j] - c[j]);
            }
            if (Math.sqrt(d) < 0.01) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The end point is a plain image f(z_{t-1}) of the previous point and meets the paper's rule there; every
     * accepted mixed step lowered the residual; rejected steps are not on the path but are counted.
     */
    @Test
    void endPointsArePlainImagesAndMixedStepsLowerTheResidual() {
        TestMaps.FourWells f = new TestMaps.FourWells(6, 3);
        Tensor seeds = seedsAround(new double[][] {toDouble(f.point(0.2, 0.1)), toDouble(f.point(-0.3, 0.8))}, 200, 1.5, 11);
        AndersonAcceleration.Mixer m = new AndersonAcceleration.Mixer(seeds.rows(), f.k, 5, 1e-8, 1, true, 1e-6);
        List<Trajectory> ts = recorded(f, seeds, m);
        long mixedSteps = 0;
        for (Trajectory t : ts) {
            float[][] path = t.path();
            float[] last = endsOnAPlainImage(f, t);
            assertTrue(residual2(f, last) < 1e-6);
            for (int s = 1; s < path.length; s++) {
                float[] image = f.apply(Tensor.matrix(1, f.k, path[s - 1])).data();
                if (!java.util.Arrays.equals(image, path[s])) {
                    mixedSteps++;
                    assertTrue(residual2(f, path[s]) < residual2(f, path[s - 1]), "a mixed step lowered the residual");
                }
            }
            assertEquals(t.steps() + 1, path.length);
            assertTrue(t.mapEvaluations() >= t.steps() + 1);
        }
        AndersonAcceleration.Counts c = m.counts();
        assertTrue(mixedSteps > 0 && c.rejected() > 0, c.toString());
        // every evaluation is a seed's first, an accepted step or a rejected one
        assertEquals(evaluations(ts), seeds.rows() + ts.stream().mapToLong(Trajectory::steps).sum() + c.rejected());
    }

    /** The mixer's run on f with every visited point recorded. */
    static List<Trajectory> recorded(LatentMap f, Tensor seeds, AndersonAcceleration.Mixer m) {
        Parameters p = Parameters.resolve("test", new AndersonAcceleration().parameters(), Map.of("recordPaths", "true"));
        return FixedPointLoop.run(f, seeds, p, Progress.NONE, m);
    }

    /** Asserts that t converged and its end point is f of the point before it (a plain step); returns the end point. */
    static float[] endsOnAPlainImage(LatentMap f, Trajectory t) {
        assertTrue(t.converged(), t.toString());
        float[][] path = t.path();
        float[] last = path[path.length - 1];
        float[] before = path[path.length - 2];
        assertArrayEquals(f.apply(Tensor.matrix(1, before.length, before)).data(), last, "a plain image");
        return last;
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    static double residual2(LatentMap f, float[] z) {
        float[] fz = f.apply(Tensor.matrix(1, z.length, z)).data();
        double s = 0;
        for (int j = 0; j < z.length; j++) {
            s += (double) (fz[j] - z[j]) * (fz[j] - z[j]);
        }
        return s;
    }

    /**
     * A map that contracts fast (ρ = 0.02, plain iteration needs 3 steps): the mixed step and the plain step
     * that checks it would cost more than plain iteration, so Anderson takes plain steps and costs exactly as much.
     */
    @Test
    void onAFastContractionAndersonCostsWhatPlainIterationDoes() {
        double[][] a = new double[8][8];
        double[] b = new double[8];
        for (int i = 0; i < 8; i++) {
            a[i][i] = 0.02;
            a[i][(i + 1) % 8] = 0.01;
            b[i] = i - 3;
        }
        LatentMap f = StrategiesTest.affine(a, b);
        Tensor seeds = seedsAround(new double[][] {new double[8]}, 500, 5, 2);
        List<Trajectory> picard = run(new PicardIteration(), f, seeds, Map.of());
        List<Trajectory> anderson = run(new AndersonAcceleration(), f, seeds, Map.of());
        assertTrue(anderson.stream().allMatch(Trajectory::converged));
        assertEquals(evaluations(picard), evaluations(anderson));
    }

    /** Each row of each batch passed to f counts once, and the trajectories' counts add up to exactly that. */
    @Test
    void mapEvaluationsAreCountedExactlyByEveryStrategy() {
        TestMaps.FourWells wells = new TestMaps.FourWells(2, 9);
        Tensor seeds = seedsAround(new double[][] {toDouble(wells.point(0.5, 0.5)), toDouble(wells.point(-1.2, 0.3))}, 40, 1, 3);
        float[] withNan = seeds.data().clone();
        withNan[5 * wells.k] = Float.NaN; // a broken seed is counted as well (it is evaluated once)
        Tensor s = Tensor.matrix(seeds.rows(), wells.k, withNan);
        for (IterationStrategy strategy : List.of(new PicardIteration(), new DampedIteration(), new AndersonAcceleration(),
                new NewtonIteration(), new ContinuousFlow())) {
            TestMaps.Counting f = new TestMaps.Counting(wells);
            List<Trajectory> ts = run(strategy, f, s, Map.of());
            String name = strategy.getClass().getSimpleName();
            assertEquals(f.rows.get(), evaluations(ts), name);
            assertTrue(ts.get(5).diverged(), name);
            for (Trajectory t : ts) {
                assertTrue(t.mapEvaluations() >= 0, name);
                if (strategy instanceof PicardIteration) {
                    // f(z_0), one per step, and the steps a multi-step call in the tail took after the seed stopped
                    assertTrue(t.mapEvaluations() >= t.steps() + 1
                            && t.mapEvaluations() <= t.steps() + PicardRun.MAX_STEPS_PER_CALL, "picard: " + t);
                }
            }
        }
    }

    /** The m x m solves on primitive arrays against Commons Math (the reference), on random SPD systems. */
    @Test
    void handRolledCholeskyMatchesCommonsMath() {
        Random r = new Random(1);
        for (int m = 1; m <= 12; m++) {
            double[][] b = new double[m + 3][m];
            for (double[] row : b) {
                for (int j = 0; j < m; j++) {
                    row[j] = r.nextGaussian();
                }
            }
            RealMatrix bm = new Array2DRowRealMatrix(b);
            RealMatrix a = bm.transpose().multiply(bm);
            double[] flat = new double[m * m];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    flat[i * m + j] = a.getEntry(i, j);
                }
            }
            double[] rhs = new double[m];
            for (int i = 0; i < m; i++) {
                rhs[i] = r.nextGaussian();
            }
            double[] expected = new CholeskyDecomposition(a).getSolver().solve(new ArrayRealVector(rhs)).toArray();
            double[] l = new double[m * m];
            assertTrue(AndersonAcceleration.cholesky(flat, m, l));
            double[] x = new double[m];
            AndersonAcceleration.substitute(l, m, rhs.clone(), x);
            for (int i = 0; i < m; i++) {
                assertEquals(expected[i], x[i], 1e-9 * (1 + Math.abs(expected[i])), "m=" + m);
            }
        }
        // a singular matrix is refused, not solved into garbage
        assertFalse(AndersonAcceleration.cholesky(new double[] {1, 1, 1, 1}, 2, new double[4]));
        assertFalse(AndersonAcceleration.cholesky(new double[] {Double.NaN}, 1, new double[1]));
    }

    /** The Anderson coefficients γ against Commons Math's least squares (QR) of ΔR·γ ≈ r. */
    @Test
    void andersonCoefficientsAreTheLeastSquaresSolution() {
        // an affine map f(z) = A z + b: after the first plain step each mixed step solves min |r - dR gamma|
        Random r = new Random(4);
        int k = 10;
        int m = 4;
        double[][] cols = new double[k][m];
        for (double[] row : cols) {
            for (int j = 0; j < m; j++) {
                row[j] = r.nextGaussian();
            }
        }
        double[] rhs = new double[k];
        for (int i = 0; i < k; i++) {
            rhs[i] = r.nextGaussian();
        }
        RealMatrix dr = new Array2DRowRealMatrix(cols);
        double[] expected = new QRDecomposition(dr).getSolver().solve(new ArrayRealVector(rhs)).toArray();
        double[] gram = new double[m * m];
        double[] b = new double[m];
        for (int p = 0; p < m; p++) {
            for (int q = 0; q < m; q++) {
                for (int i = 0; i < k; i++) {
                    gram[p * m + q] += cols[i][p] * cols[i][q];
                }
            }
            for (int i = 0; i < k; i++) {
                b[p] += cols[i][p] * rhs[i];
            }
        }
        double[] l = new double[m * m];
        assertTrue(AndersonAcceleration.cholesky(gram, m, l));
        double[] gamma = new double[m];
        AndersonAcceleration.substitute(l, m, b, gamma);
        assertArrayEquals(expected, gamma, 1e-10);
    }

    /** Gelfand's formula against Commons Math's eigenvalues: never below, at most 1% above, complex pairs too. */
    @Test
    void spectralRadiusEstimateBoundsTheEigenvaluesFromAbove() {
        Random r = new Random(2);
        for (int trial = 0; trial < 200; trial++) {
            int m = 1 + trial % 8;
            double[] a = new double[m * m];
            double scale = 0.3 + 1.4 * r.nextDouble();
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextGaussian() * scale / Math.sqrt(m);
            }
            double exact = 0;
            EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(unflatten(a, m)));
            for (int i = 0; i < m; i++) {
                exact = Math.max(exact, Math.hypot(eig.getRealEigenvalues()[i], eig.getImagEigenvalues()[i]));
            }
            double estimate = AndersonAcceleration.spectralRadius(a.clone(), m, new double[m * m]);
            assertTrue(estimate >= exact * (1 - 1e-9), "m=" + m + ": " + estimate + " < " + exact);
            assertTrue(estimate <= exact * 1.01, "m=" + m + ": " + estimate + " vs " + exact);
            boolean contracts = AndersonAcceleration.contracts(a.clone(), m, new double[m * m]);
            assertEquals(estimate < 1, contracts, "the early-exit test decides as the estimate does");
            if (Math.abs(exact - 1) > 0.01) {
                assertEquals(exact < 1, contracts, "m=" + m + ", radius " + exact);
            }
        }
        assertEquals(0, AndersonAcceleration.spectralRadius(new double[] {0, 1, 0, 0}, 2, new double[4]), 1e-300,
                "nilpotent");
    }

    static double[][] unflatten(double[] a, int m) {
        double[][] o = new double[m][m];
        for (int i = 0; i < m; i++) {
            System.arraycopy(a, i * m, o[i], 0, m);
        }
        return o;
    }

    /** Capture's four-at-a-time sums give exactly the plain loops' values (the same additions in the same order). */
    @Test
    void captureSumsEqualThePlainLoopsBitForBit() {
        Random r = new Random(11);
        for (int k : new int[] {1, 3, 7, 32, 33}) {
            double[] m = new double[k * k];
            double[] v = new double[k];
            double[] out = new double[k];
            for (int i = 0; i < m.length; i++) {
                m[i] = r.nextGaussian();
            }
            for (int j = 0; j < k; j++) {
                v[j] = r.nextGaussian();
                out[j] = r.nextGaussian();
            }
            double[] expected = out.clone();
            for (int row = 0; row < k; row++) {
                double s = expected[row];
                for (int j = 0; j < k; j++) {
                    s += m[row * k + j] * v[j];
                }
                expected[row] = s;
            }
            AndersonAcceleration.Capture.addProduct(m, k, v, out);
            assertArrayEquals(expected, out, 0.0, "k = " + k);
            // distances to 1, 4 and 6 attractors (a block of four and the rest one at a time)
            for (int count : new int[] {1, 4, 6}) {
                AndersonAcceleration.Capture c = new AndersonAcceleration.Capture(k);
                float[][] points = new float[count][k];
                for (int x = 0; x < count; x++) {
                    for (int j = 0; j < k; j++) {
                        points[x][j] = (float) (10 * x + r.nextGaussian());
                    }
                    c.add(points[x], 0);
                }
                c.prepare(z -> z); // the identity: its Jacobian is not attracting, so no chord steps, but the points count
                float[] z = new float[2 * k];
                for (int j = 0; j < 2 * k; j++) {
                    z[j] = (float) r.nextGaussian();
                }
                double[] d2 = c.distances2(z, k);
                for (int x = 0; x < count; x++) {
                    double s = 0;
                    for (int j = 0; j < k; j++) {
                        double d = (double) z[k + j] - points[x][j];
                        s += d * d;
                    }
                    assertEquals(s, d2[x], 0.0, "k = " + k + ", attractor " + x + " of " + count);
                }
            }
        }
    }
}
