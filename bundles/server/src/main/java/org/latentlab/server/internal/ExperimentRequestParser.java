package org.latentlab.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.catalog.Catalog;
import org.latentlab.api.experiment.Experiment;
import org.latentlab.api.experiment.ExperimentRequest;

/**
 * Turns the JSON body of an experiment job ({@code POST /api/jobs} with an {@code "experiment"} field)
 * into an engine request, with the checks of analysis jobs: the experiment is registered now, its
 * parameters against their specs, the model folder through the model roots. Parameter values that
 * name files (a {@code .npy} file or anything with a '/', as {@code InputReference} reads them) must
 * be absolute paths under the model roots too: the server reads no file outside them for anyone.
 * Each error is a 400 (403 for paths outside the roots) naming the field.
 */
final class ExperimentRequestParser {

    static final List<String> FIELDS = List.of("experiment", "model", "params");

    private final Catalog catalog;
    private final JobRequestParser models;
    private final ModelRoots roots;

    /** @param models resolves the {@code model} field as for analysis jobs (registered names, roots, model.json) */
    ExperimentRequestParser(Catalog catalog, JobRequestParser models, ModelRoots roots) {
        this.catalog = catalog;
        this.models = models;
        this.roots = roots;
    }

    /** Whether a body asks for an experiment rather than an analysis. */
    static boolean isExperiment(JsonNode body) {
        return body != null && body.isObject() && body.has("experiment");
    }

    ExperimentRequest parse(JsonNode b, Path out) {
        if (b == null || !b.isObject()) {
            throw new ApiException(400, "the request body must be a JSON object");
        }
        for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new ApiException(400, "unknown field '" + f + "'; the fields of an experiment job are " + FIELDS);
            }
        }
        String id = JobRequestParser.text(b, "experiment", true);
        Experiment experiment;
        try {
            experiment = catalog.require(Experiment.class, id);
        } catch (LatentLabException e) {
            throw new ApiException(400, e.getMessage() + " (field \"experiment\"; see GET /api/experiments)");
        }
        Map<String, String> params = JobRequestParser.strings(b.get("params"), "params");
        try {
            Parameters.resolve("experiment '" + id + "'", experiment.parameters(), params);
        } catch (LatentLabException e) {
            throw new ApiException(400, "\"params\": " + e.getMessage());
        }
        for (ParameterSpec spec : experiment.parameters()) {
            String value = params.get(spec.name());
            if (value == null || spec.type() != ParameterSpec.Type.STRING) {
                continue;
            }
            String field = "params." + spec.name();
            if (isDocument(value)) {
                checkPathsIn(value, field);
            } else if (namesFile(value)) {
                params.put(spec.name(), roots.resolve(value, "file in \"" + field + "\"").toString());
            }
        }
        String model = JobRequestParser.text(b, "model", false);
        if (model == null && experiment.needsModel()) {
            throw new ApiException(400, "\"model\" is required: experiment '" + id + "' needs a model");
        }
        Path folder = model == null ? null : models.modelFolder(model);
        return ExperimentRequest.builder(id).model(folder).params(params).out(out).build();
    }

    /**
     * A text that is a document, not a reference: an inline JSON object or array (a sweep's spec) or any
     * text of several lines. Its slashes do not make it a file name.
     */
    static boolean isDocument(String value) {
        String t = value.trim();
        return t.startsWith("{") || t.startsWith("[") || t.indexOf('\n') >= 0 || t.indexOf('\r') >= 0;
    }

    /**
     * The files an inline JSON document names must lie under the model roots as well: every string in it
     * that is an absolute path or ends in {@code .npy} goes through {@link ModelRoots} (403 outside them, 400
     * for a relative {@code .npy} path). Texts that are not JSON are the experiment's to judge.
     */
    void checkPathsIn(String value, String field) {
        JsonNode doc;
        try {
            doc = Json.MAPPER.readTree(value);
        } catch (IOException e) {
            return;
        }
        if (doc == null || !doc.isContainerNode()) {
            return;
        }
        List<JsonNode> texts = new ArrayList<>();
        collectTexts(doc, texts);
        for (JsonNode t : texts) {
            String s = t.asText().trim();
            if (s.startsWith("/") || s.startsWith(java.io.File.separator) || s.toLowerCase(Locale.ROOT).endsWith(".npy")) {
                roots.resolve(s, "file in \"" + field + "\"");
            }
        }
    }

    private static void collectTexts(JsonNode n, List<JsonNode> out) {
        if (n.isTextual()) {
            out.add(n);
        } else if (n.isContainerNode()) {
            n.elements().forEachRemaining(e -> collectTexts(e, out));
        }
    }

    /** A value the experiment would read as a file: as {@code InputReference.parse} decides. */
    static boolean namesFile(String value) {
        String t = value.trim();
        return t.toLowerCase(Locale.ROOT).endsWith(".npy") || t.contains("/") || t.contains(java.io.File.separator);
    }
}
