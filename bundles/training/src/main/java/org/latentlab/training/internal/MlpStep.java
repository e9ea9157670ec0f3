package org.latentlab.training.internal;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import org.latentlab.layerstack.Layer;
import org.latentlab.rowworkers.Float32OneDnn;
import org.latentlab.rowworkers.RowWorkers;

/**
 * A training step of a multilayer perceptron on oneDNN, its batch split between threads: each part of the rows runs
 * the step written out ({@link MlpStepCode}: forward pass, loss, backward pass) in one libtorch call on a thread of its
 * own with one intra-op thread, and the parts' gradients add up to the batch's ({@link FusedAdam} adds them as it
 * updates). For CPUs where libtorch's MKL is slow (AMD; by default not on Intel CPUs, whose MKL kernels are fast).
 *
 * <p>Why: on an AMD EPYC (Zen 5, 2 cores, 2026-12-06) a step of the 784-512-256-32 MLP at batch 128 spent 9–10 ms in
 * libtorch autograd's forward and backward pass (MKL's products run its generic kernels there, and each of some sixty
 * operations forks and joins libtorch's OpenMP team, whose threads sleep between operations); the step written out on
 * oneDNN in two parts of 64 rows took 5.9–6.6 ms (docs/performance.md).
 *
 * <p>Whether it is used: {@value #PROPERTY} (auto, on, off: the switch of the float32 map's oneDNN layers too) and the
 * network (an MLP: {@link MlpStepCode#dense}); then a probe on a few rows must give autograd's loss and gradients, and
 * the same numbers twice ({@link #create}). Anything else trains by autograd, as before; {@link #unavailable} says why.
 * The numbers are those of the same loss, summed in another order: a training is reproducible on one machine, and
 * differs from autograd's by rounding.
 */
final class MlpStep implements AutoCloseable {

    /** auto (default: CPUs other than Intel's), on, off; shared with the backend's float32 oneDNN layers. */
    static final String PROPERTY = Float32OneDnn.PROPERTY;
    /** Threads a batch is split between (default: libtorch's intra-op threads; 1 runs the step on the caller). */
    static final String WORKERS = RowWorkers.PROPERTY;
    /** Rows per part at least: a smaller batch goes to fewer parts. */
    static final int MIN_ROWS = 16;

    /** Why the last {@link #create} on this thread gave none (per thread: trainings may run side by side). */
    private static final ThreadLocal<String> UNAVAILABLE = ThreadLocal.withInitial(() -> "not tried");

    private final PtSymbolBlock module;
    private final RowWorkers workers;

    private MlpStep(PtSymbolBlock module, int workers) {
        this.module = module;
        this.workers = RowWorkers.libtorch(workers); // one intra-op thread each, grad mode off: the step is written out
    }

    /** Why the last {@link #create} on this thread gave none (for training.json and tests). */
    static String unavailable() {
        return UNAVAILABLE.get();
    }

    /** What a step runs as, for training.json. */
    String describe() {
        int n = workers.workers();
        return "MLP step written out on oneDNN, batch split between " + n + " thread" + (n == 1 ? "" : "s");
    }

