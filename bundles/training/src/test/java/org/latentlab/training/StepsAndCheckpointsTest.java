package org.latentlab.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.training.AutoencoderTraining.Checkpoint;
import org.latentlab.api.training.AutoencoderTraining.Checkpoints;
import org.latentlab.api.training.AutoencoderTraining.Progress;
import org.latentlab.api.training.TrainingConfig;
import org.latentlab.api.training.TrainingResult;
import org.latentlab.io.OutputFolder;
import org.latentlab.training.internal.DjlAutoencoderTraining;

/**
 * Step counts, checkpoints, init scale and shift in real training on libtorch. The data has 90 examples in batches
 * of 16: six steps per pass, the sixth with 10 examples.
 */
class StepsAndCheckpointsTest {

    @TempDir
    static Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void offlineEngine() {
        TrainingTest.offlineEngine();
    }

    /** Every augmentation on, init scaled: 3 epochs of 6 steps = 18 steps. */
    private static TrainingConfig config() {
        return new TrainingConfig("mlp", 3, new int[] {16}, "relu", "kaiming-uniform", 1e-5, 0.05, 0.1, 90, 3, 16, 1e-2, 5)
                .with(0.5, 1, 0);
    }

    /** Examples in step t (1-based) of a pass. */
    private static int batchOf(long t) {
        return (t - 1) % 6 == 5 ? 10 : 16;
    }

    @Test
    void aCheckpointAtStepSIsBitForBitTheModelOfATrainingOfSSteps() throws Exception {
        DjlAutoencoderTraining t = new DjlAutoencoderTraining();
        assertEquals(18, config().totalSteps());
        List<Progress> progress = new ArrayList<>();
        List<Checkpoint> written = new ArrayList<>();
        Checkpoints checkpoints = new Checkpoints(List.of(4, 6, 9, 18), s -> dir.resolve("ck/step-" + s), written::add);
        TrainingResult full = t.train(TrainingTest.data(), config(), "full", dir.resolve("full"), progress::add, checkpoints);

        assertEquals(List.of(4, 6, 9, 18), written.stream().map(Checkpoint::step).toList());
        int previous = 0;
        for (Checkpoint c : written) {
            assertEquals(dir.resolve("ck/step-" + c.step()).toAbsolutePath().normalize(), c.modelFolder());
            assertEquals("model", OutputFolder.marker(c.modelFolder()).orElseThrow().kind(), "a published model folder");
            double sum = 0;
            int examples = 0;
            for (int s = previous + 1; s <= c.step(); s++) {
                sum += progress.get(s - 1).loss() * batchOf(s);
                examples += batchOf(s);
            }
            assertEquals(sum / examples, c.loss(), 1e-12, "mean loss of steps " + (previous + 1) + ".." + c.step());
            previous = c.step();
        }

        for (int s : List.of(4, 9)) { // 9: in the middle of the second pass
            List<Progress> p = new ArrayList<>();
            TrainingResult alone = t.train(TrainingTest.data(), config().with(0.5, 1, s), "alone", dir.resolve("alone-" + s), p::add);
            assertEquals(s, p.size());
            Path ck = dir.resolve("ck/step-" + s);
            assertSameWeights(alone.modelFolder(), ck);
            JsonNode training = JSON.readTree(ck.resolve("training.json").toFile());
            assertEquals(s, training.get("step").asInt());
            List<Double> ckLosses = new ArrayList<>();
            training.get("epochLosses").forEach(v -> ckLosses.add(v.asDouble()));
            assertEquals(alone.epochLosses(), ckLosses, "the checkpoint reports the passes a training of " + s + " steps reports");
            assertEquals(s, JSON.readTree(alone.modelFolder().resolve("training.json").toFile()).get("step").asInt());
        }
        assertSameWeights(full.modelFolder(), dir.resolve("ck/step-18"));
        assertEquals(18, JSON.readTree(full.modelFolder().resolve("training.json").toFile()).get("step").asInt());
        assertFalse(Arrays.equals(Files.readAllBytes(dir.resolve("ck/step-4/encoder.1.weight.npy")),
                Files.readAllBytes(dir.resolve("ck/step-9/encoder.1.weight.npy"))), "checkpoints hold different models");
        assertTrue(Files.readString(dir.resolve("ck/step-6/model.json")).contains("\"latentDim\" : 3"));
    }

    private static void assertSameWeights(Path a, Path b) throws Exception {
        List<String> names = npyFiles(a);
        assertEquals(8, names.size(), "weight and bias of 4 linear layers: " + names);
        assertEquals(names, npyFiles(b));
        for (String n : names) {
            assertArrayEquals(Files.readAllBytes(a.resolve(n)), Files.readAllBytes(b.resolve(n)), n + " of " + a + " and " + b);
        }
    }

