package org.latentlab.experiments.sweep.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.sweep.SweepCell;

class SweepSpecTest {

    static final String GRID = """
            {"dataset": "mnist", "training": {"steps": 100},
             "axes": {"trainingSize": [16, 128, 1024], "weightDecay": [0, 1e-4], "augmentation": ["none", "shift:2"]}}""";

    @Test
    void theGridIsTheProductRowMajorInSpecOrder() {
        SweepSpec s = SweepSpec.parse(GRID, "g");
        List<SweepCell> cells = s.cells();
        assertEquals(12, cells.size());
        assertEquals(Map.of("trainingSize", "16", "weightDecay", "0", "augmentation", "none"), cells.get(0).axes());
        assertEquals(Map.of("trainingSize", "16", "weightDecay", "0", "augmentation", "shift:2"), cells.get(1).axes());
        assertEquals(Map.of("trainingSize", "16", "weightDecay", "0.0001", "augmentation", "none"), cells.get(2).axes());
        assertEquals(Map.of("trainingSize", "1024", "weightDecay", "0.0001", "augmentation", "shift:2"), cells.get(11).axes());
        SweepCell last = cells.get(11);
        assertEquals("c011", last.id());
        assertEquals(1024, last.training().trainSize());
        assertEquals(1e-4, last.training().weightDecay());
        assertEquals(2, last.training().shift());
        assertEquals(100, last.training().steps());
        // the defaults of docs/sweeps.md
        assertEquals("mlp", last.training().architecture());
        assertEquals(32, last.training().latentDim());
        assertEquals(List.of(512, 256), java.util.Arrays.stream(last.training().hidden()).boxed().toList());
        assertEquals(128, last.training().batchSize());
        assertEquals(1.0, last.training().initScale());
        assertEquals(1000, last.analysis().noiseSeeds());
        assertEquals("picard", last.analysis().strategy());
        assertEquals(List.of("16", "128", "1024"), s.axisValues().get("trainingSize"));
        assertEquals(1024, s.maxTrainingSize());
    }

    @Test
    void noAxesIsOneCellAndSeedsAreAnAxisLikeAnyOther() {
        assertEquals(1, SweepSpec.parse("{\"dataset\": \"mnist\"}", "x").cells().size());
        List<SweepCell> cells = SweepSpec.parse("{\"dataset\": \"mnist\", \"axes\": {\"seed\": [0, 1, 2]}}", "x").cells();
        assertEquals(List.of(0L, 1L, 2L), cells.stream().map(c -> c.training().seed()).toList());
    }

    @Test
    void hashesDifferExactlyWhenTheCellsRecipeDiffers() {
        SweepCell a = SweepSpec.parse(GRID, "g").cells().get(3);
        SweepCell same = SweepSpec.parse(GRID.replace("\"g\"", "\"h\""), "other name").cells().get(3);
        SweepCell otherSteps = SweepSpec.parse(GRID.replace("\"steps\": 100", "\"steps\": 101"), "g").cells().get(3);
        SweepCell otherNoise = SweepSpec.parse(GRID.replace("{\"steps\": 100}", "{\"steps\": 100}, \"analysis\": {\"noiseSeeds\": 7}"),
                "g").cells().get(3);
        assertEquals(a.specHash(), same.specHash());
        assertNotEquals(a.specHash(), otherSteps.specHash());
        assertNotEquals(a.specHash(), otherNoise.specHash());
    }

    @Test
    void augmentationsCombine() {
        SweepSpec.Augmentation a = SweepSpec.Augmentation.parse("noise:0.1+shift:2+mask:0.25", "x");
        assertEquals(new SweepSpec.Augmentation(0.1, 0.25, 2), a);
        assertEquals(new SweepSpec.Augmentation(0, 0, 0), SweepSpec.Augmentation.parse("none", "x"));
    }

    @Test
    void checkpointsAtOrBeyondTheEndAreHandled() {
        SweepCell c = SweepSpec.parse("{\"dataset\": \"mnist\", \"training\": {\"steps\": 500}, \"checkpoints\": [10, 100, 500]}", "x")
                .cells().get(0);
        assertEquals(List.of(10, 100), c.checkpoints()); // 500 is the final model, measured anyway
        refused("{\"dataset\": \"mnist\", \"training\": {\"steps\": 500}, \"checkpoints\": [10, 501]}", "step 501 is beyond the 500 steps");
        refused("{\"dataset\": \"mnist\", \"checkpoints\": [100, 10]}", "checkpoints[1] 10");
    }