    /**
     * The step for the network {@code encoder} + {@code decoder} (whose parameters, in order, are {@code params}), or
     * empty ({@link #unavailable()} says why). Before it is used, a probe on random rows, in as many parts as training's batches
     * compares its loss and gradients with autograd's on {@code forward} (the training's own forward pass), within
     * 1e-4 of their largest value, and requires the same numbers from a second call; the probe leaves the parameters'
     * gradients zero. Runs on the engine's thread context.
     */
    static Optional<MlpStep> create(List<Layer> encoder, List<Layer> decoder, int[] inputShape, List<NDArray> params,
            java.util.function.UnaryOperator<NDArray> forward, NDManager manager) {
        if (!wanted()) {
            return Optional.empty();
        }
        Optional<List<MlpStepCode.Dense>> dense = MlpStepCode.dense(encoder, decoder);
        if (dense.isEmpty()) {
            UNAVAILABLE.set("the network is not a multilayer perceptron (conv or other layers)");
            return Optional.empty();
        }
        MlpStep step = null;
        boolean made = false;
        try {
            PtSymbolBlock module = JniUtils.loadModule((PtNDManager) manager,
                    new ByteArrayInputStream(MlpStepCode.archive(MlpStepCode.code(dense.get()))), true, false);
            step = new MlpStep(module, RowWorkers.configured());
            String refused = step.probe(inputShape, params, forward, manager);
            if (refused != null) {
                UNAVAILABLE.set(refused);
                return Optional.empty();
            }
            UNAVAILABLE.set(null);
            made = true;
            return Optional.of(step);
        } catch (IOException | RuntimeException | LinkageError e) { // libtorch without oneDNN, a compile error: autograd
            UNAVAILABLE.set("the step written out could not be made (" + e.getClass().getSimpleName() + ": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")");
            return Optional.empty();
        } finally {
            if (step != null && !made) { // refused, failed, or an Error on the way: its threads end here
                step.close();
            }
        }
    }

    /**
     * The most parts a batch of {@code batch} rows of this network may be split into, for the memory check before
     * training ({@link Architectures#requireFits}): 1 where the step written out will not be tried (autograd holds one
     * gradient), else as {@link RowWorkers#parts} splits it with the most workers it can have ({@link
     * RowWorkers#atMost}). Reads no native state: it runs before the engine.
     */
    static int gradientParts(List<Layer> encoder, List<Layer> decoder, long batch) {
        if (Float32OneDnn.refusal() != null || MlpStepCode.dense(encoder, decoder).isEmpty()) {
            return 1;
        }
        return RowWorkers.parts(batch, MIN_ROWS, RowWorkers.atMost());
    }

    /** Whether the setting (and, for auto, the CPU's vendor) asks for oneDNN ({@link Float32OneDnn}); else records why not. */
    static boolean wanted() {
        String refused = Float32OneDnn.refusal();
        if (refused != null) {
            UNAVAILABLE.set(refused);
        }
        return refused == null;
    }

