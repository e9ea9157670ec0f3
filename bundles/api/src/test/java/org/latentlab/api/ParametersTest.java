package org.latentlab.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParametersTest {

    static final List<ParameterSpec> SPECS = List.of(ParameterSpec.real("tolerance", 1e-6, 0, 1, "t"),
            ParameterSpec.integer("maxSteps", 3000, 1, 100000, "m"), ParameterSpec.bool("record", false, "r"),
            ParameterSpec.text("name", "x", "n"));

    @Test
    void defaultsAreFilledAndValuesTyped() {
        Parameters p = Parameters.resolve("strategy 's'", SPECS, Map.of("maxSteps", "500", "record", "TRUE"));
        assertEquals(1e-6, p.getDouble("tolerance", 0));
        assertEquals(500, p.getInt("maxSteps", 0));
        assertEquals(true, p.getBoolean("record", false));
        assertEquals("x", p.getString("name", null));
        assertEquals(List.of("tolerance", "maxSteps", "record", "name"), List.copyOf(p.values().keySet()), "spec order kept");
    }

    @Test
    void badValuesAreRejectedWithTheParameterNamed() {
        LatentLabException unknown = assertThrows(LatentLabException.class,
                () -> Parameters.resolve("strategy 's'", SPECS, Map.of("tolerence", "1")));
        assertTrue(unknown.getMessage().contains("strategy 's' has no parameter 'tolerence'"), unknown.getMessage());
        assertTrue(assertThrows(LatentLabException.class, () -> Parameters.resolve("s", SPECS, Map.of("maxSteps", "0")))
                .getMessage().contains("'maxSteps' = 0 is out of range [1, 100000]"));
        assertTrue(assertThrows(LatentLabException.class, () -> Parameters.resolve("s", SPECS, Map.of("tolerance", "abc")))
                .getMessage().contains("not a valid double"));
        assertTrue(assertThrows(LatentLabException.class, () -> Parameters.resolve("s", SPECS, Map.of("tolerance", "NaN")))
                .getMessage().contains("out of range"));
        assertTrue(assertThrows(LatentLabException.class, () -> Parameters.resolve("s", SPECS, Map.of("record", "yes")))
                .getMessage().contains("not a valid boolean"));
    }

    @Test
    void tensorsCheckTheirShape() {
        Tensor t = Tensor.ofRows(new float[][] {{1, 2}, {3, 4}, {5, 6}});
        assertEquals(2, t.width());
        assertEquals(List.of(3f, 4f), List.of(t.row(1)[0], t.row(1)[1]));
        assertEquals(1, t.slice(1, 2).rows());
        assertThrows(IllegalArgumentException.class, () -> new Tensor(new int[] {2, 3}, new float[5]));
        assertEquals(-1, t.firstNonFinite());
        assertEquals(1, Tensor.matrix(1, 2, new float[] {0, Float.NaN}).firstNonFinite());
    }
}
