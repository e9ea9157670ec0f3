package org.latentlab.server.internal.rest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latentlab.api.experiment.ExperimentResult;
import org.latentlab.api.result.FieldValue;

/**
 * The numbers shown in job lists for an experiment job, kept in the database: its title, the scalar
 * values of its summary (numbers, texts, flags; NaN as null; vectors and pictures stay in its files),
 * the files it wrote and its wall time.
 */
public record ExperimentSummary(String experiment, String title, Map<String, Object> values, List<String> files,
        long elapsedMillis) {

    public static ExperimentSummary of(ExperimentResult r) {
        Map<String, Object> values = new LinkedHashMap<>();
        r.summary().forEach((k, v) -> {
            if (v instanceof FieldValue.Real x) {
                values.put(k, Double.isFinite(x.value()) ? x.value() : null);
            } else if (v instanceof FieldValue.Int || v instanceof FieldValue.Text || v instanceof FieldValue.Flag) {
                values.put(k, v.plain());
            }
        });
        return new ExperimentSummary(r.experiment(), r.title(), values, r.files(), r.elapsedMillis());
    }
}
