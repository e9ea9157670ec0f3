package org.latentlab.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.latentlab.api.Capability;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.attractor.FixedPointKind;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.metric.Metric;
import org.latentlab.api.metric.MetricResult;
import org.latentlab.api.result.FieldValue;
import org.latentlab.clusterers.internal.EuclideanClusterer;
import org.latentlab.strategies.internal.AndersonAcceleration;
import org.latentlab.strategies.internal.NewtonIteration;
import org.latentlab.strategies.internal.PicardIteration;
import org.junit.jupiter.api.Test;

/** The whole analysis on maps whose fixed points, eigenvalues and norms are known in closed form. */
class AnalysisTest {

    static final Analysis.Listener QUIET = new Analysis.Listener() {
        public void stage(String stage, long total, String message) {}

        public void advance(long units) {}

        public boolean cancelled() {
            return false;
        }
    };

    static <T extends Capability> Analysis.Choice<T> choice(String id, T s, Map<String, String> p) {
        return new Analysis.Choice<>(id, s, Parameters.resolve(id, s.parameters(), p));
    }

    static Analysis.Outcome analyse(LatentMap f, float[][] seeds, IterationStrategy s, Map<String, String> sp) {
        return Analysis.run(new Analysis.Inputs(f, Tensor.ofRows(seeds), choice("s", s, sp),
                choice("euclidean", (AttractorClusterer) new EuclideanClusterer(), Map.of()), List.of(), Optional.empty(),
                Optional.empty(), 7, 1e-3), QUIET);
    }

    /** f(z) = A (z − c) + c, A row-major 2×2. */
    static LatentMap affine2(double[] a, double[] c) {
        return z -> {
            float[] o = new float[z.data().length];
            for (int r = 0; r < z.rows(); r++) {
                double x = z.data()[2 * r] - c[0];
                double y = z.data()[2 * r + 1] - c[1];
                o[2 * r] = (float) (a[0] * x + a[1] * y + c[0]);
                o[2 * r + 1] = (float) (a[2] * x + a[3] * y + c[1]);
            }
            return Tensor.matrix(z.rows(), 2, o);
        };
    }

    static float[][] gaussianSeeds(int n, int k, long seed, double scale) {
        Random r = new Random(seed);
        float[][] s = new float[n][k];
        for (float[] row : s) {
            for (int j = 0; j < k; j++) {
                row[j] = (float) (r.nextGaussian() * scale);
            }
        }
        return s;
    }

    @Test
    void affineContractionHasOneAttractorWithTheAnalyticSpectrumAndNorm() {
        double[] a = {0.5, 0.4, 0, 0.8}; // eigenvalues 0.5, 0.8
        double[] c = {1.5, -2};
        Analysis.Outcome o = analyse(affine2(a, c), gaussianSeeds(50, 2, 1, 3), new PicardIteration(), Map.of());
        assertEquals(1, o.attractors().size());
        Attractor at = o.attractors().get(0);
        assertEquals(50, at.basinSize());
        assertEquals(1.5, at.latent()[0], 5e-3);
        assertEquals(-2, at.latent()[1], 5e-3);
        assertEquals(0.8, at.spectralRadius(), 1e-3);
        // ||A||_2 = sqrt(largest eigenvalue of A'A) = sqrt((t + sqrt(t^2 - 4 d^2)) / 2), t = trace(A'A), d = det A
        double t = 0.25 + 0.16 + 0.64;
        double d = 0.5 * 0.8;
        assertEquals(Math.sqrt((t + Math.sqrt(t * t - 4 * d * d)) / 2), at.spectralNorm(), 1e-3);
        assertTrue(at.stable());
        assertEquals(FixedPointKind.ATTRACTOR, at.kind());
        double[] re = at.eigenvaluesReal();
        Arrays.sort(re);
        assertEquals(0.5, re[0], 1e-3);
        assertEquals(0.8, re[1], 1e-3);
        // predicted steps (rate 0.8) are close to what the seeds took
        assertEquals(at.meanSteps(), at.predictedSteps(), 0.1 * at.meanSteps());
        assertTrue(Arrays.stream(o.labels()).allMatch(l -> l == 0));
    }

    @Test
    void complexEigenvaluesOfARotatingContractionAreFound() {
        double th = 0.7;
        double r = 0.9;
        double[] a = {r * Math.cos(th), -r * Math.sin(th), r * Math.sin(th), r * Math.cos(th)};
        Analysis.Outcome o = analyse(affine2(a, new double[] {0, 0}), gaussianSeeds(10, 2, 2, 1), new PicardIteration(), Map.of());
        Attractor at = o.attractors().get(0);
        assertEquals(0.9, at.spectralRadius(), 1e-3);
        double[] im = at.eigenvaluesImag();
        Arrays.sort(im);
        assertEquals(-r * Math.sin(th), im[0], 1e-3);
        assertEquals(r * Math.sin(th), im[1], 1e-3);
    }

