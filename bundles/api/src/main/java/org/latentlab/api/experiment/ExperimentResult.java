package org.latentlab.api.experiment;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latentlab.api.result.FieldValue;

/**
 * What an experiment found.
 *
 * @param experiment    its id
 * @param title         a headline for the report and job lists, e.g. "OOD scores: mnist vs fashion-mnist"
 * @param summary       the numbers worth a glance (job lists, comparisons), in order
 * @param files         the files it wrote, relative to the out folder
 * @param details       the experiment's own typed result, read by the report sections registered for its
 *                      type (may be null)
 * @param elapsedMillis wall time of the run
 */
public record ExperimentResult(String experiment, String title, Map<String, FieldValue> summary, List<String> files,
        Object details, long elapsedMillis) {

    public ExperimentResult {
        summary = Collections.unmodifiableMap(new LinkedHashMap<>(summary));
        files = List.copyOf(files);
    }

    /** The same result with the wall time the platform measured. */
    public ExperimentResult withElapsedMillis(long millis) {
        return new ExperimentResult(experiment, title, summary, files, details, millis);
    }
}
