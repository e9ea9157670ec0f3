package org.latentlab.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.attractor.FixedPointKind;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.metric.MetricResult;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.result.FieldValue;
import org.junit.jupiter.api.Test;

/** The metrics' report sections, drawn on a recording canvas from real metric results. */
class SectionsTest {

    /** 16-value pictures: D(z) fills the picture with z0 and adds z1 to the last value; E reads them back. */
    static final LatentModel PICTURES = Fixtures.model(new int[] {16}, 2, z -> {
        float[] x = new float[16];
        Arrays.fill(x, z[0]);
        x[15] += z[1];
        return x;
    }, x -> new float[] {x[0], x[15] - x[0]});

    static final List<Attractor> ATTRACTORS = List.of(
            new Attractor(0, new float[] {1, 0}, 3, 0.2, 0.3, true, FixedPointKind.ATTRACTOR, 4, 3),
            new Attractor(1, new float[] {0, 1}, 1, 0.4, 0.5, true, FixedPointKind.ATTRACTOR, 6, 5));
    static final List<Trajectory> TRAJECTORIES = List.of(Fixtures.trajectory(0, new float[] {1, 0}, true, null),
            Fixtures.trajectory(1, new float[] {1, 0}, true, null), Fixtures.trajectory(2, new float[] {1, 0}, true, null),
            Fixtures.trajectory(3, new float[] {0, 1}, true, null));
    static final int[] LABELS = {0, 0, 0, 1};

    static MetricResult memorization(Optional<Tensor> training) {
        return new MemorizationMetric().compute(Fixtures.context(Optional.of(PICTURES), Tensor.matrix(4, 2, new float[8]),
                TRAJECTORIES, ATTRACTORS, LABELS, training), new Parameters(Map.of("threshold", 0.95)));
    }

    @Test
    void memorizationShowsEachDecodedAttractorBesideItsNearestTrainingExample() throws Exception {
        float[] ones = new float[16];
        Arrays.fill(ones, 1);
        float[] last = new float[16];
        last[15] = 1;
        // training: an all-ones picture (D(z0) exactly) and a picture with only the last value (D(z1) exactly)
        Tensor training = Tensor.ofRows(new float[][] {last, ones});
        AnalysisResult r = Fixtures.result(ATTRACTORS, TRAJECTORIES, LABELS, Map.of("mem", memorization(Optional.of(training))));
        MemorizationSection section = new MemorizationSection();
        assertTrue(section.appliesTo(r));
        RecordingCanvas canvas = new RecordingCanvas();
        section.render(r, canvas);
        assertEquals(List.of("attractor-0", "nearest-0", "attractor-1", "nearest-1"), canvas.images);
        assertEquals(2, canvas.cards.size());
        assertEquals("#0", canvas.cards.get(0).title());
        assertEquals("c0", canvas.cards.get(0).accent());
        assertEquals("nearest train #1", canvas.cards.get(0).figures().get(1).caption());
        assertEquals("nearest train #0", canvas.cards.get(1).figures().get(1).caption());
        assertEquals(List.of("attractor", "basin 3 (75.0%)", "mem 1.000"), canvas.cards.get(0).lines());
        assertTrue(canvas.summary.get(0).startsWith("Memorization: mean 1.000; 2 of 2 attractors"), canvas.summary.toString());
        assertTrue(canvas.summary.get(1).contains("most attractors reproduce training examples"), canvas.summary.toString());
    }

    @Test
    void withoutTrainingDataOnlyDecodingsAndNoSummaryLines() throws Exception {
        AnalysisResult r = Fixtures.result(ATTRACTORS, TRAJECTORIES, LABELS, Map.of("memorization", memorization(Optional.empty())));
        RecordingCanvas canvas = new RecordingCanvas();
        new MemorizationSection().render(r, canvas);
        assertEquals(List.of("attractor-0", "attractor-1"), canvas.images);
        assertTrue(canvas.summary.isEmpty());
        assertEquals(List.of("attractor", "basin 1 (25.0%)"), canvas.cards.get(1).lines(), "no memorization value to show");
    }

    @Test
    void sectionsApplyOnlyWhenTheirMetricRanAndOtherwiseSayWhatToRun() {
        AnalysisResult none = Fixtures.result(ATTRACTORS, TRAJECTORIES, LABELS,
                Map.of("other", MetricResult.ofSummary(Map.of("x", FieldValue.of(1)))));
        assertFalse(new MemorizationSection().appliesTo(none));
        assertFalse(new LatentFieldSection().appliesTo(none));
        assertTrue(new MemorizationSection().hint(none).orElseThrow().contains("metric memorization"));
        assertTrue(new LatentFieldSection().hint(none).orElseThrow().contains("metric latent-field"));
        AnalysisResult noAttractors = Fixtures.result(List.of(), TRAJECTORIES, LABELS, Map.of());
        assertTrue(new MemorizationSection().hint(noAttractors).isEmpty(), "no pictures to miss");
    }

    @Test
    void latentFieldDrawsArrowsPathsAndAttractorsInTheirColours() {
        MetricResult field = new LatentFieldMetric().compute(Fixtures.context(Optional.of(PICTURES),
                Tensor.matrix(4, 2, new float[] {2, 0, 1, 1, 0, 2, 0, 0}), TRAJECTORIES, ATTRACTORS, LABELS, Optional.empty()),
                new Parameters(Map.of("grid", 4, "trajectories", 150, "margin", 0.1)));
        AnalysisResult r = Fixtures.result(ATTRACTORS, TRAJECTORIES, LABELS, Map.of("field", field));
        LatentFieldSection section = new LatentFieldSection();
        assertTrue(section.appliesTo(r));
        RecordingCanvas canvas = new RecordingCanvas();
        section.render(r, canvas);
        assertEquals(List.of("Latent field on the PCA plane"), canvas.headings);
        RecordingCanvas.RecordingPlot plot = canvas.plots.get(0);
        LatentField f = field.artifact(LatentField.class).orElseThrow();
        long moving = Arrays.stream(f.field()).filter(v -> Math.hypot(v[0], v[1]) > 0).count();
        assertEquals(moving, plot.count("arrow"), "an arrow at each grid point where the field is not zero");
        assertEquals(16, f.grid().length);
        assertEquals(4, plot.count("polyline"));
        assertEquals(3, plot.drawn.stream().filter(d -> d.startsWith("polyline c0")).count(), "coloured by attractor");
        assertTrue(plot.drawn.contains("circle c1 attractor #1, basin 1, ρ 0.400"), plot.drawn.toString());
        assertTrue(canvas.texts.get(0).contains("seed to end point"), "paths were not recorded");
    }
}
