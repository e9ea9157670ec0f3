package org.latentlab.api.metric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.latentlab.api.result.FieldValue;
import org.junit.jupiter.api.Test;

class MetricResultTest {

    record Picture(String what) {}

    @Test
    void builderKeepsFieldOrderAndArtifactsAreFoundByType() {
        MetricResult r = MetricResult.builder().put("b", 2).put("a", 1.5).put("note", "x").put("ok", true)
                .attractor(1, "mem", FieldValue.of(0.9)).attractor(0, "mem", FieldValue.of(0.8))
                .artifact("not a picture").artifact(new Picture("field")).build();
        assertEquals(List.of("b", "a", "note", "ok"), List.copyOf(r.summary().keySet()));
        assertEquals(List.of(1, 0), List.copyOf(r.perAttractor().keySet()));
        assertEquals(Optional.of(new Picture("field")), r.artifact(Picture.class));
        assertEquals(Optional.empty(), r.artifact(Integer.class));
        assertThrows(UnsupportedOperationException.class, () -> r.summary().put("c", FieldValue.of(3)));
        assertThrows(UnsupportedOperationException.class, () -> r.perAttractor().get(1).put("c", FieldValue.of(3)));
    }

    @Test
    void summariesPrintAndConvertAsPlainValues() {
        MetricResult r = MetricResult.builder().put("count", 4).put("mean", 2.5).put("bounds", FieldValue.of(0, 1))
                .put("labels", FieldValue.ofInts(3, -1)).put("points", FieldValue.points(new double[][] {{1, 2}})).build();
        assertEquals("{count=4, mean=2.5, bounds=[0.0, 1.0], labels=[3, -1], points=[[1.0, 2.0]]}", r.summary().toString());
        Map<String, Object> plain = r.plainSummary();
        assertEquals(4L, plain.get("count"));
        assertEquals(2.5, plain.get("mean"));
        assertArrayEquals(new double[] {0, 1}, (double[]) plain.get("bounds"));
        assertTrue(plain.get("points") instanceof List<?> l && l.get(0) instanceof double[]);
    }

    @Test
    void valuesAreImmutableAndImagesMatchTheirShape() {
        double[] v = {1, 2};
        FieldValue.Reals reals = FieldValue.of(v);
        v[0] = 9;
        reals.values()[1] = 9;
        assertEquals(FieldValue.of(1, 2), reals);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FieldValue.Image(new int[] {2, 2}, new float[3]));
        assertEquals("an image of shape [2, 2] needs 4 values, got 3", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MetricResult.ofSummary(java.util.Collections.singletonMap("x", null)));
    }
}
