package org.latentlab.api.training;

import java.nio.file.Path;
import java.util.function.Consumer;
import org.latentlab.api.Tensor;
import org.osgi.annotation.versioning.ProviderType;

/** Trains autoencoders in-process. */
@ProviderType
public interface AutoencoderTraining {

    /** Progress of a training run. */
    record Progress(int epoch, int epochs, int step, int steps, double loss) {}

    /**
     * Trains on {@code inputs} ([n, ...inputShape], values in [0, 1]) and writes a model folder.
     *
     * @param outDir   the model folder to write
     * @param progress called after every step
     */
    default TrainingResult train(Tensor inputs, TrainingConfig config, String name, Path outDir, Consumer<Progress> progress) {
        return train(inputs, config, name, outDir, progress, Checkpoints.NONE);
    }

    /**
     * Trains like {@link #train(Tensor, TrainingConfig, String, Path, Consumer)} and, after each step
     * listed in {@code checkpoints}, writes a complete model folder (model.json, layer stacks,
     * training.json with the step) into {@code checkpoints.folder().apply(step)} and calls
     * {@code checkpoints.written()}. A checkpoint at the last step is the final model; steps beyond
     * the last are refused before training.
     */
    TrainingResult train(Tensor inputs, TrainingConfig config, String name, Path outDir, Consumer<Progress> progress,
            Checkpoints checkpoints);

    /**
     * Where and when to save models during training.
     *
     * @param steps   ascending step numbers &gt;= 1
     * @param folder  the model folder for a step (new, empty, or an earlier model folder)
     * @param written told after each checkpoint folder is complete
     */
    record Checkpoints(java.util.List<Integer> steps, java.util.function.IntFunction<Path> folder,
            Consumer<Checkpoint> written) {

        /** No checkpoints. */
        public static final Checkpoints NONE = new Checkpoints(java.util.List.of(), s -> null, c -> {});

        public Checkpoints {
            steps = java.util.List.copyOf(steps);
            for (int i = 0; i < steps.size(); i++) {
                if (steps.get(i) < 1 || i > 0 && steps.get(i) <= steps.get(i - 1)) {
                    throw new IllegalArgumentException("checkpoint steps must be ascending whole numbers >= 1: " + steps);
                }
            }
        }
    }

    /**
     * A model saved during training.
     *
     * @param step        optimiser steps taken
     * @param modelFolder the complete model folder
     * @param loss        mean training loss over the steps since the previous checkpoint
     */
    record Checkpoint(int step, Path modelFolder, double loss) {}
}