    /** f(x, y) = (x + ½(x − x³), ½ y): attractors (±1, 0), saddle (0, 0). */
    static final LatentMap DOUBLE_WELL = z -> {
        float[] out = new float[z.data().length];
        for (int r = 0; r < z.rows(); r++) {
            float x = z.data()[2 * r];
            out[2 * r] = x + 0.5f * (x - x * x * x);
            out[2 * r + 1] = 0.5f * z.data()[2 * r + 1];
        }
        return Tensor.matrix(z.rows(), 2, out);
    };

    @Test
    void doubleWellHasTwoAttractorsWhoseBasinsSplitBySignAndNewtonAlsoFindsTheSaddle() {
        // uniform in [-1.2, 1.2]^2: there f keeps the sign of x, so each half-plane is one basin
        float[][] seeds = gaussianSeeds(200, 2, 3, 1);
        Random u = new Random(4);
        for (float[] s : seeds) {
            s[0] = (float) (u.nextDouble() * 2.4 - 1.2);
            s[1] = (float) (u.nextDouble() * 2.4 - 1.2);
        }
        Analysis.Outcome picard = analyse(DOUBLE_WELL, seeds, new PicardIteration(), Map.of());
        assertEquals(2, picard.attractors().size());
        for (Attractor at : picard.attractors()) {
            assertEquals(1.0, Math.abs(at.latent()[0]), 1e-3);
            assertEquals(FixedPointKind.ATTRACTOR, at.kind());
            assertEquals(0.5, at.spectralRadius(), 1e-3); // eigenvalues {0, 1/2}
        }
        for (int i = 0; i < seeds.length; i++) {
            float sign = Math.signum(picard.attractors().get(picard.labels()[i]).latent()[0]);
            assertEquals(Math.signum(seeds[i][0]), sign, "seed " + i + " went to the other well");
        }
        assertEquals(200, picard.attractors().get(0).basinSize() + picard.attractors().get(1).basinSize());
        assertTrue(picard.attractors().get(0).basinSize() >= picard.attractors().get(1).basinSize(), "largest basin first");

        float[][] nearSaddle = {{0.1f, 0.3f}, {-0.12f, -0.2f}, {0.05f, 0.5f}};
        Analysis.Outcome newton = analyse(DOUBLE_WELL, nearSaddle, new NewtonIteration(), Map.of());
        assertEquals(1, newton.attractors().size());
        Attractor saddle = newton.attractors().get(0);
        assertEquals(0.0, saddle.latent()[0], 1e-5);
        assertEquals(FixedPointKind.SADDLE, saddle.kind());
        assertFalse(saddle.stable());
        assertEquals(1.5, saddle.spectralRadius(), 1e-3);
    }

    /**
     * Seeds near the saddle's stable manifold (x = 0): Anderson, a root finder at heart, must report the same two
     * attractors as plain iteration with the same basins, and never a fixed point of another kind as an attractor.
     * The trajectories keep the strategy's map-evaluation counts through the engine's chunks.
     */
    @Test
    void andersonReportsPicardsAttractorsAndNoSaddleAsAnAttractor() {
        Random u = new Random(8);
        float[][] seeds = new float[300][];
        for (int i = 0; i < seeds.length; i++) {
            seeds[i] = new float[] {(float) (u.nextGaussian() * 0.05), (float) (u.nextDouble() * 2 - 1)};
        }
        seeds[0] = new float[] {0, 0.5f}; // on the stable manifold: plain iteration goes to the saddle as well
        Analysis.Outcome picard = analyse(DOUBLE_WELL, seeds, new PicardIteration(), Map.of());
        Analysis.Outcome anderson = analyse(DOUBLE_WELL, seeds, new AndersonAcceleration(), Map.of());
        for (Analysis.Outcome o : List.of(picard, anderson)) {
            long attracting = 0;
            for (Attractor at : o.attractors()) {
                if (Math.abs(at.latent()[0]) < 1e-3) {
                    assertEquals(FixedPointKind.SADDLE, at.kind(), "the saddle is classified by its Jacobian");
                    assertFalse(at.stable());
                } else {
                    assertEquals(1.0, Math.abs(at.latent()[0]), 1e-3);
                    assertEquals(FixedPointKind.ATTRACTOR, at.kind());
                    attracting++;
                }
            }
            assertEquals(2, attracting);
            assertEquals(3, o.attractors().size(), "the seed on the stable manifold reaches the saddle: listed, as a saddle");
        }
        int same = 0;
        for (int i = 0; i < seeds.length; i++) {
            float p = picard.attractors().get(picard.labels()[i]).latent()[0];
            float a = anderson.attractors().get(anderson.labels()[i]).latent()[0];
            same += Math.round(p) == Math.round(a) ? 1 : 0;
        }
        assertTrue(same >= 0.99 * seeds.length, same + " of " + seeds.length + " seeds reach picard's attractor");
        // the engine ran the seeds in chunks of 7; each seed's count is what the strategy reported for it alone
        List<org.latentlab.api.dynamics.Trajectory> direct = new AndersonAcceleration().iterate(DOUBLE_WELL,
                Tensor.ofRows(seeds), Parameters.resolve("a", new AndersonAcceleration().parameters(), Map.of()),
                org.latentlab.api.dynamics.Progress.NONE);
        long total = 0;
        for (int i = 0; i < seeds.length; i++) {
            assertEquals(i, anderson.trajectories().get(i).seed());
            assertEquals(direct.get(i).mapEvaluations(), anderson.trajectories().get(i).mapEvaluations(), "seed " + i);
            total += direct.get(i).mapEvaluations();
        }
        assertTrue(total > seeds.length);
    }

