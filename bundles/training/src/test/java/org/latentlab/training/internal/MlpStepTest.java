package org.latentlab.training.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.latentlab.api.training.TrainingConfig;
import org.latentlab.layerstack.Layer;

/**
 * The training step written out ({@link MlpStepCode}, {@link MlpStep}) against libtorch autograd on the training's own
 * forward pass ({@link TrainableStack}): the same loss and gradients for every activation, with a corrupted input,
 * split between threads or not; the same numbers on every call; a probe that refuses a step that disagrees; which
 * networks it takes.
 */
class MlpStepTest {

    private static final int[] SHAPE = {1, 6, 6};
    private String savedSwitch;
    private String savedWorkers;

    @BeforeAll
    static void offlineEngine() {
        FusedAdamTest.offlineEngine();
    }

    @BeforeEach
    void engineThread() {
        Thread.currentThread().setContextClassLoader(Engine.class.getClassLoader());
        savedSwitch = System.getProperty(MlpStep.PROPERTY);
        savedWorkers = System.getProperty(MlpStep.WORKERS);
        System.setProperty(MlpStep.PROPERTY, "on"); // every CPU: on Intel CPUs auto leaves training to autograd
    }

    @AfterEach
    void restore() {
        restore(MlpStep.PROPERTY, savedSwitch);
        restore(MlpStep.WORKERS, savedWorkers);
    }

    /** A system property back to {@code value} (cleared when null). */
    static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    private static TrainingConfig config(String activation) {
        return new TrainingConfig("mlp", 5, new int[] {20, 12}, activation, "kaiming-uniform", 0, 0, 0, 64, 1, 16, 1e-3, 0);
    }

    /** A network of the configuration, its parameters taking gradients, and its forward pass. */
    private record Net(List<Layer> enc, List<Layer> dec, List<NDArray> params, UnaryOperator<NDArray> forward) {

        static Net of(TrainingConfig c, NDManager m) {
            return of(Architectures.encoder(c, SHAPE), Architectures.decoder(c, SHAPE), c.init(), m);
        }

        static Net of(List<Layer> el, List<Layer> dl, String init, NDManager m) {
            TrainableStack enc = TrainableStack.initialise(el, init, 3, m);
            TrainableStack dec = TrainableStack.initialise(dl, init, 4, m);
            List<NDArray> params = new ArrayList<>(enc.parameters());
            params.addAll(dec.parameters());
            for (NDArray p : params) {
                p.setRequiresGradient(true);
            }
            return new Net(el, dl, params, x -> dec.forward(enc.forward(x)));
        }

        MlpStep step(NDManager m) {
            Optional<MlpStep> s = MlpStep.create(enc, dec, SHAPE, params, forward, m);
            assertTrue(s.isPresent(), "the step is made: " + MlpStep.unavailable());
            return s.get();
        }
    }

