package org.latentlab.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latentlab.api.Capability;
import org.latentlab.api.catalog.Catalog;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Parameters;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.data.DataSet;
import org.latentlab.api.data.SeedSource;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.engine.AnalysisRequest;
import org.latentlab.api.engine.SeedSpec;
import org.latentlab.api.engine.TrainingData;
import org.latentlab.api.export.Exporter;
import org.latentlab.api.metric.Metric;
import org.latentlab.api.model.ModelLoader;
import org.latentlab.api.model.ModelSpec;

/**
 * Turns the JSON body of {@code POST /api/jobs} into an engine request, checking everything that can
 * be checked before a job exists: every field's type, ids against the capabilities registered now,
 * parameters against their specs, and paths against the model roots. Each error is a 400 (403 for
 * paths outside the roots) naming the field.
 */
final class JobRequestParser {

    static final List<String> FIELDS = List.of("model", "seeds", "strategy", "strategyParams", "clusterer", "clustererParams",
            "metrics", "exporters", "training", "executor", "executorParams", "partitions");
    /** The request's defaults, from the one builder every front end uses. */
    private static Map<String, Map<String, String>> defaultExporters() {
        Map<String, Map<String, String>> m = new LinkedHashMap<>();
        AnalysisRequest.DEFAULT_EXPORTERS.forEach(id -> m.put(id, Map.of()));
        return m;
    }

    private final Catalog catalog;
    private final ModelLoader models;
    private final ModelRoots roots;
    private final Map<String, String> registered;

    /**
     * @param registered registered model names and their folders
     */
    JobRequestParser(Catalog catalog, ModelLoader models, ModelRoots roots, Map<String, String> registered) {
        this.catalog = catalog;
        this.models = models;
        this.roots = roots;
        this.registered = registered;
    }

