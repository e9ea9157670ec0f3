package org.latentlab.api.metric;

import java.util.Map;

/**
 * What a metric computed.
 *
 * @param summary      run-level values, by field name
 * @param perAttractor values per attractor id, by field name; merged into each attractor's fields
 */
public record MetricResult(Map<String, Object> summary, Map<Integer, Map<String, Object>> perAttractor) {

    public static MetricResult ofSummary(Map<String, Object> summary) {
        return new MetricResult(summary, Map.of());
    }
}