    private static List<String> npyFiles(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".npy")).sorted().toList();
        }
    }

    @Test
    void stepsTrainExactlyThatManyStepsAndTheLastPassMayBePartial() {
        List<Progress> progress = new ArrayList<>();
        TrainingResult r = new DjlAutoencoderTraining().train(TrainingTest.data(), config().with(1, 0, 14), "m",
                dir.resolve("fourteen"), progress::add);
        assertEquals(14, progress.size(), "one progress report per step");
        assertEquals(List.of(1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3), progress.stream().map(Progress::epoch).toList(),
                "epoch = pass number");
        assertTrue(progress.stream().allMatch(p -> p.epochs() == 3), "three passes");
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6, 1, 2), progress.stream().map(Progress::step).toList());
        assertEquals(List.of(6, 2), List.of(progress.get(0).steps(), progress.get(13).steps()), "the last pass has 2 steps");
        assertEquals(3, r.epochLosses().size(), "one mean per pass, the partial one too");
        assertEquals((progress.get(12).loss() * 16 + progress.get(13).loss() * 16) / 32, r.epochLosses().get(2), 1e-12);
    }

    @Test
    void theNewSettingsAtTheirDefaultsTrainAsBeforeAndStepsCoveringTheEpochsAreTheEpochs() throws Exception {
        DjlAutoencoderTraining t = new DjlAutoencoderTraining();
        TrainingConfig old = new TrainingConfig("mlp", 3, new int[] {16}, "relu", "xavier-normal", 1e-5, 0.05, 0.1, 90, 2, 16,
                1e-2, 9);
        TrainingResult a = t.train(TrainingTest.data(), old, "m", dir.resolve("old"), p -> {});
        TrainingResult b = t.train(TrainingTest.data(), old.with(1.0, 0, 0), "m", dir.resolve("explicit"), p -> {});
        TrainingResult c = t.train(TrainingTest.data(), old.with(1.0, 0, 12), "m", dir.resolve("twelve"), p -> {});
        assertSameWeights(a.modelFolder(), b.modelFolder());
        assertSameWeights(a.modelFolder(), c.modelFolder());
        assertEquals(a.epochLosses(), c.epochLosses());
        TrainingResult shifted = t.train(TrainingTest.data(), old.with(1.0, 1, 0), "m", dir.resolve("shifted"), p -> {});
        TrainingResult scaled = t.train(TrainingTest.data(), old.with(2.0, 0, 0), "m", dir.resolve("scaled"), p -> {});
        assertFalse(a.epochLosses().equals(shifted.epochLosses()), "a shift changes training");
        assertFalse(a.epochLosses().equals(scaled.epochLosses()), "an init scale changes training");
    }

    @Test
    void checkpointsBeyondTheLastStepAndBadFoldersAreRefusedBeforeTraining() throws Exception {
        DjlAutoencoderTraining t = new DjlAutoencoderTraining();
        List<Progress> progress = new ArrayList<>();
        Checkpoints beyond = new Checkpoints(List.of(5, 19), s -> dir.resolve("never/step-" + s), c -> {});
        assertMessage(() -> t.train(TrainingTest.data(), config(), "m", dir.resolve("never-out"), progress::add, beyond),
                "checkpoint at step 19 is beyond the last step of this training (18 steps): list checkpoint steps from 1 to 18");
        Checkpoints beyondSteps = new Checkpoints(List.of(8), s -> dir.resolve("never/step-" + s), c -> {});
        assertMessage(() -> t.train(TrainingTest.data(), config().with(1, 0, 7), "m", dir.resolve("never-out"), progress::add,
                beyondSteps), "checkpoint at step 8 is beyond the last step of this training (7 steps)");

        Path foreign = Files.createDirectories(dir.resolve("foreign"));
        Files.writeString(foreign.resolve("thesis.tex"), "x");
        Checkpoints intoForeign = new Checkpoints(List.of(2), s -> foreign, c -> {});
        assertMessage(() -> t.train(TrainingTest.data(), config(), "m", dir.resolve("never-out"), progress::add, intoForeign),
                foreign + " is not empty and was not written by LatentLab");
        assertEquals(List.of(), progress, "no step was trained");
        assertTrue(Files.notExists(dir.resolve("never")) && Files.notExists(dir.resolve("never-out")));
        try (Stream<Path> s = Files.list(foreign)) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void badInitScaleShiftAndStepsAreRefusedByName() {
        DjlAutoencoderTraining t = new DjlAutoencoderTraining();
        Path out = dir.resolve("bad");
        assertMessage(() -> t.train(TrainingTest.data(), config().with(1, 0, -1), "m", out, p -> {}),
                "--steps -1: must be a whole number >= 0 (0 = by --epochs)");
        assertMessage(() -> t.train(TrainingTest.data(), config().with(0, 0, 0), "m", out, p -> {}),
                "--init-scale 0.0: must be a finite number > 0");
        assertMessage(() -> t.train(TrainingTest.data(), config().with(Double.NaN, 0, 0), "m", out, p -> {}),
                "--init-scale NaN: must be a finite number > 0");
        assertMessage(() -> t.train(TrainingTest.data(), config().with(1, -1, 0), "m", out, p -> {}),
                "--shift -1: must be a whole number >= 0");
        Tensor flat = new Tensor(new int[] {96, 64}, TrainingTest.data().data());
        assertMessage(() -> t.train(flat, config().with(1, 2, 0), "m", out, p -> {}),
                "--shift 2: shift augmentation needs image inputs [channels, height, width] or [height, width], these are [64]");
        assertMessage(() -> t.train(TrainingTest.data(), config().with(1, 8, 0), "m", out, p -> {}),
                "--shift 8: must be less than the image's height and width (8x8)");
        assertTrue(Files.notExists(out));
    }

    @Test
    void twoDimensionalImagesCanBeShifted() throws Exception {
        Tensor plane = new Tensor(new int[] {96, 8, 8}, TrainingTest.data().data());
        List<Progress> progress = new ArrayList<>();
        TrainingResult r = new DjlAutoencoderTraining().train(plane, config().with(1, 2, 3), "plane", dir.resolve("plane"),
                progress::add);
        assertEquals(3, progress.size());
        assertEquals("[8,8]", JSON.readTree(r.modelFolder().resolve("model.json").toFile()).get("inputShape").toString());
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String words) {
        LatentLabException x = assertThrows(LatentLabException.class, e);
        assertTrue(x.getMessage().contains(words), x.getMessage());
    }
}
