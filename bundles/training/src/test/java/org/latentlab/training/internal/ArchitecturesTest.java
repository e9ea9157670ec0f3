package org.latentlab.training.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.latentlab.api.LatentLabException;
import org.latentlab.layerstack.Layer;

/** The memory check before training counts one gradient per part of the batch. */
class ArchitecturesTest {

    @Test
    void trainingCountsWeightsMomentsAndOneGradientPerPart() {
        assertEquals(16_000, Architectures.bytesToTrain(1000, 1));
        assertEquals(20_000, Architectures.bytesToTrain(1000, 2));
        assertEquals(16_000, Architectures.bytesToTrain(1000, 0)); // at least one part
        assertEquals(Long.MAX_VALUE, Architectures.bytesToTrain(Long.MAX_VALUE / 4, 2)); // saturates, never wraps
    }

    @Test
    void aNetworkThatFitsInOnePartButNotInTwoIsRefusedWithTwo() {
        // 100 -> 10 -> 100: 100·10 + 10 + 10·100 + 100 = 2,110 parameters; 33,760 bytes in one part, 42,200 in two
        List<Layer> encoder = List.of(Layer.linear(100, 10));
        List<Layer> decoder = List.of(Layer.linear(10, 100));
        long have = 40_000;
        assertDoesNotThrow(() -> Architectures.requireFits(encoder, decoder, 1, have, Long.MAX_VALUE));
        LatentLabException e = assertThrows(LatentLabException.class,
                () -> Architectures.requireFits(encoder, decoder, 2, have, Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("2,110 parameters") && e.getMessage().contains("2 gradient parts"), e.getMessage());
    }
}
