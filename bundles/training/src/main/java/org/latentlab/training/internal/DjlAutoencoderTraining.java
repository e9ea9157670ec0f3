package org.latentlab.training.internal;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.training.AutoencoderTraining;
import org.latentlab.api.training.TrainingConfig;
import org.latentlab.api.training.TrainingResult;
import org.latentlab.io.IoErrors;
import org.latentlab.io.OutputFolder;
import org.latentlab.layerstack.Layer;
import org.osgi.service.component.annotations.Component;

/**
 * Trains on libtorch through DJL: mean squared reconstruction error, its gradient by autograd or, for a multilayer
 * perceptron where libtorch's MKL is slow, by the step written out on oneDNN ({@link MlpStep}), Adam (β = 0.9, 0.999,
 * ε = 1e-8) with L2 weight decay, written out ({@link FusedAdam}) so every step is explicit and reproducible.
 * Initialisation, shuffling and augmentation draw from one seeded generator.
 */
@Component
public class DjlAutoencoderTraining implements AutoencoderTraining {

    static final String ENGINE = "PyTorch";

    /**
     * {@inheritDoc}
     *
     * <p>Everything is checked before training: the configuration, that there are as many inputs as
     * {@code trainSize}, that a shift is asked for images only, that the network fits in memory, that every
     * checkpoint step is within the training and that {@code outDir} and every checkpoint folder are new, empty or
     * an earlier model folder written by LatentLab ({@link OutputFolder}); each model is written into a hidden
     * sibling folder and moved into place when complete. Nothing else is ever deleted.
     */
    @Override
    public TrainingResult train(Tensor inputs, TrainingConfig c, String name, Path outDir, Consumer<Progress> progress,
            Checkpoints checkpoints) {
        try {
            c.validate();
        } catch (IllegalArgumentException e) {
            throw new LatentLabException(e.getMessage(), e);
        }
        if (inputs.rows() < c.trainSize()) {
            throw new LatentLabException("--train-size " + c.trainSize() + ": only " + inputs.rows() + " training inputs given");
        }
        int[] inputShape = inputs.rowShape();
        Augmentation augmentation = Augmentation.of(c, inputShape);
        List<Layer> encLayers = Architectures.encoder(c, inputShape);
        List<Layer> decLayers = Architectures.decoder(c, inputShape);
        Architectures.requireFits(encLayers, decLayers, Math.min(c.batchSize(), c.trainSize()));
        long total = c.totalSteps();
        for (int step : checkpoints.steps()) {
            if (step > total) {
                throw new LatentLabException("checkpoint at step " + step + " is beyond the last step of this training ("
                        + total + " steps): list checkpoint steps from 1 to " + total);
            }
            OutputFolder.check(checkpoints.folder().apply(step), OutputFolder.MODEL);
        }
        try (OutputFolder folder = OutputFolder.open(outDir, OutputFolder.MODEL)) {
            TrainingResult r = withEngine(() -> {
                try {
                    return run(inputs, c, name, encLayers, decLayers, augmentation, folder, progress, checkpoints);
                } catch (IOException e) {
                    throw new LatentLabException("cannot write the model for " + folder.target() + ": " + IoErrors.describe(e), e);
                } catch (LatentLabException e) {
                    throw e;
                } catch (RuntimeException e) { // libtorch or a bug: say which, in one line
                    String msg = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
                    throw new LatentLabException("training failed (" + e.getClass().getSimpleName()
                            + (msg.isEmpty() ? "" : ": " + msg) + ") with " + c.architecture() + " --hidden "
                            + Arrays.toString(c.hidden()).replaceAll("[\\[\\] ]", "") + " --latent " + c.latentDim()
                            + " --batch " + c.batchSize(), e);
                }
            });
            folder.publish();
            return r;
        } catch (OutOfMemoryError e) {
            throw new LatentLabException("training ran out of memory: use smaller --hidden, --latent or --batch", e);
        }
    }

    /** Runs DJL work with the thread context class loader DJL finds its engines through (it is on the launcher class path). */
    private static <T> T withEngine(Supplier<T> work) {
        Thread t = Thread.currentThread();
        ClassLoader saved = t.getContextClassLoader();
        t.setContextClassLoader(Engine.class.getClassLoader());
        try {
            return work.get();
        } finally {
            t.setContextClassLoader(saved);
        }
    }

