package org.latentlab.api.training;

import java.nio.file.Path;
import java.util.List;

/**
 * A trained model.
 *
 * @param modelFolder  the model folder written (model.json, layer stacks, training.json)
 * @param epochLosses  mean training loss (mean squared reconstruction error) per epoch
 * @param millis       training time
 * @param cached       true when an identical earlier training was reused
 */
public record TrainingResult(Path modelFolder, List<Double> epochLosses, long millis, boolean cached) {
}
