package org.latentlab.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.metric.MetricResult;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.result.FieldValue;
import org.junit.jupiter.api.Test;

/** mem(z*) = max over training inputs x of cos(D(z*), x), on vectors small enough to compute by hand. */
class MemorizationMetricTest {

    /** D(z) = z: the attractors decode to their own coordinates. */
    static final LatentModel IDENTITY = Fixtures.model(new int[] {2}, 2, z -> z.clone(), x -> x.clone());

    // training inputs (1, 0), (1, 1), (0, 3), (0, 0)
    static final Tensor TRAIN = Tensor.matrix(4, 2, new float[] {1, 0, 1, 1, 0, 3, 0, 0});

    static MetricResult run(List<Attractor> atts, Optional<Tensor> training, double threshold) {
        return new MemorizationMetric().compute(Fixtures.context(Optional.of(IDENTITY), Tensor.matrix(1, 2, new float[2]),
                List.of(), atts, new int[0], training), new Parameters(Map.of("threshold", threshold)));
    }

    @Test
    void memorizationIsTheLargestCosineToATrainingInput() {
        // D(z0) = (2, 1): cos to (1,0) = 2/√5 ≈ 0.894, to (1,1) = 3/√10 ≈ 0.949, to (0,3) = 1/√5 ≈ 0.447 → #1
        // D(z1) = (0, -1): cos 0, -1/√2, -1, and 0 for the zero input → the first of the zeros, #0
        MetricResult r = run(List.of(Fixtures.attractor(0, 2, 1), Fixtures.attractor(1, 0, -1)), Optional.of(TRAIN), 0.9);
        Map<String, FieldValue> a0 = r.perAttractor().get(0);
        assertEquals(3 / Math.sqrt(10), ((FieldValue.Real) a0.get("memorization")).value(), 1e-7);
        assertEquals(FieldValue.of(1), a0.get("nearestTrainingIndex"));
        assertEquals(new FieldValue.Image(new int[] {2}, new float[] {1, 1}), a0.get("nearestTraining"));
        assertEquals(new FieldValue.Image(new int[] {2}, new float[] {2, 1}), a0.get("decoded"));
        Map<String, FieldValue> a1 = r.perAttractor().get(1);
        assertEquals(FieldValue.of(0.0), a1.get("memorization"));
        assertEquals(FieldValue.of(0), a1.get("nearestTrainingIndex"));
        assertEquals(List.of("decoded", "memorization", "nearestTrainingIndex", "nearestTraining"), List.copyOf(a0.keySet()),
                "field order of result.json");

        assertEquals(List.of("attractors", "trainingExamples", "meanMemorization", "memorizedAttractors", "threshold"),
                List.copyOf(r.summary().keySet()));
        assertEquals(FieldValue.of(2), r.summary().get("attractors"));
        assertEquals(FieldValue.of(4), r.summary().get("trainingExamples"));
        assertEquals(3 / Math.sqrt(10) / 2, ((FieldValue.Real) r.summary().get("meanMemorization")).value(), 1e-7);
        assertEquals(FieldValue.of(1), r.summary().get("memorizedAttractors"), "only 0.949 is above 0.9");
        assertEquals(FieldValue.of(0.9), r.summary().get("threshold"));

        Memorization typed = r.artifact(Memorization.class).orElseThrow();
        assertEquals(1, typed.memorized());
        assertEquals(1, typed.entries().get(0).nearestIndex());
        assertEquals(3 / Math.sqrt(10), typed.entries().get(0).memorization(), 1e-7);
    }

    @Test
    void aHigherThresholdCountsFewerMemorizedAttractors() {
        MetricResult r = run(List.of(Fixtures.attractor(0, 2, 1), Fixtures.attractor(1, 1, 0)), Optional.of(TRAIN), 0.96);
        // (1, 0) is training input #0 itself: cosine 1 > 0.96; (2, 1) reaches 0.949 only
        assertEquals(FieldValue.of(1.0), r.perAttractor().get(1).get("memorization"));
        assertEquals(FieldValue.of(1), r.summary().get("memorizedAttractors"));
    }

    @Test
    void withoutTrainingInputsOnlyDecodingsAreGiven() {
        MetricResult r = run(List.of(Fixtures.attractor(0, 2, 1)), Optional.empty(), 0.95);
        assertEquals(Map.of("decoded", new FieldValue.Image(new int[] {2}, new float[] {2, 1})), r.perAttractor().get(0));
        assertEquals(FieldValue.of("no training inputs given: decodings only"), r.summary().get("note"));
        assertFalse(r.summary().containsKey("meanMemorization"));
        Memorization typed = r.artifact(Memorization.class).orElseThrow();
        assertTrue(typed.trainingExamples().isEmpty());
        assertTrue(typed.entries().get(0).nearest().isEmpty());
    }

    @Test
    void decodedImagesKeepTheModelsInputShape() {
        LatentModel pictures = Fixtures.model(new int[] {1, 2, 2}, 1, z -> new float[] {z[0], 0, 0, z[0]}, x -> new float[] {x[0]});
        MetricResult r = new MemorizationMetric().compute(Fixtures.context(Optional.of(pictures), Tensor.matrix(1, 1, new float[1]),
                List.of(), List.of(Fixtures.attractor(0, 0.5f)), new int[0], Optional.empty()), Parameters.EMPTY);
        FieldValue.Image decoded = (FieldValue.Image) r.perAttractor().get(0).get("decoded");
        assertEquals(List.of(1, 2, 2), java.util.Arrays.stream(decoded.shape()).boxed().toList());
    }

    @Test
    void noAttractorsGiveACountOfZero() {
        MetricResult r = run(List.of(), Optional.of(TRAIN), 0.95);
        assertEquals(Map.of("attractors", FieldValue.of(0)), r.summary());
        assertTrue(r.perAttractor().isEmpty());
    }

    @Test
    void trainingInputsOfAnotherSizeAreRefusedNamingBoth() {
        LatentLabException e = assertThrows(LatentLabException.class, () -> run(List.of(Fixtures.attractor(0, 2, 1)),
                Optional.of(Tensor.matrix(1, 3, new float[] {1, 2, 3})), 0.95));
        assertEquals("training inputs have 3 values per example, decodings 2", e.getMessage());
    }

    @Test
    void aRunWithoutAModelIsRefused() {
        LatentLabException e = assertThrows(LatentLabException.class, () -> new MemorizationMetric().compute(
                Fixtures.context(Optional.empty(), Tensor.matrix(1, 2, new float[2]), List.of(), List.of(), new int[0],
                        Optional.empty()), Parameters.EMPTY));
        assertEquals("memorization needs a model", e.getMessage());
    }
}
