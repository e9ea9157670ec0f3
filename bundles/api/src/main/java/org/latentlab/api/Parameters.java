package org.latentlab.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameter values of one use of a capability, validated against its {@link ParameterSpec}s and
 * filled with defaults, so results can record every value that was in force.
 */
public record Parameters(Map<String, Object> values) {

    public static final Parameters EMPTY = new Parameters(Map.of());

    public Parameters {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * Checks user-given text values against the specs and fills in defaults.
     *
     * @param owner names the capability in error messages, e.g. {@code strategy 'picard'}
     * @throws LatentLabException for an unknown name or a bad value
     */
    public static Parameters resolve(String owner, List<ParameterSpec> specs, Map<String, String> given) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String key : given.keySet()) {
            if (specs.stream().noneMatch(s -> s.name().equals(key))) {
                throw new LatentLabException(owner + " has no parameter '" + key + "'; it has "
                        + specs.stream().map(ParameterSpec::name).toList());
            }
        }
        for (ParameterSpec s : specs) {
            String text = given.getOrDefault(s.name(), s.defaultValue());
            if (text != null) {
                out.put(s.name(), s.parse(text));
            }
        }
        return new Parameters(out);
    }

    public double getDouble(String name, double def) {
        Object v = values.get(name);
        return v instanceof Number n ? n.doubleValue() : def;
    }

    public int getInt(String name, int def) {
        Object v = values.get(name);
        return v instanceof Number n ? Math.toIntExact(n.longValue()) : def;
    }

    public long getLong(String name, long def) {
        Object v = values.get(name);
        return v instanceof Number n ? n.longValue() : def;
    }

    public boolean getBoolean(String name, boolean def) {
        Object v = values.get(name);
        return v instanceof Boolean b ? b : def;
    }

    public String getString(String name, String def) {
        Object v = values.get(name);
        return v == null ? def : v.toString();
    }
}
