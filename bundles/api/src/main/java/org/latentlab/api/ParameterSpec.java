package org.latentlab.api;

/**
 * Describes one parameter a capability accepts, so front ends can list, validate and document it.
 *
 * @param name         parameter name, e.g. {@code tolerance}
 * @param type         value type
 * @param defaultValue default as text (parsed like user input)
 * @param min          smallest allowed value for numbers, or {@code null}
 * @param max          largest allowed value for numbers, or {@code null}
 * @param description  what the parameter does, in one sentence
 */
public record ParameterSpec(String name, Type type, String defaultValue, Double min, Double max, String description) {

    /** The value types parameters can have. */
    public enum Type { INTEGER, DOUBLE, BOOLEAN, STRING }

    public static ParameterSpec integer(String name, long def, long min, long max, String description) {
        return new ParameterSpec(name, Type.INTEGER, Long.toString(def), (double) min, (double) max, description);
    }

    public static ParameterSpec real(String name, double def, double min, double max, String description) {
        return new ParameterSpec(name, Type.DOUBLE, Double.toString(def), min, max, description);
    }

    public static ParameterSpec bool(String name, boolean def, String description) {
        return new ParameterSpec(name, Type.BOOLEAN, Boolean.toString(def), null, null, description);
    }

    public static ParameterSpec text(String name, String def, String description) {
        return new ParameterSpec(name, Type.STRING, def, null, null, description);
    }

    /**
     * Parses and range-checks a value given as text.
     *
     * @throws LatentLabException naming this parameter when the value is malformed or out of range
     */
    public Object parse(String text) {
        try {
            Object v = switch (type) {
                case INTEGER -> Long.parseLong(text.trim());
                case DOUBLE -> Double.parseDouble(text.trim());
                case BOOLEAN -> {
                    String t = text.trim().toLowerCase();
                    if (!t.equals("true") && !t.equals("false")) {
                        throw new NumberFormatException();
                    }
                    yield Boolean.parseBoolean(t);
                }
                case STRING -> text;
            };
            if (v instanceof Number n) {
                double d = n.doubleValue();
                if (Double.isNaN(d) || (min != null && d < min) || (max != null && d > max)) {
                    throw new LatentLabException("parameter '" + name + "' = " + text + " is out of range ["
                            + fmt(min) + ", " + fmt(max) + "]");
                }
            }
            return v;
        } catch (NumberFormatException e) {
            throw new LatentLabException("parameter '" + name + "' = '" + text + "' is not a valid "
                    + type.name().toLowerCase());
        }
    }

    private static String fmt(Double d) {
        if (d == null) {
            return "-inf";
        }
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : d.toString();
    }
}
