package org.latentlab.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.latentlab.api.CapabilityInfo;
import org.latentlab.api.Catalog;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.engine.AnalysisEngine;
import org.latentlab.api.engine.AnalysisRequest;
import org.latentlab.api.engine.Job;
import org.latentlab.api.engine.JobProgress;
import org.latentlab.api.engine.JobStatus;
import org.latentlab.api.engine.SeedSpec;
import org.latentlab.api.engine.TrainingData;
import org.latentlab.api.model.ModelLoader;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The lab server's state: job records (H2), the API token, registered model folders, and the jobs
 * running now. Turns JSON requests into engine requests, checking every path against the
 * configured model roots. Configuration PID {@code org.latentlab.server} (a file
 * {@code DATA/etc/org.latentlab.server.cfg}).
 */
@Component(service = LabServer.class, immediate = true, configurationPid = "org.latentlab.server")
@Designate(ocd = LabServer.Config.class)
public class LabServer {

    @ObjectClassDefinition(name = "LatentLab server")
    public @interface Config {
        @AttributeDefinition(description = "folders (comma-separated) under which model folders and seed files may lie; "
                + "default: DATA/models and DATA/data")
        String modelRoots() default "";

        @AttributeDefinition(description = "jobs queued or running at most; more are refused with 429")
        int maxQueuedJobs() default 8;
    }

    static final ObjectMapper JSON = new ObjectMapper();

    @Reference
    AnalysisEngine engine;

    @Reference
    Catalog catalog;

    @Reference
    ModelLoader models;

    private Path home;
    private volatile List<Path> roots;
    private volatile int maxQueued;
    private JobStore store;
    private TokenStore tokens;
    private final Map<String, Job> live = new ConcurrentHashMap<>();
    private final AtomicInteger counter = new AtomicInteger();
    private volatile int interruptedAtStart;

    @Activate
    void activate(BundleContext ctx, Config config) throws IOException, SQLException {
        String h = ctx.getProperty("latentlab.home");
        home = Path.of(h == null ? System.getProperty("user.home") + "/.latentlab" : h);
        Files.createDirectories(home.resolve("server"));
        store = new JobStore(home.resolve("server").resolve("lab"));
        interruptedAtStart = store.markInterrupted();
        tokens = new TokenStore(home.resolve("server").resolve("token.sha256"));
        modified(config);
    }

    @Modified
    void modified(Config config) {
        List<Path> r = new ArrayList<>();
        for (String s : config.modelRoots().split(",")) {
            if (!s.isBlank()) {
                r.add(Path.of(s.trim()).toAbsolutePath().normalize());
            }
        }
        if (r.isEmpty()) {
            r.add(home.resolve("models").toAbsolutePath().normalize());
            r.add(home.resolve("data").toAbsolutePath().normalize());
        }
        roots = List.copyOf(r);
        maxQueued = Math.max(1, config.maxQueuedJobs());
    }

    @Deactivate
    void deactivate() throws SQLException {
        live.values().forEach(Job::cancel);
        store.close();
    }

    Path home() {
        return home;
    }

    List<Path> roots() {
        return roots;
    }

    int interruptedAtStart() {
        return interruptedAtStart;
    }

    TokenStore tokens() {
        return tokens;
    }

