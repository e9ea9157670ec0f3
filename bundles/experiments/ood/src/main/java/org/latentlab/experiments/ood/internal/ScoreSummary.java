package org.latentlab.experiments.ood.internal;

import java.util.Map;

/**
 * One score's outcome over the in-distribution (negative) and out-of-distribution (positive) sets.
 *
 * @param id          the score's {@code latentlab.id}
 * @param description its service description
 * @param parameters  its parameters in force
 * @param auroc       P(s_ood &gt; s_in) + ½·P(s_ood = s_in), exact
 * @param fpr95       false positive rate at the first threshold with true positive rate ≥ 0.95
 * @param meanIn      mean score of the in-distribution inputs
 * @param medianIn    their median (mean of the two middle values for an even count)
 * @param meanOod     mean score of the out-of-distribution inputs
 * @param medianOod   their median
 * @param rocFpr      the ROC curve's false positive rates, ascending from 0 to 1
 * @param rocTpr      its true positive rates, in the same order
 */
record ScoreSummary(String id, String description, Map<String, Object> parameters, double auroc, double fpr95, double meanIn,
        double medianIn, double meanOod, double medianOod, double[] rocFpr, double[] rocTpr) {

    ScoreSummary {
        parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
        rocFpr = rocFpr.clone();
        rocTpr = rocTpr.clone();
    }
}
