package org.latentlab.api.metric;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.latentlab.api.result.FieldValue;

/**
 * What a metric computed. Immutable; maps keep the order the metric gave (it is the order of the
 * fields in result.json).
 *
 * @param summary      run-level values by field name; written to result.json under {@code metrics.<id>}
 * @param perAttractor values per attractor id, by field name; added to each attractor's fields in result.json
 * @param artifacts    typed objects for the metric's own report section (e.g. a record of pictures), found
 *                     there by type with {@link #artifact(Class)}; not written to result.json
 */
public record MetricResult(Map<String, FieldValue> summary, Map<Integer, Map<String, FieldValue>> perAttractor,
        List<Object> artifacts) {

    public MetricResult {
        summary = ordered(summary);
        Map<Integer, Map<String, FieldValue>> per = new LinkedHashMap<>();
        if (perAttractor != null) {
            perAttractor.forEach((id, values) -> per.put(id, ordered(values)));
        }
        perAttractor = Collections.unmodifiableMap(per);
        artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
    }

    public MetricResult(Map<String, FieldValue> summary, Map<Integer, Map<String, FieldValue>> perAttractor) {
        this(summary, perAttractor, List.of());
    }

    public static MetricResult ofSummary(Map<String, FieldValue> summary) {
        return new MetricResult(summary, Map.of(), List.of());
    }

    /** The first artifact of the given type. */
    public <T> Optional<T> artifact(Class<T> type) {
        return artifacts.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** The summary as plain Java values ({@link FieldValue#plain()}), in order. */
    public Map<String, Object> plainSummary() {
        Map<String, Object> out = new LinkedHashMap<>();
        summary.forEach((k, v) -> out.put(k, v.plain()));
        return Collections.unmodifiableMap(out);
    }

    public static Builder builder() {
        return new Builder();
    }

    private static Map<String, FieldValue> ordered(Map<String, FieldValue> values) {
        if (values == null || values.isEmpty()) {
            return Map.of();
        }
        Map<String, FieldValue> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new IllegalArgumentException("a metric field needs a name and a value, got " + k + "=" + v);
            }
            copy.put(k, v);
        });
        return Collections.unmodifiableMap(copy);
    }

    /** Builds a result field by field, in order. */
    public static final class Builder {
        private final Map<String, FieldValue> summary = new LinkedHashMap<>();
        private final Map<Integer, Map<String, FieldValue>> perAttractor = new LinkedHashMap<>();
        private final List<Object> artifacts = new ArrayList<>();

        private Builder() {}

        public Builder put(String field, FieldValue value) {
            summary.put(field, value);
            return this;
        }

        public Builder put(String field, long value) {
            return put(field, FieldValue.of(value));
        }

        public Builder put(String field, double value) {
            return put(field, FieldValue.of(value));
        }

        public Builder put(String field, String value) {
            return put(field, FieldValue.of(value));
        }

        public Builder put(String field, boolean value) {
            return put(field, FieldValue.of(value));
        }

        /** A field of attractor {@code id}. */
        public Builder attractor(int id, String field, FieldValue value) {
            perAttractor.computeIfAbsent(id, k -> new LinkedHashMap<>()).put(field, value);
            return this;
        }

        public Builder artifact(Object artifact) {
            artifacts.add(artifact);
            return this;
        }

        public MetricResult build() {
            return new MetricResult(summary, perAttractor, artifacts);
        }
    }
}