    /** A client error: the API answers with this status and message. */
    static final class ApiException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        ApiException(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    // ---- services

    ArrayNode services() {
        ArrayNode out = JSON.createArrayNode();
        for (CapabilityInfo i : catalog.list()) {
            ObjectNode o = out.addObject();
            o.put("kind", i.kind().label()).put("id", i.id()).put("description", i.description())
                    .put("bundle", i.bundle()).put("version", i.bundleVersion());
            ArrayNode ps = o.putArray("parameters");
            for (ParameterSpec p : i.parameters()) {
                ObjectNode po = ps.addObject().put("name", p.name()).put("type", p.type().name().toLowerCase())
                        .put("default", p.defaultValue()).put("description", p.description());
                if (p.min() != null) {
                    po.put("min", p.min()).put("max", p.max());
                }
            }
        }
        return out;
    }

    // ---- models

    ObjectNode registerModel(JsonNode body) throws SQLException {
        String path = text(body, "path", true);
        Path folder = underRoots(path, "model folder");
        String name = text(body, "name", false);
        var spec = models.read(folder); // checks model.json; LatentLabException -> 400
        name = name == null ? spec.name() : name;
        if (!name.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new ApiException(400, "model name '" + name + "' may only use letters, digits, '.', '_' and '-'");
        }
        store.putModel(name, folder.toString());
        return JSON.createObjectNode().put("name", name).put("path", folder.toString()).put("latentDim", spec.latentDim());
    }

    ObjectNode listModels() throws SQLException {
        ObjectNode out = JSON.createObjectNode();
        store.models().forEach(out::put);
        return out;
    }

    Path underRoots(String path, String what) {
        Path p;
        try {
            p = Path.of(path).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new ApiException(400, what + " '" + path + "' is not a valid path: " + e.getReason());
        }
        for (Path r : roots) {
            if (p.startsWith(r)) {
                try {
                    Path real = p.toRealPath();
                    if (roots.stream().anyMatch(root -> real.startsWith(realOrSelf(root)))) {
                        return real;
                    }
                } catch (IOException e) {
                    throw new ApiException(400, what + " " + p + " does not exist");
                }
            }
        }
        throw new ApiException(403, what + " " + p + " is outside the configured model roots " + roots);
    }

    private static Path realOrSelf(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p;
        }
    }

    // ---- jobs

    synchronized ObjectNode submit(JsonNode body) throws SQLException {
        long active = live.values().stream().filter(j -> !j.status().finished()).count();
        if (active >= maxQueued) {
            throw new ApiException(429, active + " jobs are queued or running (at most " + maxQueued + "); try later");
        }
        String id = String.format("job-%1$tY%1$tm%1$td-%1$tH%1$tM%1$tS-%2$04x", new java.util.Date(),
                new java.security.SecureRandom().nextInt(0x10000));
        Path out = home.resolve("jobs").resolve(id);
        AnalysisRequest request = request(body, out);
        // The record first, so a job never runs without one; removed again if the engine refuses the request.
        store.insert(new JobStore.JobRecord(id, Instant.now(), JobStatus.QUEUED.name(), body.toString(), null, null,
                out.toString(), null));
        Job job;
        try {
            job = engine.submit(request); // validates ids and parameters: LatentLabException -> 400
        } catch (RuntimeException e) {
            store.delete(id);
            throw e;
        }
        live.put(id, job);
        job.completion().whenComplete((result, error) -> {
            try {
                String msg = error == null ? job.progress().message()
                        : error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                                ? error.getCause().getMessage() : error.getMessage();
                store.finish(id, job.status().name(), msg, result == null ? null : summary(result).toString());
            } catch (SQLException e) {
                // the record stays RUNNING and is marked interrupted at the next start
            } finally {
                live.remove(id); // finished jobs are served from the database; their results are on disk
            }
        });
        markRunningWhenStarted(id, job);
        return job(id);
    }

    /** The numbers shown in job lists, kept in the database so listing never parses result.json. */
    static ObjectNode summary(org.latentlab.api.engine.AnalysisResult r) {
        long converged = r.trajectories().stream().filter(t -> t.converged()).count();
        long diverged = r.trajectories().stream().filter(t -> t.diverged()).count();
        return JSON.createObjectNode().put("attractors", r.attractors().size()).put("converged", converged)
                .put("diverged", diverged).put("notConverged", r.trajectories().size() - converged - diverged)
                .put("elapsedMillis", r.elapsedMillis());
    }

    private void markRunningWhenStarted(String id, Job job) {
        Thread t = new Thread(() -> {
            while (job.status() == JobStatus.QUEUED) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
            try {
                store.markRunning(id);
            } catch (SQLException ignored) {
                // best effort
            }
        }, "latentlab-server-watch-" + id);
        t.setDaemon(true);
        t.start();
    }