    @Test
    void aRepellerIsClassifiedAsSuch() {
        Analysis.Outcome o = analyse(affine2(new double[] {2, 0, 0, 1.5}, new double[] {1, 1}),
                new float[][] {{1.2f, 0.7f}, {3, 3}}, new NewtonIteration(), Map.of());
        assertEquals(1, o.attractors().size());
        assertEquals(FixedPointKind.REPELLER, o.attractors().get(0).kind());
        assertEquals(2.0, o.attractors().get(0).spectralRadius(), 1e-3);
    }

    @Test
    void nonConvergedSeedsGetLabelMinusOneAndAreKept() {
        double[] rot = {0, -1, 1, 0};
        Analysis.Outcome o = analyse(affine2(rot, new double[] {0, 0}), new float[][] {{1, 0}, {0, 2}},
                new PicardIteration(), Map.of("maxSteps", "20"));
        assertEquals(0, o.attractors().size());
        assertEquals(2, o.trajectories().size());
        assertTrue(Arrays.stream(o.labels()).allMatch(l -> l == -1));
    }

    /** A model whose decoder is the identity and whose encoder is affine, claiming the given Jacobian. */
    static org.latentlab.api.model.LatentModel affineModel(double[] a, double[] c, float[] claimedJacobian) {
        LatentMap f = affine2(a, c);
        return new org.latentlab.api.model.LatentModel() {
            public org.latentlab.api.model.ModelSpec spec() {
                return new org.latentlab.api.model.ModelSpec(java.nio.file.Path.of("."), "affine", new int[] {2}, 2, "e", "d", null);
            }

            public Tensor encode(Tensor x) {
                return f.apply(x);
            }

            public Tensor decode(Tensor z) {
                return z;
            }

            public Optional<Tensor> latentJacobian(Tensor points) {
                float[] j = new float[points.rows() * 4];
                for (int p = 0; p < points.rows(); p++) {
                    System.arraycopy(claimedJacobian, 0, j, p * 4, 4);
                }
                return Optional.of(new Tensor(new int[] {points.rows(), 2, 2}, j));
            }

            public void close() {}
        };
    }

    @Test
    void autodiffJacobiansAreUsedWhenTheyAgreeWithTheMapAndIgnoredOtherwise() {
        double[] a = {0.5, 0.4, 0, 0.8};
        double[] c = {1, 1};
        for (boolean right : new boolean[] {true, false}) {
            float[] claimed = right ? new float[] {0.5f, 0.4f, 0, 0.8f} : new float[] {0.9f, 0, 0, 0.1f};
            org.latentlab.api.model.LatentModel model = affineModel(a, c, claimed);
            LatentMap f = z -> model.encode(model.decode(z));
            Analysis.Outcome o = Analysis.run(new Analysis.Inputs(f, Tensor.ofRows(gaussianSeeds(5, 2, 9, 1)),
                    choice("picard", (IterationStrategy) new PicardIteration(), Map.of()),
                    choice("euclidean", (AttractorClusterer) new EuclideanClusterer(), Map.of()), List.of(), Optional.of(model),
                    Optional.empty(), 100, 1e-3), QUIET);
            Attractor at = o.attractors().get(0);
            assertEquals(right ? "autodiff" : "central-differences", at.jacobian());
            assertEquals(0.8, at.spectralRadius(), 1e-3, "the spectrum is right either way");
        }
    }

