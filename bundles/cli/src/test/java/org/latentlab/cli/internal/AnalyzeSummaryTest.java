package org.latentlab.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.result.SeedSummary;

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

    static AnalysisResult result(boolean mixed, long low, String iteratedOn) {
        Parameters p = new Parameters(Map.of("mixedPrecision", mixed));
        return new AnalysisResult(null, "noise", Tensor.matrix(1, 2, new float[2]), "anderson", p, "cosine", Parameters.EMPTY,
                List.of(), List.of(), new int[0], Map.of(), 10, new SeedSummary(100, 100, 0, 4321), null, iteratedOn, low);
    }

    @Test
    void aMixedPrecisionRunSaysWhichMapTookWhat() {
        assertEquals("Mixed precision: 29675 evaluations of the model's bfloat16 version, then 4321 of the model itself "
                + "(float32; every end point is a fixed point of the model by the stopping rule)",
                AnalyzeCommand.precision(result(true, 29675, null)));
        String none = AnalyzeCommand.precision(result(true, 0, null));
        assertTrue(none.startsWith("Note: mixedPrecision=true, but the model has no bfloat16 version here"), none);
        assertTrue(none.endsWith("the run was float32 only"), none);
        assertNull(AnalyzeCommand.precision(result(false, 0, null)), "not asked for");
        assertNull(AnalyzeCommand.precision(result(true, 0, "Spark, master local[2], 2 parts")), "counted where it ran");
    }
}
