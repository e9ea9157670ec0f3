package org.latentlab.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.training.AutoencoderTraining;
import org.latentlab.api.training.TrainingConfig;
import org.latentlab.api.training.TrainingResult;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.backend.djl.internal.LayersBackend;
import org.latentlab.training.internal.DjlAutoencoderTraining;

/** Real training on libtorch, on small data: seconds, not minutes. */
class TrainingTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void offlineEngine() {
        System.setProperty("ai.djl.offline", "true");
        String cache = Path.of(System.getProperty("java.io.tmpdir"), "latentlab-test-djl").toString();
        System.setProperty("DJL_CACHE_DIR", cache);
        System.setProperty("ENGINE_CACHE_DIR", cache);
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
    }

    /** 96 noisy copies of 3 binary 1x8x8 patterns. */
    static Tensor data() {
        Random r = new Random(3);
        float[][] protos = new float[3][64];
        for (float[] p : protos) {
            for (int j = 0; j < 64; j++) {
                p[j] = r.nextBoolean() ? 1 : 0;
            }
        }
        float[] x = new float[96 * 64];
        for (int i = 0; i < 96; i++) {
            for (int j = 0; j < 64; j++) {
                x[i * 64 + j] = (float) Math.min(1, Math.max(0, protos[i % 3][j] + 0.1 * r.nextGaussian()));
            }
        }
        return new Tensor(new int[] {96, 1, 8, 8}, x);
    }

    static TrainingConfig config(String arch, long seed) {
        return new TrainingConfig(arch, 3, arch.equals("mlp") ? new int[] {32} : new int[] {4, 8}, "relu", "kaiming-uniform",
                1e-5, 0.05, 0.1, 96, 25, 16, 1e-2, seed);
    }

    @Test
    void mlpTrainingLowersTheLossIsDeterministicAndSavesALoadableModel() throws Exception {
        DjlAutoencoderTraining t = new DjlAutoencoderTraining();
        List<AutoencoderTraining.Progress> steps = new ArrayList<>();
        TrainingResult a = t.train(data(), config("mlp", 7), "tiny", dir.resolve("a"), steps::add);
        TrainingResult b = t.train(data(), config("mlp", 7), "tiny", dir.resolve("b"), p -> {});
        TrainingResult c = t.train(data(), config("mlp", 8), "tiny", dir.resolve("c"), p -> {});
        List<Double> l = a.epochLosses();
        assertEquals(25, l.size());
        assertTrue(l.get(24) < 0.5 * l.get(0), "loss fell from " + l.get(0) + " to " + l.get(24));
        assertEquals(25 * 6, steps.size(), "one progress report per step");
        assertEquals(a.epochLosses(), b.epochLosses(), "same seed, same run");
        assertArrayEquals(Files.readAllBytes(a.modelFolder().resolve("encoder.0.weight.npy").getParent().resolve("encoder.1.weight.npy")),
                Files.readAllBytes(b.modelFolder().resolve("encoder.1.weight.npy")), "same seed, same weights");
        assertTrue(!a.epochLosses().equals(c.epochLosses()), "another seed, another run");

        ModelSpec spec = new ModelSpec(a.modelFolder(), "tiny", new int[] {1, 8, 8}, 3, "encoder.layers.json",
                "decoder.layers.json", null);
        try (LatentModel m = new LayersBackend().load(spec)) {
            Tensor x = data().slice(0, 6);
            Tensor rec = m.decode(m.encode(x));
            assertArrayEquals(new int[] {6, 1, 8, 8}, rec.shape());
            double mse = 0;
            for (int i = 0; i < rec.data().length; i++) {
                mse += Math.pow(rec.data()[i] - x.data()[i], 2);
            }
            assertTrue(mse / rec.data().length < l.get(0), "the saved model reconstructs");

            // autograd Jacobian of E(D(z)) against central differences
            Tensor z = m.encode(x.slice(0, 2));
            float[] jac = m.latentJacobian(z).orElseThrow().data();
            double h = 1e-2;
            for (int a2 = 0; a2 < 2; a2++) {
                for (int j = 0; j < 3; j++) {
                    float[] plus = z.row(a2);
                    float[] minus = z.row(a2);
                    plus[j] += h;
                    minus[j] -= h;
                    float[] fp = m.encode(m.decode(Tensor.matrix(1, 3, plus))).data();
                    float[] fm = m.encode(m.decode(Tensor.matrix(1, 3, minus))).data();
                    for (int i = 0; i < 3; i++) {
                        double fd = (fp[i] - fm[i]) / (2 * h);
                        assertEquals(fd, jac[(a2 * 3 + i) * 3 + j], 2e-2 * Math.max(1, Math.abs(fd)), "J[" + i + "][" + j + "]");
                    }
                }
            }
        }
        String modelJson = Files.readString(a.modelFolder().resolve("model.json"));
        assertTrue(modelJson.contains("\"latentDim\" : 3"), modelJson);
        assertTrue(Files.readString(a.modelFolder().resolve("training.json")).contains("epochLosses"));
    }

    @Test
    void theStepWrittenOutTrainsAsAutogradDoes() throws Exception {
        // MlpStep, asked for on any CPU, against autograd: 90 examples in batches of 32 (two parts of 16 rows, and a short
        // last batch of 26 rows in one part), input noise and masking (the input is not the target)
        String saved = System.getProperty("latentlab.float32.onednn");
        try {
            TrainingConfig c = new TrainingConfig("mlp", 3, new int[] {24}, "tanh", "kaiming-uniform", 1e-5, 0.05, 0.1, 90, 6,
                    32, 1e-2, 4);
            DjlAutoencoderTraining t = new DjlAutoencoderTraining();
            System.setProperty("latentlab.float32.onednn", "on");
            TrainingResult on = t.train(data(), c, "on", dir.resolve("written-out"), p -> {});
            System.setProperty("latentlab.float32.onednn", "off");
            TrainingResult off = t.train(data(), c, "off", dir.resolve("autograd"), p -> {});
            ObjectMapper json = new ObjectMapper();
            String onMethod = json.readTree(on.modelFolder().resolve("training.json").toFile()).get("stepMethod").asText();
            String offMethod = json.readTree(off.modelFolder().resolve("training.json").toFile()).get("stepMethod").asText();
            assertTrue(onMethod.startsWith("MLP step written out on oneDNN"), onMethod);
            assertTrue(offMethod.startsWith("libtorch autograd") && offMethod.contains("off"), offMethod);
            assertEquals(6, on.epochLosses().size());
            for (int e = 0; e < 6; e++) {
                double a = on.epochLosses().get(e);
                double b = off.epochLosses().get(e);
                assertEquals(b, a, 1e-4 * b, "epoch " + (e + 1) + ": the same training up to rounding");
            }
            assertTrue(on.epochLosses().get(5) < 0.8 * on.epochLosses().get(0), "it trains: " + on.epochLosses());
            System.setProperty("latentlab.float32.onednn", "on");
            TrainingResult again = t.train(data(), c, "again", dir.resolve("written-out-again"), p -> {});
            assertEquals(on.epochLosses(), again.epochLosses(), "reproducible");
            for (String f : new String[] {"encoder.1.weight.npy", "decoder.2.weight.npy"}) {
                assertArrayEquals(Files.readAllBytes(on.modelFolder().resolve(f)), Files.readAllBytes(again.modelFolder().resolve(f)),
                        "reproducible: " + f);
            }
        } finally {
            if (saved == null) {
                System.clearProperty("latentlab.float32.onednn");
            } else {
                System.setProperty("latentlab.float32.onednn", saved);
            }
        }
    }

    @Test
    void trainingNeverDeletesWhatItDidNotWriteAndReplacesOnlyItsOwnModel() throws Exception {
        DjlAutoencoderTraining t = new DjlAutoencoderTraining();
        Path keep = Files.createDirectories(dir.resolve("keep"));
        Files.writeString(keep.resolve("thesis.tex"), "x");
        LatentLabException e = assertThrows(LatentLabException.class, () -> t.train(data(), config("mlp", 1), "m", keep, p -> {}));
        assertTrue(e.getMessage().contains(keep + " is not empty and was not written by LatentLab"), e.getMessage());
        assertEquals("x", Files.readString(keep.resolve("thesis.tex")));
        try (var s = Files.list(keep)) {
            assertEquals(1, s.count(), "nothing added");
        }
        Path file = Files.writeString(dir.resolve("file.txt"), "y");
        assertThrows(LatentLabException.class, () -> t.train(data(), config("mlp", 1), "m", file, p -> {}));
        assertEquals("y", Files.readString(file));

        Path model = dir.resolve("model");
        TrainingConfig quick = new TrainingConfig("mlp", 3, new int[] {8}, "relu", "kaiming-uniform", 0, 0, 0, 32, 1, 16, 1e-2, 1);
        t.train(data(), quick, "m", model, p -> {});
        Files.writeString(model.resolve("notes.txt"), "mine");
        TrainingResult again = t.train(data(), quick, "m2", model, p -> {});
        assertEquals(model, again.modelFolder());
        assertTrue(Files.readString(model.resolve("model.json")).contains("m2"), "the new model replaced the old one");
        assertEquals("mine", Files.readString(model.resolve("notes.txt")));
        try (var s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains("latentlab-staging")), "no staging folder left");
        }
    }

    @Test
    void badConfigurationsAndTooFewInputsAreRefusedByName() {
        DjlAutoencoderTraining t = new DjlAutoencoderTraining();
        TrainingConfig nanDecay = new TrainingConfig("mlp", 3, new int[] {8}, "relu", "kaiming-uniform", Double.NaN, 0, 0, 32, 1,
                16, 1e-2, 1);
        assertMessage(() -> t.train(data(), nanDecay, "m", dir.resolve("x"), p -> {}), "--weight-decay NaN: must be a finite number");
        TrainingConfig negative = new TrainingConfig("mlp", 3, new int[] {1, -32}, "relu", "kaiming-uniform", 0, 0, 0, 32, 1, 16,
                1e-2, 1);
        assertMessage(() -> t.train(data(), negative, "m", dir.resolve("x"), p -> {}), "every width must be >= 1, found -32");
        TrainingConfig tooMany = new TrainingConfig("mlp", 3, new int[] {8}, "relu", "kaiming-uniform", 0, 0, 0, 97, 1, 16, 1e-2, 1);
        assertMessage(() -> t.train(data(), tooMany, "m", dir.resolve("x"), p -> {}), "--train-size 97: only 96 training inputs");
        TrainingConfig huge = new TrainingConfig("mlp", 300_000_000, new int[] {8}, "relu", "kaiming-uniform", 0, 0, 0, 32, 1,
                16, 1e-2, 1);
        assertMessage(() -> t.train(data(), huge, "m", dir.resolve("x"), p -> {}), "more than one layer can hold");
        TrainingConfig hugeBatch = new TrainingConfig("mlp", 3, new int[] {8}, "relu", "kaiming-uniform", 0, 0, 0, 32, 1,
                Integer.MAX_VALUE, 1e-2, 1);
        TrainingResult r = t.train(data(), hugeBatch, "m", dir.resolve("big-batch"), p -> {});
        assertTrue(r.epochLosses().get(0) > 0.01, "a batch larger than the data is the whole data, not 0 steps: "
                + r.epochLosses());
        assertTrue(Files.notExists(dir.resolve("x")));
    }

    @Test
    void trainsOnAnyThreadNotOnlyOnTheOneThatLoadedTheEngine() throws Exception {
        // libtorch's grad mode is per thread; DJL switches it off only on the thread that loads the engine
        TrainingConfig quick = new TrainingConfig("mlp", 3, new int[] {8}, "relu", "kaiming-uniform", 1e-5, 0, 0, 32, 1, 16,
                1e-2, 1);
        new DjlAutoencoderTraining().train(data(), quick, "m", dir.resolve("here"), p -> {});
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                new DjlAutoencoderTraining().train(data(), quick, "m", dir.resolve("there"), p -> {});
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        other.start();
        other.join();
        assertEquals(null, failure.get() == null ? null : failure.get().getMessage());
        assertArrayEquals(Files.readAllBytes(dir.resolve("here/encoder.1.weight.npy")),
                Files.readAllBytes(dir.resolve("there/encoder.1.weight.npy")), "same model on either thread");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String words) {
        LatentLabException x = assertThrows(LatentLabException.class, e);
        assertTrue(x.getMessage().contains(words), x.getMessage());
    }

    @Test
    void convolutionalAutoencoderTrainsToo() {
        TrainingResult r = new DjlAutoencoderTraining().train(data(), config("conv", 1), "conv", dir.resolve("conv"), p -> {});
        assertTrue(r.epochLosses().get(24) < r.epochLosses().get(0));
        ModelSpec spec = new ModelSpec(r.modelFolder(), "conv", new int[] {1, 8, 8}, 3, "encoder.layers.json",
                "decoder.layers.json", null);
        try (LatentModel m = new LayersBackend().load(spec)) {
            assertArrayEquals(new int[] {2, 1, 8, 8}, m.decode(Tensor.matrix(2, 3, new float[6])).shape());
        }
    }
}
