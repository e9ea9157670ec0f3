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
    TrainingResult train(Tensor inputs, TrainingConfig config, String name, Path outDir, Consumer<Progress> progress);
}
