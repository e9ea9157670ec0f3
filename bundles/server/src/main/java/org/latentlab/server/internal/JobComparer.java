package org.latentlab.server.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.latentlab.api.Capability;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.data.SeedSource;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.engine.AnalysisRequest;
import org.latentlab.api.experiment.Experiment;
import org.latentlab.api.metric.Metric;
import org.latentlab.server.internal.rest.ComparedJob;
import org.latentlab.server.internal.rest.JobComparison;
import org.latentlab.server.internal.rest.JobView;

/**
 * Finished jobs side by side ({@code GET /api/jobs/compare}): each job's parameters as dotted names of
 * its request, its summary numbers and its attractor pictures, and which parameters differ. OSGi-free:
 * the services' parameter defaults come in through {@link Specs}.
 *
 * <p>Parameters are read from the stored request, not from result.json, so analyses and experiments,
 * jobs that wrote no result.json and jobs listed again after a database rebuild are compared alike; a
 * parameter the request left out gets the default of the service registered now (a job that said
 * {@code "tolerance": 1e-6} and one that relied on that default are the same).
 */
final class JobComparer {

    /** The parameters a capability registered now declares, or empty when none has that id. */
    @FunctionalInterface
    interface Specs {
        Optional<List<ParameterSpec>> of(Class<? extends Capability> type, String id);

        Specs NONE = (type, id) -> Optional.empty();
    }

    /** A job to compare: as the API shows it (with its request), and its result folder. */
    record Input(JobView view, Path folder) {}

    /** Decoded attractor pictures of a report: {@code report/attractor-N.png}, or {@code report/PREFIX-attractor-N.png}. */
    static final Pattern PICTURE = Pattern.compile("(?:([A-Za-z0-9._-]+)-)?attractor-(\\d{1,9})\\.png");
    static final String REPORT_ASSETS = "report";

    private JobComparer() {}

    static JobComparison compare(List<Input> jobs, Specs specs, int pictures) {
        List<ComparedJob> out = new ArrayList<>();
        for (Input in : jobs) {
            out.add(job(in, specs, pictures));
        }
        return new JobComparison(differing(out.stream().map(ComparedJob::parameters).toList(), out.stream().map(JobComparer::group).toList()),
                out);
    }

    static ComparedJob job(Input in, Specs specs, int pictures) {
        JobView v = in.view();
        boolean experiment = v.kind().equals("experiment");
        JsonNode req = v.request() == null ? NullNode.instance : v.request();
        Map<String, String> parameters = experiment ? experimentParameters(req, specs) : analysisParameters(req, specs);
        List<String> notes = new ArrayList<>();
        Map<String, JsonNode> numbers = experiment ? experimentNumbers(v) : analysisNumbers(v, in.folder(), notes);
        if (v.summaryError() != null) {
            notes.add("its stored summary cannot be read (" + v.summaryError() + ")");
        }
        String title = experiment && v.summary() != null && v.summary().hasNonNull("title") ? v.summary().get("title").asText() : null;
        return new ComparedJob(v.id(), v.kind(), v.status(), v.created(), v.finished(), experiment ? req.path("experiment").asText() : null,
                req.hasNonNull("model") ? req.get("model").asText() : null, title, v.message(), parameters, numbers,
                pictures(v.id(), in.folder(), pictures), notes.isEmpty() ? null : String.join("; ", notes));
    }

    // --- parameters ---

    /** An analysis request as dotted names, with the defaults of its strategy, clusterer, seed source and metrics. */
    static Map<String, String> analysisParameters(JsonNode req, Specs specs) {
        Map<String, String> p = new LinkedHashMap<>();
        put(p, "model", req.get("model"));
        JsonNode seeds = req.path("seeds");
        if (seeds.has("noise")) { // the gaussian source under the request's own names (count is "noise")
            put(p, "seeds.noise", seeds.get("noise"));
            Map<String, JsonNode> given = new LinkedHashMap<>();
            seeds.fields().forEachRemaining(e -> given.put(e.getKey(), e.getValue()));
            given.remove("noise");
            withDefaults(p, "seeds.", given, specs.of(SeedSource.class, "gaussian"), List.of("count"));
        } else if (seeds.has("source")) {
            put(p, "seeds.source", seeds.get("source"));
            withDefaults(p, "seeds.params.", fields(seeds.path("params")), specs.of(SeedSource.class, seeds.get("source").asText()),
                    List.of());
        } else {
            seeds.fields().forEachRemaining(e -> put(p, "seeds." + e.getKey(), e.getValue()));
        }
        for (String part : List.of("strategy", "clusterer")) {
            String id = req.hasNonNull(part) ? req.get(part).asText()
                    : part.equals("strategy") ? AnalysisRequest.DEFAULT_STRATEGY : AnalysisRequest.DEFAULT_CLUSTERER;
            p.put(part, id);
            Class<? extends Capability> type = part.equals("strategy") ? IterationStrategy.class : AttractorClusterer.class;
            withDefaults(p, part + "Params.", fields(req.path(part + "Params")), specs.of(type, id), List.of());
        }
        JsonNode metrics = req.path("metrics");
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        if (metrics.isArray()) {
            metrics.forEach(m -> byId.put(m.asText(), NullNode.instance));
        } else if (metrics.isObject()) {
            metrics.fields().forEachRemaining(e -> byId.put(e.getKey(), e.getValue()));
        }
        if (!byId.isEmpty()) {
            p.put("metrics", String.join(", ", byId.keySet()));
        }
        byId.forEach((id, given) -> withDefaults(p, "metrics." + id + ".", fields(given), specs.of(Metric.class, id), List.of()));
        put(p, "training", req.get("training"));
        return p;
    }

