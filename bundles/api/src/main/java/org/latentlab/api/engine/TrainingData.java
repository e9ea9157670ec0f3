package org.latentlab.api.engine;

/**
 * The training inputs of the analysed model, for metrics that compare attractors with them
 * (memorization).
 *
 * @param dataset data set id, e.g. {@code mnist}
 * @param split   split, e.g. {@code train}
 * @param limit   how many inputs from the start of the split (the model's training set size)
 */
public record TrainingData(String dataset, String split, int limit) {

    /** Parses {@code DATASET[:SPLIT[:LIMIT]]}, e.g. {@code mnist:train:10000}. */
    public static TrainingData parse(String text) {
        String[] p = text.split(":");
        if (p.length == 0 || p.length > 3 || p[0].isBlank()) {
            throw new org.latentlab.api.LatentLabException("training data '" + text + "' is not DATASET[:SPLIT[:COUNT]]");
        }
        try {
            return new TrainingData(p[0], p.length > 1 ? p[1] : "train", p.length > 2 ? Integer.parseInt(p[2]) : -1);
        } catch (NumberFormatException e) {
            throw new org.latentlab.api.LatentLabException("training data '" + text + "' is not DATASET[:SPLIT[:COUNT]]");
        }
    }
}
