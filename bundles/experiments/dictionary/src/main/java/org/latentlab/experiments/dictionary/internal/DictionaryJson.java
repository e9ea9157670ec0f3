package org.latentlab.experiments.dictionary.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * dictionary.json: the settings in force, the atom count, and per method its errors at every
 * sparsity (a skipped method has {@code skipped} with the reason and no errors). Non-finite numbers
 * are written as null.
 */
final class DictionaryJson {

    static final String LATENT_MSE = "mean over test inputs and latent coordinates of (y_hat - y)^2, y = E(x)";
    static final String PIXEL_MSE = "mean over test inputs and input values (pixels) of (D(y_hat) - x)^2";

    private DictionaryJson() {}

    static void write(DictionaryResult r, Path file) throws IOException {
        try (JsonGenerator g = new JsonFactory().createGenerator(file.toFile(), JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("experiment", DictionaryExperiment.ID);
            g.writeObjectFieldStart("settings");
            for (Map.Entry<String, Object> e : r.settings().entrySet()) {
                g.writeFieldName(e.getKey());
                value(g, e.getValue());
            }
            g.writeEndObject();
            g.writeNumberField("atoms", r.atoms());
            g.writeNumberField("latentDim", r.latentDim());
            g.writeNumberField("inputs", r.inputs());
            g.writeArrayFieldStart("sparsity");
            for (int s : r.sparsities()) {
                g.writeNumber(s);
            }
            g.writeEndArray();
            g.writeFieldName("reconstructionMse");
            value(g, r.reconstructionMse());
            g.writeObjectFieldStart("definitions");
            g.writeStringField("latentMse", LATENT_MSE);
            g.writeStringField("pixelMse", PIXEL_MSE);
            g.writeStringField("reconstructionMse", "mean over test inputs and input values of (D(E(x)) - x)^2");
            g.writeEndObject();
            g.writeArrayFieldStart("methods");
            for (DictionaryResult.Curve c : r.curves()) {
                g.writeStartObject();
                g.writeStringField("id", c.method().id);
                g.writeStringField("description", c.method().description);
                if (c.skipped().isPresent()) {
                    g.writeStringField("skipped", c.skipped().get());
                }
                g.writeArrayFieldStart("errors");
                for (int i = 0; i < c.latentMse().length; i++) {
                    g.writeStartObject();
                    g.writeNumberField("s", r.sparsities().get(i));
                    g.writeFieldName("latentMse");
                    value(g, c.latentMse()[i]);
                    g.writeFieldName("pixelMse");
                    value(g, c.pixelMse()[i]);
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private static void value(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Double d) {
            if (Double.isFinite(d)) {
                g.writeNumber(d);
            } else {
                g.writeNull();
            }
        } else if (v instanceof Float f) {
            value(g, (double) f);
        } else if (v instanceof Number n) {
            g.writeNumber(n.longValue());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                value(g, e.getValue());
            }
            g.writeEndObject();
        } else {
            g.writeString(v.toString());
        }
    }
}