    /** An experiment request as dotted names: the experiment, its model, and every parameter with its default. */
    static Map<String, String> experimentParameters(JsonNode req, Specs specs) {
        Map<String, String> p = new LinkedHashMap<>();
        put(p, "experiment", req.get("experiment"));
        put(p, "model", req.get("model"));
        withDefaults(p, "params.", fields(req.path("params")), specs.of(Experiment.class, req.path("experiment").asText()), List.of());
        return p;
    }

    /** The given values (in the spec's order, then any the spec does not know), and each missing one's default. */
    private static void withDefaults(Map<String, String> p, String prefix, Map<String, JsonNode> given,
            Optional<List<ParameterSpec>> specs, List<String> skip) {
        Map<String, JsonNode> rest = new LinkedHashMap<>(given);
        for (ParameterSpec s : specs.orElse(List.of())) {
            if (skip.contains(s.name())) {
                continue;
            }
            JsonNode v = rest.remove(s.name());
            if (v != null) {
                put(p, prefix + s.name(), v);
            } else if (s.defaultValue() != null) {
                p.put(prefix + s.name(), s.defaultValue());
            }
        }
        rest.forEach((k, v) -> put(p, prefix + k, v));
    }

    private static Map<String, JsonNode> fields(JsonNode o) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        if (o != null && o.isObject()) {
            o.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
        }
        return m;
    }

    private static void put(Map<String, String> p, String name, JsonNode v) {
        if (v != null && !v.isNull() && !v.isMissingNode()) {
            p.put(name, v.isValueNode() ? v.asText() : v.toString());
        }
    }

    /** Jobs whose parameters are alike: analyses, or runs of one experiment. */
    static String group(ComparedJob j) {
        return j.experiment() == null ? j.kind() : j.kind() + ":" + j.experiment();
    }

    /**
     * The names that differ, in the order they first appear: two jobs that have a name with values that are
     * not the {@link #same}, or a name that some jobs of a group have and others of that group lack (a
     * strategy's own parameter, training data given to one analysis). A job of another group lacking it
     * does not count: an experiment has no strategy, and that is no difference worth showing.
     *
     * @param groups the {@link #group} of each job
     */
    static List<String> differing(List<Map<String, String>> jobs, List<String> groups) {
        Set<String> names = new LinkedHashSet<>();
        jobs.forEach(j -> names.addAll(j.keySet()));
        List<String> out = new ArrayList<>();
        for (String n : names) {
            List<String> values = jobs.stream().map(j -> j.get(n)).filter(Objects::nonNull).toList();
            boolean valuesDiffer = values.stream().anyMatch(v -> !same(values.get(0), v));
            Map<String, Set<Boolean>> hasIt = new LinkedHashMap<>(); // per group: whether its jobs have the name
            for (int i = 0; i < jobs.size(); i++) {
                hasIt.computeIfAbsent(groups.get(i), g -> new LinkedHashSet<>()).add(jobs.get(i).containsKey(n));
            }
            boolean missingInGroup = hasIt.values().stream().anyMatch(h -> h.size() == 2);
            if (valuesDiffer || missingInGroup) {
                out.add(n);
            }
        }
        return out;
    }

    /**
     * Whether two parameter values mean the same: numbers by value ({@code 1e-6} and {@code 1.0E-6}),
     * flags without case, inline JSON documents as trees (spacing and key order aside), texts exactly;
     * an absent value equals only another absent one.
     */
    static boolean same(String a, String b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.equals(b)) {
            return true;
        }
        String x = a.trim();
        String y = b.trim();
        BigDecimal u = decimal(x);
        BigDecimal w = decimal(y);
        if (u != null && w != null) {
            return u.compareTo(w) == 0;
        }
        if (isFlag(x) && isFlag(y)) {
            return x.equalsIgnoreCase(y);
        }
        JsonNode s = document(x);
        JsonNode t = document(y);
        return s != null && t != null && s.equals(NUMBERS_BY_VALUE, t);
    }

    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (s, t) -> {
        if (s.isNumber() && t.isNumber()) {
            return s.decimalValue().compareTo(t.decimalValue());
        }
        return s.equals(t) ? 0 : 1;
    };

    private static BigDecimal decimal(String s) {
        if (s.isEmpty() || !(Character.isDigit(s.charAt(s.length() - 1)) || s.endsWith("."))) {
            return null; // quick refusal of ordinary words
        }
        try {
            return new BigDecimal(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean isFlag(String s) {
        return s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false");
    }

    /** An inline JSON object or array, or null. */
    private static JsonNode document(String s) {
        if (!(s.startsWith("{") || s.startsWith("["))) {
            return null;
        }
        try {
            JsonNode n = Json.MAPPER.readTree(s);
            return n != null && n.isContainerNode() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    // --- numbers ---

    /** The stored counts, then each metric's scalar summary from result.json ({@code metrics.ID.FIELD} read as {@code ID.FIELD}). */
    static Map<String, JsonNode> analysisNumbers(JobView v, Path folder, List<String> notes) {
        Map<String, JsonNode> n = new LinkedHashMap<>();
        if (v.summary() != null && v.summary().isObject()) {
            v.summary().fields().forEachRemaining(e -> scalar(n, e.getKey(), e.getValue()));
        }
        if (folder == null) {
            return n;
        }
        try {
            Optional<Path> result = ResultFiles.file(v.id(), folder, "result.json");
            if (result.isPresent()) {
                metrics(result.get()).fields().forEachRemaining(m -> m.getValue().fields()
                        .forEachRemaining(f -> scalar(n, m.getKey() + "." + f.getKey(), f.getValue())));
            }
        } catch (IOException | RuntimeException e) {
            notes.add("its result.json cannot be read (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage())) + "); metric numbers left out");
        }
        return n;
    }

    /** An experiment's summary values, then its wall time. */
    static Map<String, JsonNode> experimentNumbers(JobView v) {
        Map<String, JsonNode> n = new LinkedHashMap<>();
        if (v.summary() != null) {
            v.summary().path("values").fields().forEachRemaining(e -> scalar(n, e.getKey(), e.getValue()));
            scalar(n, "elapsedMillis", v.summary().get("elapsedMillis"));
        }
        return n;
    }

    private static void scalar(Map<String, JsonNode> n, String name, JsonNode v) {
        if (v != null && (v.isValueNode() || v.isNull())) {
            n.put(name, v.isNull() ? NullNode.instance : v);
        }
    }

    /**
     * The {@code "metrics"} object of a result.json, read as a stream: the parser stops once it has it, so a
     * result with a million trajectories (written after the metrics) is not read.
     */
    static JsonNode metrics(Path resultJson) throws IOException {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(resultJson.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("metrics")) {
                    JsonNode m = p.readValueAsTree();
                    return m != null && m.isObject() ? m : Json.MAPPER.createObjectNode();
                }
                p.skipChildren();
            }
            return Json.MAPPER.createObjectNode();
        }
    }

    // --- pictures ---

    /**
     * Up to {@code max} decoded attractor pictures in the job's {@code report/} folder, as addresses under
     * {@code /api/jobs/ID/files/}: grouped by prefix, by attractor number within a group (the report numbers
     * attractors by basin size). Only regular files whose real path stays in the job folder.
     */
    static List<String> pictures(String id, Path folder, int max) {
        if (folder == null || max <= 0) {
            return List.of();
        }
        Path assets = folder.resolve(REPORT_ASSETS);
        if (!Files.isDirectory(assets)) {
            return List.of();
        }
        record Picture(String prefix, long number, String name) {}
        List<Picture> found = new ArrayList<>();
        try (Stream<Path> s = Files.list(assets)) {
            for (Iterator<Path> it = s.iterator(); it.hasNext(); ) {
                Path f = it.next();
                Matcher m = PICTURE.matcher(f.getFileName().toString());
                if (m.matches() && Files.isRegularFile(f) && ModelRoots.inside(f, folder.toAbsolutePath().normalize())) {
                    found.add(new Picture(Objects.requireNonNullElse(m.group(1), ""), Long.parseLong(m.group(2)),
                            f.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return found.stream().sorted(Comparator.comparing(Picture::prefix).thenComparingLong(Picture::number)).limit(max)
                .map(p -> "/api/jobs/" + id + "/files/" + REPORT_ASSETS + "/" + p.name()).toList();
    }

    private static String firstLine(String s) {
        String line = s.lines().findFirst().orElse(s);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