    /**
     * The training loop. Passes over the data, each with a fresh shuffle, until {@link TrainingConfig#totalSteps()}
     * steps (the last pass may be partial); everything drawn comes from one generator in a fixed order, so a
     * training of s steps is exactly the first s steps of any longer training of the same configuration.
     */
    private TrainingResult run(Tensor inputs, TrainingConfig c, String name, List<Layer> encLayers, List<Layer> decLayers,
            Augmentation augmentation, OutputFolder folder, Consumer<Progress> progress, Checkpoints checkpoints)
            throws IOException {
        long t0 = System.currentTimeMillis();
        int n = c.trainSize();
        int[] inputShape = inputs.rowShape();
        int width = inputs.width();
        Engine engine = Engine.getEngine(ENGINE);
        SplittableRandom rng = new SplittableRandom(c.seed());
        List<Double> losses = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager(ENGINE)) {
            TrainableStack enc = TrainableStack.initialise(encLayers, c.init(), c.initScale(), rng.nextLong(), m);
            TrainableStack dec = TrainableStack.initialise(decLayers, c.init(), c.initScale(), rng.nextLong(), m);
            List<NDArray> params = new ArrayList<>(enc.parameters());
            params.addAll(dec.parameters());
            for (NDArray p : params) {
                p.setRequiresGradient(true);
            }
            FusedAdam adam = new FusedAdam(params, m);
            // an MLP on a CPU where libtorch's MKL is slow: the step written out on oneDNN, the batch split between threads
            try (MlpStep fast = MlpStep.create(encLayers, decLayers, inputShape, params, xin -> dec.forward(enc.forward(xin)),
                    m).orElse(null)) {
                String stepMethod = fast != null ? fast.describe() : "libtorch autograd (" + MlpStep.unavailable() + ")";
                int[] order = new int[n];
                Arrays.setAll(order, i -> i);
                int batch = Math.min(c.batchSize(), n); // a batch larger than the data is the whole data
                int stepsPerEpoch = (n + batch - 1) / batch;
                long total = c.totalSteps();
                int passes = (int) ((total + stepsPerEpoch - 1) / stepsPerEpoch);
                List<Integer> checkpointSteps = checkpoints.steps();
                int nextCheckpoint = 0;
                double sinceCheckpoint = 0; // loss × examples since the previous checkpoint
                long examplesSinceCheckpoint = 0;
                long t = 0;
                long stepNanos = 0; // time in the steps themselves: what a step costs, without start-up and writing
                long[] batchShape = new long[inputShape.length + 1];
                batchShape[0] = batch;
                for (int i = 0; i < inputShape.length; i++) {
                    batchShape[i + 1] = inputShape[i];
                }
                // the batch's arrays, Java and native, made once and refilled at each step
                float[] clean = new float[batch * width];
                float[] noisy = augmentation.changesInput() ? new float[batch * width] : clean;
                NDArray cleanBatch = m.create(new Shape(batchShape));
                NDArray noisyBatch = augmentation.changesInput() ? m.create(new Shape(batchShape)) : cleanBatch;
                FloatBuffer cleanNative = FusedAdam.floats(cleanBatch);
                FloatBuffer noisyNative = FusedAdam.floats(noisyBatch);
                for (int epoch = 1; t < total; epoch++) {
                    for (int i = n - 1; i > 0; i--) { // Fisher–Yates
                        int j = rng.nextInt(i + 1);
                        int tmp = order[i];
                        order[i] = order[j];
                        order[j] = tmp;
                    }
                    int stepsThisPass = (int) Math.min(stepsPerEpoch, total - t);
                    double sum = 0;
                    long seen = 0;
                    for (int s = 0; s < stepsThisPass; s++) {
                        long stepStart = System.nanoTime();
                        int from = s * batch;
                        int b = Math.min(n, from + batch) - from;
                        augmentation.batch(inputs.data(), width, order, from, b, clean, noisy, rng);
                        cleanNative.put(0, clean, 0, b * width);
                        if (noisyNative != cleanNative) {
                            noisyNative.put(0, noisy, 0, b * width);
                        }
                        double loss;
                        try (NDManager step = m.newSubManager()) {
                            NDArray x = b == batch ? cleanBatch : rows(cleanBatch, b, step);
                            NDArray xi = noisyBatch == cleanBatch ? x : b == batch ? noisyBatch : rows(noisyBatch, b, step);
                            if (fast != null) {
                                MlpStep.Gradients g = fast.run(xi, x, params, step);
                                loss = g.loss();
                                t++;
                                adam.step(c, t, g.parts());
                            } else {
                                try (GradientCollector gc = engine.newGradientCollector()) {
                                    NDArray rec = dec.forward(enc.forward(xi));
                                    NDArray l = rec.sub(x).square().mean();
                                    gc.backward(l);
                                    loss = l.getFloat();
                                }
                                t++;
                                adam.step(c, t, step);
                            }
                        }
                        stepNanos += System.nanoTime() - stepStart;
                        if (!Double.isFinite(loss)) {
                            throw new LatentLabException("training diverged (loss " + loss + ") in epoch " + epoch
                                    + "; lower the learning rate");
                        }
                        sum += loss * b;
                        seen += b;
                        sinceCheckpoint += loss * b;
                        examplesSinceCheckpoint += b;
                        progress.accept(new Progress(epoch, passes, s + 1, stepsThisPass, loss));
                        if (nextCheckpoint < checkpointSteps.size() && checkpointSteps.get(nextCheckpoint) == t) {
                            List<Double> lossesSoFar = new ArrayList<>(losses);
                            lossesSoFar.add(sum / seen); // this pass so far: what a training of t steps reports
                            Path at = writeCheckpoint(checkpoints, (int) t, enc, dec, name, inputShape, c, lossesSoFar, t0, n,
                                    stepNanos, stepMethod);
                            checkpoints.written().accept(new Checkpoint((int) t, at, sinceCheckpoint / examplesSinceCheckpoint));
                            nextCheckpoint++;
                            sinceCheckpoint = 0;
                            examplesSinceCheckpoint = 0;
                        }
                    }
                    losses.add(sum / seen);
                }
                Path dir = folder.staging();
                writeModel(dir, enc, dec, name, inputShape, c, losses, System.currentTimeMillis() - t0, n, t, stepNanos,
                        stepMethod);
            }
        }
        return new TrainingResult(folder.target(), List.copyOf(losses), System.currentTimeMillis() - t0, false);
    }

    /** The first {@code b} rows of a batch array: a view, attached to {@code scope}. */
    private static NDArray rows(NDArray batch, int b, NDManager scope) {
        NDArray v = batch.get(new NDIndex("0:{}", b));
        v.attach(scope);
        return v;
    }

    /** Writes the model as it is after {@code step} steps into that step's checkpoint folder, like the final model. */
    private static Path writeCheckpoint(Checkpoints checkpoints, int step, TrainableStack enc, TrainableStack dec, String name,
            int[] inputShape, TrainingConfig c, List<Double> losses, long t0, int n, long stepNanos, String stepMethod) {
        try (OutputFolder f = OutputFolder.open(checkpoints.folder().apply(step), OutputFolder.MODEL)) {
            try {
                writeModel(f.staging(), enc, dec, name, inputShape, c, losses, System.currentTimeMillis() - t0, n, step,
                        stepNanos, stepMethod);
            } catch (IOException e) {
                throw new LatentLabException("cannot write the checkpoint at step " + step + " into " + f.target() + ": "
                        + IoErrors.describe(e), e);
            }
            return f.publish();
        }
    }

    /** A complete model folder's files: model.json, both layer stacks, training.json. */
    private static void writeModel(Path dir, TrainableStack enc, TrainableStack dec, String name, int[] inputShape,
            TrainingConfig c, List<Double> losses, long millis, int n, long step, long stepNanos, String stepMethod)
            throws IOException {
        enc.save(dir, "encoder");
        dec.save(dir, "decoder");
        writeModelJson(dir, name, inputShape, c, losses, millis, n, step, stepNanos, stepMethod);
    }

    private static void writeModelJson(Path dir, String name, int[] inputShape, TrainingConfig c, List<Double> losses,
            long millis, int n, long step, long stepNanos, String stepMethod) throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode model = om.createObjectNode();
        model.put("name", name);
        var shape = model.putArray("inputShape");
        Arrays.stream(inputShape).forEach(shape::add);
        model.put("latentDim", c.latentDim());
        model.put("encoder", "encoder.layers.json");
        model.put("decoder", "decoder.layers.json");
        om.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("model.json").toFile(), model);
        ObjectNode training = om.createObjectNode();
        training.set("config", om.valueToTree(c));
        training.put("examples", n);
        training.put("step", step);
        var l = training.putArray("epochLosses");
        losses.forEach(l::add);
        training.put("millis", millis);
        training.put("stepMillis", stepNanos / 1_000_000);
        training.put("stepMethod", stepMethod);
        om.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("training.json").toFile(), training);
    }
}