    /** Null when the step gives autograd's numbers on a few random rows, twice the same; else why not. */
    private String probe(int[] inputShape, List<NDArray> params, java.util.function.UnaryOperator<NDArray> forward,
            NDManager manager) {
        int width = (int) Architectures.size(inputShape);
        int rows = MIN_ROWS * workers.workers() + 3; // every part a training's batch may be split into
        long[] shape = new long[inputShape.length + 1];
        shape[0] = rows;
        for (int i = 0; i < inputShape.length; i++) {
            shape[i + 1] = inputShape[i];
        }
        SplittableRandom r = new SplittableRandom(20261206);
        float[] in = new float[rows * width];
        float[] target = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            target[i] = (float) r.nextDouble();
            in[i] = target[i] + (float) (0.1 * (r.nextDouble() - 0.5));
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(in, new Shape(shape));
            NDArray t = scope.create(target, new Shape(shape));
            float loss;
            try (GradientCollector gc = Engine.getEngine(DjlAutoencoderTraining.ENGINE).newGradientCollector()) {
                NDArray l = forward.apply(x).sub(t).square().mean();
                gc.backward(l);
                loss = l.getFloat();
            }
            List<float[]> expected = new ArrayList<>();
            for (NDArray p : params) {
                NDArray g = p.getGradient();
                g.attach(scope);
                expected.add(g.toFloatArray());
                FusedAdam.floats(g).put(new float[(int) g.size()]);
            }
            Gradients a = run(x, t, params, scope);
            Gradients b = run(x, t, params, scope);
            if (a.loss() != b.loss()) {
                return "the step written out gave two losses for the same rows (" + a.loss() + ", " + b.loss() + ")";
            }
            if (Math.abs(a.loss() - loss) > 1e-4 * Math.abs(loss)) {
                return "the step written out gave loss " + a.loss() + " where autograd gives " + loss;
            }
            for (int i = 0; i < params.size(); i++) {
                float[] e = expected.get(i);
                float[] ga = a.sum(i);
                float[] gb = b.sum(i);
                double largest = 0;
                double off = 0;
                for (int j = 0; j < e.length; j++) {
                    if (Float.compare(ga[j], gb[j]) != 0) {
                        return "the step written out gave two gradients for the same rows (parameter " + i + ")";
                    }
                    largest = Math.max(largest, Math.abs(e[j]));
                    off = Math.max(off, Math.abs((double) ga[j] - e[j]));
                }
                if (!(off <= 1e-4 * largest + 1e-12)) {
                    return String.format(Locale.ROOT, "the step written out gave gradients %.2g off autograd's (largest %.2g,"
                            + " parameter %d)", off, largest, i);
                }
            }
        }
        return null;
    }

    /** The loss of a batch (the mean over its values) and its gradient, as parts that add up to it. */
    record Gradients(double loss, List<NDArray[]> parts) {

        /** The gradient of parameter i: the parts added in order, as {@link FusedAdam} adds them. */
        float[] sum(int i) {
            float[] s = parts.get(0)[i].toFloatArray();
            for (int k = 1; k < parts.size(); k++) {
                float[] p = parts.get(k)[i].toFloatArray();
                for (int j = 0; j < s.length; j++) {
                    s[j] = s[j] + p[j];
                }
            }
            return s;
        }
    }

    /** Parts a batch of {@code rows} is split into. */
    int parts(long rows) {
        return workers.parts(rows, MIN_ROWS);
    }

    /**
     * The loss of the network on {@code input} against {@code target} (same shape, batch-first; the same array when
     * the input is not corrupted) and its gradients with respect to {@code params}, in parts of consecutive rows, each
     * part computed on its own thread; every array made is attached to {@code scope}.
     */
    Gradients run(NDArray input, NDArray target, List<NDArray> params, NDManager scope) {
        long rows = input.getShape().get(0);
        double scale = 1.0 / input.getShape().size();
        PtNDArray[] p = new PtNDArray[params.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = (PtNDArray) params.get(i);
        }
        boolean whole = parts(rows) == 1;
        // each part on a worker: its rows as views, its arrays in a manager of its own (DJL's managers take attachments
        // from several threads)
        List<PtNDArray[]> out = workers.map((int) rows, MIN_ROWS, (from, to) -> {
            NDManager into = scope.newSubManager();
            NDArray x = whole ? input : rowsOf(input, from, to, into);
            NDArray t = target == input ? x : whole ? target : rowsOf(target, from, to, into);
            return call(x, t, p, scale, into);
        });
        double loss = 0;
        List<NDArray[]> parts = new ArrayList<>();
        for (PtNDArray[] o : out) {
            loss += o[0].getFloat();
            NDArray[] g = new NDArray[p.length];
            System.arraycopy(o, 1, g, 0, p.length);
            parts.add(g);
        }
        return new Gradients(loss, parts);
    }

    private static NDArray rowsOf(NDArray a, int from, int to, NDManager into) {
        NDArray v = a.get(new NDIndex("{}:{}", from, to));
        v.attach(into);
        return v;
    }

    private PtNDArray[] call(NDArray x, NDArray t, PtNDArray[] params, double scale, NDManager into) {
        IValue[] in = {IValue.from((PtNDArray) x), IValue.from((PtNDArray) t), IValue.listFrom(params), IValue.from(scale)};
        try {
            IValue out = IValueUtils.forward(module, in);
            try {
                return out.toTensorArray((PtNDManager) into);
            } finally {
                out.close();
            }
        } finally {
            for (IValue v : in) {
                v.close();
            }
        }
    }

    /** Stops the threads (a caller of {@link #run} has waited for its parts), then frees the module. */
    @Override
    public void close() {
        workers.close();
        module.close();
    }
}