    private static NDArray rows(NDManager m, int n, long seed, double noise) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n * 36];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble() + (float) (noise * (r.nextDouble() - 0.5));
        }
        return m.create(v, new Shape(n, 1, 6, 6));
    }

    @Test
    void lossAndGradientsAreAutogradsForEveryActivation() {
        for (String activation : List.of("relu", "tanh", "sigmoid", "gelu", "leaky-relu", "leaky-relu 0.2")) {
            for (int workers : new int[] {1, 2}) {
                System.setProperty(MlpStep.WORKERS, Integer.toString(workers));
                try (NDManager m = NDManager.newBaseManager("PyTorch")) {
                    Net net = activation.equals("leaky-relu 0.2") // a slope other than the default 0.01
                            ? Net.of(List.of(Layer.flatten(), Layer.linear(36, 10), new Layer("leaky-relu", 0, 0, 0, 0, 0, 0, null, 0.2),
                                    Layer.linear(10, 4)), List.of(Layer.linear(4, 36), Layer.activation("sigmoid"),
                                    Layer.reshape(SHAPE)), "kaiming-uniform", m)
                            : Net.of(config(activation), m);
                    try (MlpStep step = net.step(m); NDManager scope = m.newSubManager()) {
                        NDArray target = rows(m, 37, 1, 0);
                        NDArray input = target.add(rows(m, 37, 2, 0.2)).sub(0.5f); // a corrupted input
                        float loss;
                        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                            NDArray l = net.forward().apply(input).sub(target).square().mean();
                            gc.backward(l);
                            loss = l.getFloat();
                        }
                        MlpStep.Gradients g = step.run(input, target, net.params(), scope);
                        String at = activation + ", " + workers + " worker(s)";
                        assertEquals(workers == 1 ? 1 : 2, g.parts().size(), at + ": 37 rows, parts of 16 rows at least");
                        assertEquals(loss, g.loss(), 1e-6 * loss, at + ": the loss");
                        for (int i = 0; i < net.params().size(); i++) {
                            float[] expected = net.params().get(i).getGradient().toFloatArray();
                            float[] got = g.sum(i);
                            double largest = 0;
                            double off = 0;
                            for (int j = 0; j < expected.length; j++) {
                                largest = Math.max(largest, Math.abs(expected[j]));
                                off = Math.max(off, Math.abs((double) got[j] - expected[j]));
                            }
                            assertTrue(largest > 0, at + ": parameter " + i + " has a gradient");
                            assertTrue(off <= 1e-5 * largest, at + ": parameter " + i + " off by " + off + " of " + largest);
                        }
                    }
                }
            }
        }
    }

    @Test
    void theSameRowsGiveTheSameNumbersAndTheBatchIsSplitByRows() {
        System.setProperty(MlpStep.WORKERS, "2");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Net net = Net.of(config("relu"), m);
            try (MlpStep step = net.step(m); NDManager scope = m.newSubManager()) {
                assertEquals(1, step.parts(31), "fewer than 2 x 16 rows: one part");
                assertEquals(2, step.parts(32));
                assertEquals(2, step.parts(4096), "no more parts than threads");
                NDArray x = rows(m, 40, 5, 0);
                MlpStep.Gradients a = step.run(x, x, net.params(), scope);
                MlpStep.Gradients b = step.run(x, x, net.params(), scope);
                assertEquals(a.loss(), b.loss(), 0.0);
                for (int k = 0; k < 2; k++) {
                    for (int i = 0; i < net.params().size(); i++) {
                        float[] pa = a.parts().get(k)[i].toFloatArray();
                        float[] pb = b.parts().get(k)[i].toFloatArray();
                        assertEquals(pa.length, pb.length);
                        for (int j = 0; j < pa.length; j++) {
                            assertEquals(Float.floatToIntBits(pa[j]), Float.floatToIntBits(pb[j]), "part " + k + ", parameter "
                                    + i + "[" + j + "]: bit for bit");
                        }
                    }
                }
                // part k is the step on its rows alone (rows 0-19 and 20-39), with the whole batch's scale
                NDArray first = x.get("0:20");
                MlpStep.Gradients alone = step.run(first, first, net.params(), scope);
                assertEquals(1, alone.parts().size());
                float[] whole = a.parts().get(0)[0].toFloatArray();
                float[] half = alone.parts().get(0)[0].toFloatArray();
                for (int j = 0; j < whole.length; j++) {
                    assertEquals(half[j] / 2, whole[j], 1e-6 * (Math.abs(half[j]) + 1e-6), "weight gradient [" + j + "]");
                }
            }
        }
    }

    @Test
    void threadsStartedAfterTheStepKeepTheCallersIntraOpThreadCount() throws Exception {
        System.setProperty(MlpStep.WORKERS, "2");
        int before = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Net net = Net.of(config("relu"), m);
            try (MlpStep step = net.step(m)) {
                assertEquals(before, ai.djl.pytorch.jni.JniUtils.getNumThreads(), "the caller's count");
                int[] fresh = new int[1];
                Thread t = new Thread(() -> fresh[0] = ai.djl.pytorch.jni.JniUtils.getNumThreads()); // first use of libtorch
                t.setContextClassLoader(Engine.class.getClassLoader());
                t.start();
                t.join();
                assertEquals(before, fresh[0], "a thread that starts libtorch after the step's workers: the caller's count");
            }
        }
    }

    @Test
    void theProbeRefusesAStepThatDisagreesWithTheForwardPass() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Net net = Net.of(config("tanh"), m);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) { // gradients not zero before
                gc.backward(net.forward().apply(rows(m, 4, 9, 0)).sum());
            }
            assertTrue(net.params().get(0).getGradient().abs().sum().getFloat() > 0);
            UnaryOperator<NDArray> off = x -> net.forward().apply(x).mul(1.001f); // not the network the step computes
            Optional<MlpStep> s = MlpStep.create(net.enc(), net.dec(), SHAPE, net.params(), off, m);
            assertFalse(s.isPresent(), "refused");
            assertTrue(MlpStep.unavailable().startsWith("the step written out gave"), MlpStep.unavailable());
            for (NDArray p : net.params()) {
                for (float v : p.getGradient().toFloatArray()) {
                    assertEquals(0f, v, "the probe leaves the gradients zero");
                }
            }
        }
    }

    @Test
    void onlyMultilayerPerceptronsAndOnlyWhereAsked() {
        TrainingConfig mlp = config("leaky-relu");
        List<MlpStepCode.Dense> d = MlpStepCode.dense(Architectures.encoder(mlp, SHAPE), Architectures.decoder(mlp, SHAPE))
                .orElseThrow();
        assertEquals(List.of(new MlpStepCode.Dense(36, 20, "leaky-relu", 0.01), new MlpStepCode.Dense(20, 12, "leaky-relu", 0.01),
                new MlpStepCode.Dense(12, 5, "none", 0), new MlpStepCode.Dense(5, 12, "leaky-relu", 0.01),
                new MlpStepCode.Dense(12, 20, "leaky-relu", 0.01), new MlpStepCode.Dense(20, 36, "sigmoid", 0)), d);
        TrainingConfig conv = new TrainingConfig("conv", 5, new int[] {4}, "relu", "kaiming-uniform", 0, 0, 0, 64, 1, 16, 1e-3, 0);
        assertTrue(MlpStepCode.dense(Architectures.encoder(conv, SHAPE), Architectures.decoder(conv, SHAPE)).isEmpty());
        assertTrue(MlpStepCode.dense(List.of(Layer.activation("relu"), Layer.linear(36, 5)), List.of()).isEmpty(),
                "an activation before any linear layer");
        assertTrue(MlpStepCode.dense(List.of(Layer.linear(36, 5), Layer.flatten(), Layer.linear(5, 5)), List.of()).isEmpty(),
                "a flatten inside");
        assertTrue(MlpStepCode.dense(List.of(Layer.linear(36, 5), Layer.linear(6, 5)), List.of()).isEmpty(),
                "sizes that do not chain");

        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Net net = Net.of(mlp, m);
            System.setProperty(MlpStep.PROPERTY, "off");
            assertTrue(MlpStep.create(net.enc(), net.dec(), SHAPE, net.params(), net.forward(), m).isEmpty());
            assertTrue(MlpStep.unavailable().contains("off"), MlpStep.unavailable());
            System.setProperty(MlpStep.PROPERTY, "auto");
            Optional<MlpStep> auto = MlpStep.create(net.enc(), net.dec(), SHAPE, net.params(), net.forward(), m);
            String vendor = org.latentlab.rowworkers.Float32OneDnn.cpuVendor();
            assertEquals(!vendor.isEmpty() && !vendor.equals("GenuineIntel"), auto.isPresent(),
                    "auto: oneDNN on CPUs other than Intel's (" + vendor + "): " + MlpStep.unavailable());
            auto.ifPresent(MlpStep::close);
        }
    }
}
