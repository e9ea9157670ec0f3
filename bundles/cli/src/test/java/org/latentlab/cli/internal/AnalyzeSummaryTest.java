package org.latentlab.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class AnalyzeSummaryTest {

    @Test
    void aRunWhereEverySeedDivergedSaysSo() {
        // a decoder that returns NaN: 1000 of 1000 seeds diverge, no fixed point; the summary must not look like an empty find
        assertEquals("Note: every trajectory diverged (a NaN or infinite value, or a norm above divergenceNorm=1000000.0): "
                + "check the model, e.g. 'latentlab field --model DIR --points SEEDS.npy' shows f(z) - z at the seeds",
                AnalyzeCommand.note(1000, 0, 1000, 1e6));
        assertEquals("Note: every trajectory diverged (a NaN or infinite value): check the model, e.g. 'latentlab field "
                + "--model DIR --points SEEDS.npy' shows f(z) - z at the seeds", AnalyzeCommand.note(5, 0, 5, Double.NaN));
    }

    @Test
    void otherwiseNoNote() {
        assertNull(AnalyzeCommand.note(1000, 1, 999, 1e6));
        assertNull(AnalyzeCommand.note(1000, 0, 998, 1e6), "some seeds ran out of steps: not all diverged");
        assertNull(AnalyzeCommand.note(0, 0, 0, 1e6));
    }
}