    AnalysisRequest parse(JsonNode b, Path out) {
        if (b == null || !b.isObject()) {
            throw new ApiException(400, "the request body must be a JSON object");
        }
        for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new ApiException(400, "unknown field '" + f + "'; fields are " + FIELDS);
            }
        }
        Path folder = modelFolder(text(b, "model", true));
        SeedSpec seeds = seeds(b.get("seeds"));
        String strategy = id(b, "strategy", AnalysisRequest.DEFAULT_STRATEGY);
        Map<String, String> strategyParams = strings(b.get("strategyParams"), "strategyParams");
        check(IterationStrategy.class, "strategy", strategy, "strategy", strategyParams, "strategyParams");
        String clusterer = id(b, "clusterer", AnalysisRequest.DEFAULT_CLUSTERER);
        Map<String, String> clustererParams = strings(b.get("clustererParams"), "clustererParams");
        check(AttractorClusterer.class, "clusterer", clusterer, "clusterer", clustererParams, "clustererParams");
        Map<String, Map<String, String>> metrics = nested(b.get("metrics"), "metrics", Map.of());
        metrics.forEach((id, p) -> check(Metric.class, "metric", id, "metrics", p, "metrics." + id));
        Map<String, Map<String, String>> exporters = b.hasNonNull("exporters") ? nested(b.get("exporters"), "exporters", Map.of()) : null;
        (exporters == null ? defaultExporters() : exporters).forEach((id, p) -> check(Exporter.class, "exporter", id, "exporters", p, "exporters." + id));
        TrainingData training = null;
        if (b.hasNonNull("training")) {
            training = TrainingData.parse(text(b, "training", true)); // LatentLabException -> 400
            require(DataSet.class, training.dataset(), "training");
        }
        AnalysisRequest.Builder r = AnalysisRequest.builder().model(folder).seeds(seeds).out(out)
                .strategy(strategy, strategyParams).clusterer(clusterer, clustererParams).training(training);
        metrics.forEach(r::metric);
        if (exporters != null) {
            r.exporters(exporters);
        }
        executor(b, r);
        return r.build();
    }

    /**
     * Where the seeds are iterated: {@code executor} (a part executor's id, e.g. "spark"; absent: this lab, or where the
     * engine's configuration sends large analyses), {@code executorParams} (its parameters, e.g. {"master": ...}) and
     * {@code partitions} (parts the seeds are split into; absent: the engine chooses).
     */
    private void executor(JsonNode b, AnalysisRequest.Builder r) {
        String executor = id(b, "executor", null);
        Map<String, String> params = strings(b.get("executorParams"), "executorParams");
        if (executor == null && !params.isEmpty()) {
            throw new ApiException(400, "\"executorParams\" needs \"executor\" (e.g. \"spark\")");
        }
        if (executor != null) {
            check(org.latentlab.api.engine.SeedPartExecutor.class, "part executor", executor, "executor", params, "executorParams");
            r.executor(executor, params);
        }
        JsonNode parts = b.get("partitions");
        if (parts != null && !parts.isNull()) {
            if (!parts.canConvertToInt() || !parts.isIntegralNumber() || parts.asInt() < 1) {
                throw new ApiException(400, "\"partitions\" must be a whole number of parts, 1 or more; got " + parts);
            }
            if (executor == null || executor.equals(org.latentlab.api.engine.SeedPartExecutor.LOCAL)) {
                throw new ApiException(400, "\"partitions\" splits the seeds for an executor that iterates elsewhere "
                        + "(\"executor\": \"spark\")");
            }
            r.partitions(parts.asInt());
        }
    }

    /** A registered name, or an absolute path under the roots; never resolved against the working directory. */
    Path modelFolder(String model) {
        String path = registered.get(model);
        if (path == null && !Path.of(model.replace('\0', '_')).isAbsolute()) {
            throw new ApiException(400, "\"model\": no registered model '" + model + "' and not an absolute path under the "
                    + "model roots; register it with POST /api/models or give the folder's full path");
        }
        Path folder = roots.resolveFolder(path != null ? path : model, "model folder");
        ModelSpec spec = models.read(folder); // model.json: LatentLabException -> 400
        roots.checkModelFiles(spec);
        return folder;
    }

    private SeedSpec seeds(JsonNode s) {
        if (s == null || !s.isObject()) {
            throw new ApiException(400, "\"seeds\" must be an object: {\"noise\": N}, {\"latents\": PATH}, {\"inputs\": PATH} "
                    + "or {\"source\": ID, \"params\": {...}}");
        }
        List<String> ways = new ArrayList<>();
        for (String w : List.of("noise", "latents", "inputs", "source")) {
            if (s.has(w)) {
                ways.add(w);
            }
        }
        if (ways.size() != 1) {
            throw new ApiException(400, "\"seeds\" needs exactly one of noise, latents, inputs, source" + (ways.isEmpty() ? "" : "; got " + ways));
        }
        String way = ways.get(0);
        switch (way) {
            case "noise" -> {
                only(s, "seeds", List.of("noise", "sigma", "mean", "seed"));
                Map<String, String> p = new LinkedHashMap<>();
                p.put("count", Long.toString(whole(s.get("noise"), "seeds.noise", 1, Integer.MAX_VALUE)));
                if (s.has("sigma")) {
                    p.put("sigma", Double.toString(real(s.get("sigma"), "seeds.sigma")));
                }
                if (s.has("mean")) {
                    p.put("mean", Double.toString(real(s.get("mean"), "seeds.mean")));
                }
                if (s.has("seed")) {
                    p.put("seed", Long.toString(whole(s.get("seed"), "seeds.seed", Long.MIN_VALUE, Long.MAX_VALUE)));
                }
                check(SeedSource.class, "seed source", "gaussian", "seeds", p, "seeds");
                return SeedSpec.source("gaussian", p);
            }
            case "latents", "inputs" -> {
                only(s, "seeds", List.of(way));
                String what = way.equals("latents") ? "seed file" : "input file";
                Path f = roots.resolve(text(s, way, true, "seeds." + way), what);
                if (!Files.isRegularFile(f)) {
                    throw new ApiException(400, "\"seeds." + way + "\": " + what + " " + f + " is not a file");
                }
                return way.equals("latents") ? SeedSpec.latents(f) : SeedSpec.inputs(f);
            }
            default -> {
                only(s, "seeds", List.of("source", "params"));
                String id = text(s, "source", true, "seeds.source");
                Map<String, String> p = strings(s.get("params"), "seeds.params");
                check(SeedSource.class, "seed source", id, "seeds.source", p, "seeds.params");
                return SeedSpec.source(id, p);
            }
        }
    }

    /** The capability must be registered now and accept the parameters; errors name the field. */
    private <T extends Capability> void check(Class<T> type, String kind, String id, String idField, Map<String, String> given,
            String field) {
        T service = require(type, id, idField);
        try {
            Parameters.resolve(kind + " '" + id + "'", service.parameters(), given);
        } catch (LatentLabException e) {
            throw new ApiException(400, "\"" + field + "\": " + e.getMessage());
        }
    }

    private <T extends Capability> T require(Class<T> type, String id, String field) {
        try {
            return catalog.require(type, id);
        } catch (LatentLabException e) {
            throw new ApiException(400, e.getMessage() + " (field \"" + field + "\")");
        }
    }

    private static void only(JsonNode o, String what, List<String> allowed) {
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new ApiException(400, "unknown field '" + what + "." + f + "'; with " + allowed.get(0) + " the fields are "
                        + allowed);
            }
        }
    }

    /** A JSON whole number (10 or 10.0, not "10", 10.5 or true) in [min, max]. */
    static long whole(JsonNode n, String field, long min, long max) {
        boolean integral = n != null && n.isNumber() && (n.isIntegralNumber() ? n.canConvertToLong()
                : n.canConvertToExactIntegral() && n.canConvertToLong());
        if (!integral || n.asLong() < min || n.asLong() > max) {
            throw new ApiException(400, "\"" + field + "\" must be a whole number from " + min + " to " + max + ", not " + n);
        }
        return n.asLong();
    }

    /** A finite JSON number. */
    static double real(JsonNode n, String field) {
        if (n == null || !n.isNumber() || !Double.isFinite(n.asDouble())) {
            throw new ApiException(400, "\"" + field + "\" must be a number, not " + n);
        }
        return n.asDouble();
    }

    private static String id(JsonNode b, String field, String def) {
        String id = text(b, field, false);
        return id == null ? def : id;
    }

    static String text(JsonNode b, String f, boolean required) {
        return text(b, f, required, f);
    }

    private static String text(JsonNode b, String f, boolean required, String field) {
        JsonNode n = b == null ? null : b.get(f);
        if (n == null || n.isNull()) {
            if (required) {
                throw new ApiException(400, "\"" + field + "\" is required");
            }
            return null;
        }
        if (!n.isTextual() || n.asText().isBlank()) {
            throw new ApiException(400, "\"" + field + "\" must be a non-empty string, not " + n);
        }
        return n.asText();
    }

    /** An object of scalar parameter values, as text. */
    static Map<String, String> strings(JsonNode n, String what) {
        Map<String, String> out = new LinkedHashMap<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isObject()) {
            throw new ApiException(400, "\"" + what + "\" must be an object of parameter values, not " + n);
        }
        n.fields().forEachRemaining(e -> {
            if (e.getValue().isContainerNode() || e.getValue().isNull()) {
                throw new ApiException(400, "\"" + what + "." + e.getKey() + "\" must be a number, string or boolean");
            }
            out.put(e.getKey(), e.getValue().asText());
        });
        return out;
    }

    /** A list of ids, or an object id -> parameters. */
    private static Map<String, Map<String, String>> nested(JsonNode n, String what, Map<String, Map<String, String>> def) {
        if (n == null || n.isNull()) {
            return new LinkedHashMap<>(def);
        }
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        if (n.isArray()) {
            for (JsonNode x : n) {
                if (!x.isTextual() || x.asText().isBlank()) {
                    throw new ApiException(400, "\"" + what + "\" must list ids as strings, not " + x);
                }
                out.put(x.asText(), Map.of());
            }
        } else if (n.isObject()) {
            n.fields().forEachRemaining(e -> out.put(e.getKey(), strings(e.getValue(), what + "." + e.getKey())));
        } else {
            throw new ApiException(400, "\"" + what + "\" must be a list of ids or an object id -> parameters");
        }
        return out;
    }
}