    /** A metric that records the fields it saw on attractor 0 and adds its own. */
    static Metric fieldAdder(String field, double value, List<List<String>> seen) {
        return (ctx, p) -> {
            seen.add(List.copyOf(ctx.attractors().get(0).fields().keySet()));
            return MetricResult.builder().put("seen", seen.size()).attractor(0, field, FieldValue.of(value))
                    .attractor(0, "shared", FieldValue.of(field)).attractor(99, "ignored", FieldValue.of(1)).build();
        };
    }

    @Test
    void metricFieldsAreAddedToNewAttractorsInOrderAndLaterMetricsSeeEarlierOnes() {
        List<List<String>> seen = new java.util.ArrayList<>();
        Analysis.Outcome o = Analysis.run(new Analysis.Inputs(affine2(new double[] {0.5, 0, 0, 0.5}, new double[] {1, 1}),
                Tensor.ofRows(gaussianSeeds(5, 2, 3, 1)), choice("picard", (IterationStrategy) new PicardIteration(), Map.of()),
                choice("euclidean", (AttractorClusterer) new EuclideanClusterer(), Map.of()),
                List.of(choice("first", fieldAdder("a", 1, seen), Map.of()), choice("second", fieldAdder("b", 2, seen), Map.of())),
                Optional.empty(), Optional.empty(), 100, 1e-3), QUIET);
        assertEquals(List.of(List.of(), List.of("a", "shared")), seen, "the second metric sees the first one's fields");
        Attractor at = o.attractors().get(0);
        assertEquals(List.of("a", "shared", "b"), List.copyOf(at.fields().keySet()));
        assertEquals(FieldValue.of("b"), at.fields().get("shared"), "a later metric's value wins, in the first one's place");
        assertEquals(List.of("first", "second"), List.copyOf(o.metrics().keySet()));
        assertEquals(FieldValue.of(2), o.metrics().get("second").summary().get("seen"));
        assertEquals(2, at.eigenvaluesReal().length, "the engine's own fields are typed components, not metric fields");
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class, () -> o.attractors().set(0, at));
    }

    @Test
    void predictedStepsFollowTheLinearRate() {
        assertEquals(Math.log(1e-3) / Math.log(0.5), StabilityAnalysis.predictedSteps(1, 1e-3, 0.5), 1e-12);
        assertEquals(0, StabilityAnalysis.predictedSteps(1e-4, 1e-3, 0.5));
        assertEquals(Double.POSITIVE_INFINITY, StabilityAnalysis.predictedSteps(1, 1e-3, 1.2));
        assertEquals(Double.POSITIVE_INFINITY, StabilityAnalysis.predictedSteps(1e-4, 1e9, 1.5), "never for a saddle");
    }

    /** f(z) = 1 + 0.98 (z − 1) + 0.3 (z − 1)²: a slow attractor at 1 (f' = 0.98), a repeller at 1 + 1/15. */
    static final LatentMap SLOW = z -> {
        float[] o = new float[z.rows()];
        for (int r = 0; r < z.rows(); r++) {
            double d = z.data()[r] - 1;
            o[r] = (float) (1 + 0.98 * d + 0.3 * d * d);
        }
        return Tensor.matrix(z.rows(), 1, o);
    };

    @Test
    void aSlowAttractorIsPolishedToItsFixedPointAndClassifiedThere() {
        float[][] seeds = new float[40][1];
        for (int i = 0; i < seeds.length; i++) {
            seeds[i][0] = 0.5f + 0.5f * i / seeds.length; // 0.5 .. 0.99, all in the basin of 1
        }
        Analysis.Outcome o = analyse(SLOW, seeds, new PicardIteration(), Map.of());
        assertEquals(1, o.attractors().size());
        Attractor a = o.attractors().get(0);
        assertEquals(1.0, a.latent()[0], 1e-4, "polished to the fixed point, not left at the stopping distance");
        assertEquals(0.98, a.spectralRadius(), 1e-3);
        assertEquals(FixedPointKind.ATTRACTOR, a.kind());
    }

    @Test
    void unitModulusFromFiniteDifferencesIsUndeterminedAndAZeroJacobianIsAnAttractor() {
        double[][] rotation = {{0, -1}, {1, 0}};
        Spectra.Spectrum s = StabilityAnalysis.spectrum(new double[][] {{0, -0.999997}, {0.999997, 0}},
                StabilityAnalysis.FINITE_DIFFERENCE_BAND);
        assertEquals(FixedPointKind.UNDETERMINED, s.kind(), "within the error of central differences");
        assertEquals(FixedPointKind.UNDETERMINED, StabilityAnalysis.spectrum(rotation).kind());
        Spectra.Spectrum zero = StabilityAnalysis.spectrum(new double[][] {{0, 1e-14}, {0, 0}});
        assertEquals(0.0, zero.spectralRadius());
        assertEquals(FixedPointKind.ATTRACTOR, zero.kind());
    }
}
