package org.latentlab.metrics.internal;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.latentlab.api.result.FieldValue;

/**
 * What {@link MemorizationMetric} found, typed for {@link MemorizationSection}.
 *
 * @param entries          one per attractor, in attractor order
 * @param trainingExamples how many training inputs were compared; empty when none were given
 * @param mean             mean memorization over the attractors (NaN without training inputs)
 * @param memorized        attractors above the threshold
 * @param threshold        the threshold in force (NaN without training inputs)
 */
record Memorization(List<Entry> entries, OptionalInt trainingExamples, double mean, int memorized, double threshold) {

    Memorization {
        entries = List.copyOf(entries);
    }

    /**
     * One attractor.
     *
     * @param attractor     attractor id
     * @param decoded       D(z*)
     * @param nearest       the most similar training input, when training inputs were given
     * @param nearestIndex  its index in the training inputs, or -1
     * @param memorization  its cosine similarity to D(z*), or NaN
     */
    record Entry(int attractor, FieldValue.Image decoded, Optional<FieldValue.Image> nearest, int nearestIndex,
            double memorization) {}
}
