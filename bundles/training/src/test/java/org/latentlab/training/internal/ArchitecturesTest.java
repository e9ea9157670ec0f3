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

    /** The parts counted: the written-out step's split for an MLP where oneDNN is asked for, else autograd's one. */
    @Test
    void thePartsCountedAreThoseTheStepWouldUse() {
        org.latentlab.api.training.TrainingConfig c = org.latentlab.api.training.TrainingConfig.defaults();
        int[] mnist = {784};
        List<Layer> enc = Architectures.encoder(c, mnist);
        List<Layer> dec = Architectures.decoder(c, mnist);
        org.latentlab.api.training.TrainingConfig conv = new org.latentlab.api.training.TrainingConfig("conv", c.latentDim(),
                new int[] {8, 16}, c.activation(), c.init(), 0, 0, 0, 16, 1, 128, 1e-3, 0);
        int[] image = {1, 28, 28};
        int cores = Runtime.getRuntime().availableProcessors();
        String before = System.getProperty(MlpStep.PROPERTY);
        String workers = System.getProperty(MlpStep.WORKERS);
        try {
            System.setProperty(MlpStep.PROPERTY, "off");
            assertEquals(1, MlpStep.gradientParts(enc, dec, 128), "autograd: one gradient");
            System.setProperty(MlpStep.PROPERTY, "on");
            assertEquals(Math.min(cores, 128 / MlpStep.MIN_ROWS), MlpStep.gradientParts(enc, dec, 128));
            assertEquals(1, MlpStep.gradientParts(enc, dec, MlpStep.MIN_ROWS + 1), "a batch too small to split");
            assertEquals(1, MlpStep.gradientParts(Architectures.encoder(conv, image), Architectures.decoder(conv, image), 128),
                    "not an MLP: autograd");
            System.setProperty(MlpStep.WORKERS, "1");
            assertEquals(1, MlpStep.gradientParts(enc, dec, 128), "one row worker");
        } finally {
            MlpStepTest.restore(MlpStep.PROPERTY, before);
            MlpStepTest.restore(MlpStep.WORKERS, workers);
        }
    }
}