    @Test
    void epochsInsteadOfSteps() {
        SweepCell c = SweepSpec.parse("{\"dataset\": \"mnist\", \"training\": {\"epochs\": 3, \"trainingSize\": 256, \"batch\": 100}}", "x")
                .cells().get(0);
        assertEquals(0, c.training().steps());
        assertEquals(3, c.training().epochs());
        assertEquals(9, c.training().totalSteps());
        refused("{\"dataset\": \"mnist\", \"training\": {\"epochs\": 3, \"steps\": 4}}", "'steps' or 'epochs', not both");
    }

    @Test
    void badSpecsAreRefusedNamingTheKey() {
        refused("{\"dataset\": \"mnist\", \"axes\": {\"trainingSizes\": [1]}}", "axes.trainingSizes: unknown axis");
        refused("{\"dataset\": \"mnist\", \"trainingSize\": [16]}", "trainingSize: unknown key");
        refused("{\"dataset\": \"mnist\", \"training\": {\"lr\": 1}}", "training.lr: unknown key");
        refused("{\"dataset\": \"mnist\", \"analysis\": {\"noise\": 1}}", "analysis.noise: unknown key");
        refused("{\"dataset\": \"mnist\", \"axes\": {\"trainingSize\": [16, 0]}}", "axes.trainingSize[1] 0: must be a whole number >= 1");
        refused("{\"dataset\": \"mnist\", \"axes\": {\"trainingSize\": [16.5]}}", "axes.trainingSize[0] 16.5");
        refused("{\"dataset\": \"mnist\", \"axes\": {\"trainingSize\": []}}", "axes.trainingSize: must be a non-empty list");
        refused("{\"dataset\": \"mnist\", \"axes\": {\"weightDecay\": [-1]}}", "axes.weightDecay[0] -1: must be a finite number >= 0");
        refused("{\"dataset\": \"mnist\", \"axes\": {\"initScale\": [0]}}", "axes.initScale[0] 0: must be a finite number > 0");
        refused("{\"dataset\": \"mnist\", \"axes\": {\"augmentation\": [\"blur:2\"]}}", "unknown augmentation 'blur:2'");
        refused("{\"dataset\": \"mnist\", \"axes\": {\"augmentation\": [\"noise:x\"]}}", "needs a number");
        refused("{\"dataset\": \"mnist\", \"axes\": {\"hidden\": [[512, 0]]}}", "every width must be a whole number >= 1");
        refused("{\"dataset\": \"mnist\", \"architecture\": {\"type\": \"rnn\"}}", "architecture.type 'rnn' is unknown");
        refused("{\"dataset\": \"mnist\", \"architecture\": {\"activation\": \"swish\"}}", "activation 'swish' is unknown");
        refused("{\"dataset\": \"mnist\", \"analysis\": {\"noiseSigma\": 0}}", "analysis.noiseSigma 0");
        refused("{\"dataset\": \"mnist\", \"parallel\": 0}", "parallel 0");
        refused("{\"dataset\": \"mnist\", \"galleries\": [\"c007\"]}", "galleries: no cell 'c007'");
        refused("{\"axes\": {}}", "'dataset' is required");
        refused("[1, 2]", "must be a JSON object");
        refused("{\"dataset\": \"mnist\",", "not valid JSON");
    }

    @Test
    void builtInStudiesParseAndAreNamed() {
        for (String s : Studies.NAMES) {
            SweepSpec spec = Studies.resolve(s);
            assertEquals(s, spec.name());
            assertTrue(spec.cells().size() >= 1, s);
        }
        assertEquals(List.of("16", "128", "1024", "8192"), Studies.resolve("memorization").axisValues().get("trainingSize"));
        assertEquals(12, Studies.resolve("contraction").cells().size());
        assertEquals(List.of(10, 30, 100, 300, 1000), Studies.resolve("training-dynamics").cells().get(0).checkpoints());
        LatentLabException e = assertThrows(LatentLabException.class, () -> Studies.resolve("memorisation"));
        assertTrue(e.getMessage().contains("neither a built-in study (memorization, contraction, training-dynamics)"), e.getMessage());
    }

    private static void refused(String json, String fragment) {
        LatentLabException e = assertThrows(LatentLabException.class, () -> SweepSpec.parse(json, "x"));
        assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should contain '" + fragment + "'");
    }
}
