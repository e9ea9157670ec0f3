package org.latentlab.server.internal.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.latentlab.api.ParameterSpec;

/** A capability's parameter; {@code min} and {@code max} only for bounded numbers. */
@JsonPropertyOrder({"name", "type", "default", "description", "min", "max"})
public record ParameterView(String name, String type, @JsonProperty("default") String defaultValue, String description,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double min, @JsonInclude(JsonInclude.Include.NON_NULL) Double max) {

    public static ParameterView of(ParameterSpec p) {
        return new ParameterView(p.name(), p.type().name().toLowerCase(), p.defaultValue(), p.description(), p.min(),
                p.min() == null ? null : p.max());
    }
}
