package org.latentlab.api.attractor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latentlab.api.result.FieldValue;
import org.junit.jupiter.api.Test;

class AttractorTest {

    static Attractor attractor(float[] latent, double[] re, Map<String, FieldValue> fields) {
        return new Attractor(0, latent, 5, 0.5, 0.6, true, FixedPointKind.ATTRACTOR, 3, 2, re, new double[re.length],
                "autodiff", fields);
    }

    @Test
    void arraysAndFieldsAreCopiedInAndOut() {
        float[] latent = {1, 2};
        double[] re = {0.5, 0.25};
        Map<String, FieldValue> fields = new LinkedHashMap<>(Map.of("mem", FieldValue.of(0.9)));
        Attractor a = attractor(latent, re, fields);
        latent[0] = 99;
        re[0] = 99;
        fields.put("late", FieldValue.of(1));
        a.latent()[1] = 99;
        a.eigenvaluesReal()[1] = 99;
        assertArrayEquals(new float[] {1, 2}, a.latent());
        assertArrayEquals(new double[] {0.5, 0.25}, a.eigenvaluesReal());
        assertEquals(Map.of("mem", FieldValue.of(0.9)), a.fields());
        assertThrows(UnsupportedOperationException.class, () -> a.fields().put("x", FieldValue.of(1)));
    }

    @Test
    void withFieldsBuildsANewAttractorWithTheFieldsAddedInOrder() {
        Map<String, FieldValue> first = new LinkedHashMap<>();
        first.put("decoded", FieldValue.of(1));
        first.put("memorization", FieldValue.of(0.5));
        Attractor a = attractor(new float[] {1}, new double[] {0.5}, first);
        Map<String, FieldValue> more = new LinkedHashMap<>();
        more.put("meanPathLength", FieldValue.of(2.5));
        more.put("decoded", FieldValue.of(2));
        Attractor b = a.withFields(more);
        assertEquals(List.of("decoded", "memorization", "meanPathLength"), List.copyOf(b.fields().keySet()),
                "a field given again keeps its place");
        assertEquals(FieldValue.of(2), b.fields().get("decoded"));
        assertEquals(FieldValue.of(1), a.fields().get("decoded"), "the original is unchanged");
        assertEquals(a.withFields(Map.of()), a, "equal by value");
    }

    @Test
    void eigenvaluesComeInPairsAndFieldsNeedValues() {
        assertThrows(IllegalArgumentException.class, () -> new Attractor(0, new float[] {1}, 1, 0, 0, true,
                FixedPointKind.ATTRACTOR, 0, 0, new double[2], new double[1], "autodiff", Map.of()));
        Map<String, FieldValue> withNull = new LinkedHashMap<>();
        withNull.put("x", null);
        assertThrows(IllegalArgumentException.class, () -> attractor(new float[] {1}, new double[0], withNull));
        Attractor plain = new Attractor(3, new float[] {1}, 1, 0, 0, true, FixedPointKind.ATTRACTOR, 0, 0);
        assertEquals(0, plain.eigenvaluesReal().length);
        assertEquals(null, plain.jacobian(), "no Jacobian computed");
    }
}
