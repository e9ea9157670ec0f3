package org.latentlab.experiments.dictionary.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.latentlab.api.LatentLabException;

class SparsitiesTest {

    @Test
    void levelsAreDistinctAndAscending() {
        assertEquals(List.of(1, 2, 4, 8, 16), Sparsities.parse(Sparsities.DEFAULT));
        assertEquals(List.of(2, 3, 5), Sparsities.parse(" 5, 3,,2,3 "));
    }

    @Test
    void badLevelsAreNamed() {
        assertEquals("sparsity 0 is out of range [1, 100000]; give a list like 1,2,4,8,16",
                assertThrows(LatentLabException.class, () -> Sparsities.parse("1,0")).getMessage());
        assertEquals("sparsity 'x' is not a whole number; give a list like 1,2,4,8,16",
                assertThrows(LatentLabException.class, () -> Sparsities.parse("1,x")).getMessage());
        assertThrows(LatentLabException.class, () -> Sparsities.parse(" , "));
    }
}