    /** Builds the engine request from the JSON body; paths must lie under the model roots. */
    AnalysisRequest request(JsonNode b, Path out) throws SQLException {
        if (b == null || !b.isObject()) {
            throw new ApiException(400, "the request body must be a JSON object");
        }
        List<String> known = List.of("model", "seeds", "strategy", "strategyParams", "clusterer", "clustererParams", "metrics",
                "exporters", "training");
        for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw new ApiException(400, "unknown field '" + f + "'; fields are " + known);
            }
        }
        String model = text(b, "model", true);
        String registered = store.models().get(model);
        Path folder = underRoots(registered != null ? registered : model, "model folder");
        JsonNode s = b.get("seeds");
        if (s == null || !s.isObject()) {
            throw new ApiException(400, "\"seeds\" must be an object: {\"noise\": N}, {\"latents\": PATH}, {\"inputs\": PATH} "
                    + "or {\"source\": ID, \"params\": {...}}");
        }
        SeedSpec seeds;
        if (s.has("noise")) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("count", s.get("noise").asText());
            if (s.has("sigma")) {
                p.put("sigma", s.get("sigma").asText());
            }
            if (s.has("seed")) {
                p.put("seed", s.get("seed").asText());
            }
            seeds = new SeedSpec(SeedSpec.Kind.SOURCE, null, "gaussian", p);
        } else if (s.has("latents")) {
            seeds = new SeedSpec(SeedSpec.Kind.LATENTS, underRoots(s.get("latents").asText(), "seed file"), null, Map.of());
        } else if (s.has("inputs")) {
            seeds = new SeedSpec(SeedSpec.Kind.INPUTS, underRoots(s.get("inputs").asText(), "input file"), null, Map.of());
        } else if (s.has("source")) {
            seeds = new SeedSpec(SeedSpec.Kind.SOURCE, null, s.get("source").asText(), strings(s.get("params"), "seeds.params"));
        } else {
            throw new ApiException(400, "\"seeds\" needs one of noise, latents, inputs, source");
        }
        Map<String, Map<String, String>> metrics = nested(b.get("metrics"), "metrics", Map.of());
        Map<String, Map<String, String>> exporters = nested(b.get("exporters"), "exporters",
                Map.of("json", Map.of(), "npy", Map.of(), "csv", Map.of(), "html", Map.of()));
        TrainingData training = b.hasNonNull("training") ? TrainingData.parse(b.get("training").asText()) : null;
        return new AnalysisRequest(folder, seeds, b.path("strategy").asText("picard"), strings(b.get("strategyParams"),
                "strategyParams"), b.path("clusterer").asText("cosine"), strings(b.get("clustererParams"), "clustererParams"),
                metrics, exporters, out, training);
    }

    private static String text(JsonNode b, String f, boolean required) {
        JsonNode n = b == null ? null : b.get(f);
        if (n == null || n.isNull()) {
            if (required) {
                throw new ApiException(400, "\"" + f + "\" is required");
            }
            return null;
        }
        if (!n.isTextual() || n.asText().isBlank()) {
            throw new ApiException(400, "\"" + f + "\" must be a non-empty string");
        }
        return n.asText();
    }

    private static Map<String, String> strings(JsonNode n, String what) {
        Map<String, String> out = new LinkedHashMap<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isObject()) {
            throw new ApiException(400, "\"" + what + "\" must be an object of parameter values");
        }
        n.fields().forEachRemaining(e -> {
            if (e.getValue().isContainerNode()) {
                throw new ApiException(400, what + "." + e.getKey() + " must be a number, string or boolean");
            }
            out.put(e.getKey(), e.getValue().asText());
        });
        return out;
    }

    private static Map<String, Map<String, String>> nested(JsonNode n, String what, Map<String, Map<String, String>> def) {
        if (n == null || n.isNull()) {
            return new LinkedHashMap<>(def);
        }
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        if (n.isArray()) {
            n.forEach(x -> out.put(x.asText(), Map.of()));
        } else if (n.isObject()) {
            n.fields().forEachRemaining(e -> out.put(e.getKey(), strings(e.getValue(), what + "." + e.getKey())));
        } else {
            throw new ApiException(400, "\"" + what + "\" must be a list of ids or an object id -> parameters");
        }
        return out;
    }

    ObjectNode job(String id) throws SQLException {
        JobStore.JobRecord r = store.get(id).orElseThrow(() -> new ApiException(404, "no job '" + id + "'"));
        return describe(r);
    }

    private ObjectNode describe(JobStore.JobRecord r) {
        ObjectNode o = JSON.createObjectNode();
        Job j = live.get(r.id());
        String status = j != null ? j.status().name() : r.status();
        o.put("id", r.id()).put("status", status.toLowerCase()).put("created", r.created().toString());
        if (r.finished() != null) {
            o.put("finished", r.finished().toString());
        }
        if (j != null) {
            JobProgress p = j.progress();
            o.putObject("progress").put("stage", p.stage()).put("done", p.done()).put("total", p.total())
                    .put("fraction", p.fraction()).put("message", p.message());
            if (j.status().finished() && j.status() != JobStatus.SUCCEEDED) {
                o.put("message", p.message());
            }
        } else if (r.message() != null) {
            o.put("message", r.message());
        }
        try {
            o.set("request", JSON.readTree(r.request()));
        } catch (IOException e) {
            o.put("request", r.request());
        }
        if (r.summary() == null && j != null && j.result().isPresent()) {
            o.set("summary", summary(j.result().get())); // finished a moment ago; the record follows
        } else if (r.summary() != null) {
            try {
                o.set("summary", JSON.readTree(r.summary()));
            } catch (IOException e) {
                o.put("summaryError", e.getMessage());
            }
        }
        return o;
    }

    ArrayNode jobs(int limit) throws SQLException {
        ArrayNode out = JSON.createArrayNode();
        for (JobStore.JobRecord r : store.list(limit)) {
            ObjectNode o = describe(r);
            o.remove("request");
            out.add(o);
        }
        return out;
    }

    ObjectNode cancel(String id) throws SQLException {
        store.get(id).orElseThrow(() -> new ApiException(404, "no job '" + id + "'"));
        Job j = live.get(id);
        if (j == null || j.status().finished()) {
            throw new ApiException(409, "job '" + id + "' is not queued or running");
        }
        j.cancel();
        return job(id);
    }

    ObjectNode rerun(String id) throws SQLException, IOException {
        JobStore.JobRecord r = store.get(id).orElseThrow(() -> new ApiException(404, "no job '" + id + "'"));
        Job j = live.get(id);
        if (j != null && !j.status().finished()) {
            throw new ApiException(409, "job '" + id + "' is still " + j.status().name().toLowerCase());
        }
        return submit(JSON.readTree(r.request()));
    }

    Optional<Path> file(String id, String name) throws SQLException {
        JobStore.JobRecord r = store.get(id).orElseThrow(() -> new ApiException(404, "no job '" + id + "'"));
        Path dir = Path.of(r.outDir()).toAbsolutePath().normalize();
        Path f = dir.resolve(name).normalize();
        if (!f.startsWith(dir) || name.contains("..")) {
            throw new ApiException(400, "bad file name '" + name + "'");
        }
        return Files.isRegularFile(f) ? Optional.of(f) : Optional.empty();
    }

    ArrayNode files(String id) throws SQLException, IOException {
        JobStore.JobRecord r = store.get(id).orElseThrow(() -> new ApiException(404, "no job '" + id + "'"));
        ArrayNode out = JSON.createArrayNode();
        Path dir = Path.of(r.outDir());
        if (Files.isDirectory(dir)) {
            try (var s = Files.walk(dir)) {
                s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                        .map(p -> dir.relativize(p).toString()).sorted().forEach(out::add);
            }
        }
        return out;
    }

    ArrayNode compare(List<String> ids) throws SQLException {
        ArrayNode out = JSON.createArrayNode();
        for (String id : ids) {
            ObjectNode o = job(id);
            ObjectNode row = out.addObject().put("id", id).put("status", o.path("status").asText());
            JsonNode req = o.path("request");
            row.put("model", req.path("model").asText()).put("strategy", req.path("strategy").asText("picard"))
                    .put("clusterer", req.path("clusterer").asText("cosine"));
            if (o.has("summary")) {
                row.set("summary", o.get("summary"));
            }
        }
        return out;
    }

    /** For errors the engine reports. */
    static ApiException badRequest(LatentLabException e) {
        return new ApiException(400, e.getMessage());
    }
}
