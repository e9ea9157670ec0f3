package org.latentlab.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.latentlab.api.catalog.CapabilityInfo;
import org.latentlab.api.catalog.Catalog;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.engine.AnalysisEngine;
import org.latentlab.api.engine.AnalysisRequest;
import org.latentlab.api.engine.Job;
import org.latentlab.api.engine.JobProgress;
import org.latentlab.api.engine.JobListener;
import org.latentlab.api.engine.JobStatus;
import org.latentlab.api.model.ModelLoader;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The lab server's state: job records (H2), the API token, registered model folders, and the jobs
 * running now. Turns JSON requests into engine requests, checking every path against the
 * configured model roots. Configuration PID {@code org.latentlab.server} (a file
 * {@code DATA/etc/org.latentlab.server.cfg}), applied live.
 *
 * <p>It never goes down with the services it uses: the engine, catalog and model loader are dynamic
 * references (an engine restarting answers 503 for a moment, the job list stays), and a data folder
 * it cannot use is reported by {@link #startupProblem()} instead of failing activation.
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
        int maxQueuedJobs() default ServerSettings.DEFAULT_MAX_QUEUED;

        @AttributeDefinition(description = "largest request body in bytes (k, m suffixes allowed); larger ones get 413")
        long maxRequestBytes() default ServerSettings.DEFAULT_MAX_REQUEST_BYTES;
    }

    static final ObjectMapper JSON = new ObjectMapper();
    static final Logger LOG = Logger.getLogger(LabServer.class.getName());
    static final String PID = "org.latentlab.server";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile AnalysisEngine engine;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile Catalog catalog;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ModelLoader models;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile org.latentlab.launcher.spi.PluginStatus plugins;

    @Reference
    ConfigurationAdmin configAdmin;

    private BundleContext ctx;
    private Path home;
    private volatile ServerSettings settings;
    private JobStore store;
    private TokenStore tokens;
    private ServerLog log;
    private String startupProblem;
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Job> live = new ConcurrentHashMap<>();
    private volatile int interruptedAtStart;

    @Activate
    void activate(BundleContext ctx, Map<String, Object> config) {
        this.ctx = ctx;
        String h = ctx.getProperty("latentlab.home");
        home = Path.of(h == null ? System.getProperty("user.home") + "/.latentlab" : h).toAbsolutePath();
        try {
            log = ServerLog.install(home.resolve("logs"));
        } catch (IOException e) {
            notes.add("cannot write the log in " + home.resolve("logs") + " (" + describe(e) + "); the server runs without it");
        }
        LOG.info("server starting on the data folder " + home);
        StaleConfigurations.remove(configAdmin).forEach(LOG::info);
        modified(config);
        try {
            LabDatabase.Opened db = LabDatabase.open(home);
            store = db.store();
            notes.addAll(db.notes());
            interruptedAtStart = store.markInterrupted();
            tokens = new TokenStore(home.resolve("server").resolve("token.sha256"));
        } catch (LabDatabase.StartupException e) {
            startupProblem = e.getMessage();
        } catch (SQLException | IOException e) {
            startupProblem = "cannot use the data folder " + home + ": " + LabDatabase.firstLine(e.getMessage());
        }
        notes.forEach(LOG::warning);
        if (startupProblem != null) {
            LOG.severe(startupProblem);
        }
    }

    @Modified
    void modified(Map<String, Object> config) {
        if (StaleConfigurations.stale(config)) { // its file is gone: on its way out, it must not apply even for a moment
            config = Map.of();
        }
        ServerSettings s = ServerSettings.from(config, home);
        s.problems().forEach(LOG::warning);
        settings = s;
    }

    @Deactivate
    void deactivate() {
        live.values().forEach(Job::cancel);
        if (store != null) {
            LabDatabase.close(store);
        }
        LOG.info("server stopped");
        if (log != null) {
            log.close();
        }
    }

    Path home() {
        return home;
    }

    ServerSettings settings() {
        return settings;
    }

    ModelRoots roots() {
        return new ModelRoots(settings.modelRoots());
    }

    int interruptedAtStart() {
        return interruptedAtStart;
    }

    /** Why this server cannot serve the data folder (one line saying what to do), or null. */
    String startupProblem() {
        return startupProblem;
    }

    /** What was done or found at start that the user should know, one line each. */
    List<String> notes() {
        return List.copyOf(notes);
    }

    /**
     * Values in the server's and the engine's configuration that cannot be used (their defaults apply),
     * one line each. The engine's are read from its service properties, where SCR publishes them.
     */
    List<String> configurationProblems() {
        List<String> out = new ArrayList<>(settings.problems());
        ServiceReference<AnalysisEngine> ref = ctx.getServiceReference(AnalysisEngine.class);
        if (ref != null && !StaleConfigurations.stale(Map.of(StaleConfigurations.ORIGIN,
                String.valueOf(ref.getProperty(StaleConfigurations.ORIGIN))))) {
            for (String key : List.of("maxConcurrentJobs", "chunkSize", "modelBatch", "history", "jacobianStep")) {
                Object v = ref.getProperty(key);
                try {
                    if (v instanceof String text) {
                        if (key.equals("jacobianStep")) {
                            Double.parseDouble(text.trim());
                        } else {
                            Integer.parseInt(text.trim());
                        }
                    }
                } catch (NumberFormatException e) {
                    Object file = ref.getProperty(StaleConfigurations.ORIGIN);
                    Path f = StaleConfigurations.file(file);
                    out.add((f == null ? "configuration org.latentlab.engine" : f.toString()) + ": " + key + " = '" + v
                            + "' is not a " + (key.equals("jacobianStep") ? "number" : "whole number") + "; the engine uses its default");
                }
            }
        }
        return out;
    }

    Optional<Path> logFile() {
        return Optional.ofNullable(log).map(ServerLog::file);
    }

    TokenStore tokens() {
        usable();
        return tokens;
    }

    private JobStore store() {
        usable();
        return store;
    }

    private void usable() {
        if (startupProblem != null) {
            throw new ApiException(503, startupProblem);
        }
    }

    private AnalysisEngine engine() {
        AnalysisEngine e = engine;
        if (e == null) {
            throw unavailable("analysis engine");
        }
        return e;
    }

    private Catalog catalog() {
        Catalog c = catalog;
        if (c == null) {
            throw unavailable("catalog of services");
        }
        return c;
    }

    private ModelLoader models() {
        ModelLoader m = models;
        if (m == null) {
            throw unavailable("model loader");
        }
        return m;
    }

    private static ApiException unavailable(String what) {
        return new ApiException(503, "the " + what + " is not available right now (restarting after a configuration or "
                + "bundle change?); try again in a moment");
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

    // ---- status and services

    ObjectNode status() {
        ServerSettings s = settings;
        ObjectNode o = JSON.createObjectNode().put("home", home.toString()).put("interruptedAtStart", interruptedAtStart);
        o.set("modelRoots", JSON.valueToTree(s.modelRoots().stream().map(Path::toString).toList()));
        o.put("maxQueuedJobs", s.maxQueuedJobs()).put("maxRequestBytes", s.maxRequestBytes());
        o.set("configurationProblems", JSON.valueToTree(configurationProblems()));
        o.set("notes", JSON.valueToTree(notes));
        logFile().ifPresent(f -> o.put("log", f.toString()));
        ObjectNode e = o.putObject("engine").put("available", engine != null);
        ServiceReference<AnalysisEngine> ref = ctx.getServiceReference(AnalysisEngine.class);
        if (ref != null) { // the engine's configuration in force (SCR publishes it once applied)
            for (String key : List.of("maxConcurrentJobs", "chunkSize", "modelBatch", "jacobianStep", "history")) {
                Object v = ref.getProperty(key);
                if (v != null) {
                    e.put(key, String.valueOf(v));
                }
            }
        }
        return o;
    }

    ArrayNode services() {
        ArrayNode out = JSON.createArrayNode();
        for (CapabilityInfo i : catalog().list()) {
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

    /** Every file in the plugins folder and what became of it (the reason, for those that cannot be used). */
    ArrayNode plugins() {
        ArrayNode out = JSON.createArrayNode();
        org.latentlab.launcher.spi.PluginStatus status = plugins;
        if (status != null) {
            for (org.latentlab.launcher.spi.PluginFile f : status.files()) {
                ObjectNode o = out.addObject().put("file", f.name()).put("state", f.state().name().toLowerCase())
                        .put("bundle", f.bundle()).put("since", f.since() == null ? null : f.since().toString());
                if (f.reason() != null) {
                    o.put("reason", f.reason());
                }
            }
        }
        return out;
    }

    // ---- models

    ObjectNode registerModel(JsonNode body) throws SQLException {
        if (body == null || !body.isObject()) {
            throw new ApiException(400, "the request body must be a JSON object {\"path\": DIR, \"name\": NAME}");
        }
        String path = JobRequestParser.text(body, "path", true);
        ModelRoots roots = roots();
        Path folder = roots.resolve(path, "model folder");
        String name = JobRequestParser.text(body, "name", false);
        var spec = models().read(folder); // checks model.json; LatentLabException -> 400
        roots.checkModelFiles(spec);
        name = name == null ? spec.name() : name;
        if (!name.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new ApiException(400, "model name '" + name + "' may only use letters, digits, '.', '_' and '-'");
        }
        store().putModel(name, folder.toString());
        return JSON.createObjectNode().put("name", name).put("path", folder.toString()).put("latentDim", spec.latentDim());
    }

    ObjectNode listModels() throws SQLException {
        ObjectNode out = JSON.createObjectNode();
        store().models().forEach(out::put);
        return out;
    }

    // ---- jobs

    /**
     * Checks the request completely, then the queue bound and that results can be written; only then
     * is a record stored and the job handed to the engine. A refused request leaves nothing behind.
     */
    synchronized ObjectNode submit(JsonNode body) throws SQLException {
        JobStore store = store();
        AnalysisEngine engine = engine();
        String id = String.format("job-%1$tY%1$tm%1$td-%1$tH%1$tM%1$tS-%2$04x", new java.util.Date(),
                new java.security.SecureRandom().nextInt(0x10000));
        Path jobs = home.resolve("jobs");
        Path out = jobs.resolve(id);
        AnalysisRequest request = new JobRequestParser(catalog(), models(), roots(), store.models()).parse(body, out);
        long active = live.values().stream().filter(j -> !done(j)).count();
        int max = settings.maxQueuedJobs();
        if (active >= max) {
            throw new ApiException(429, active + " jobs are queued or running (at most " + max + "); try later");
        }
        checkWritable(jobs);
        // The record first, so a job never runs without one; removed again if the engine refuses the request.
        store.insert(new JobStore.JobRecord(id, Instant.now(), JobStatus.QUEUED.name(), body.toString(), null, null,
                out.toString(), null));
        Job job;
        try {
            job = engine.submit(request, id); // one id for the record, the folder and the engine; validates again: -> 400
        } catch (RuntimeException e) {
            store.delete(id);
            throw e;
        }
        live.put(id, job);
        String text = body.toString();
        LOG.info("job " + id + " accepted: " + (text.length() > 2000 ? text.substring(0, 2000) + "..." : text));
        job.completion().whenComplete((result, error) -> {
            String msg = finalMessage(job, error);
            try {
                store.finish(id, job.status().name(), msg, result == null ? null : summary(result).toString());
            } catch (SQLException e) {
                // the record stays RUNNING and is marked interrupted at the next start
                LOG.log(Level.WARNING, "could not record the end of job " + id + " (" + job.status() + ")", e);
            } finally {
                live.remove(id); // finished jobs are served from the database; their results are on disk
            }
            LOG.info("job " + id + " " + job.status().name().toLowerCase() + (msg == null ? "" : ": " + msg));
        });
        markRunningWhenStarted(id, job);
        return job(id);
    }

    /** Results go to DATA/jobs/ID: find a data folder that cannot take them now, not after the analysis. */
    static void checkWritable(Path jobs) {
        try {
            Files.createDirectories(jobs);
            Path probe = Files.createTempFile(jobs, ".write-check-", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new ApiException(503, "cannot write job results in " + jobs + " (" + describe(e)
                    + "); make it a writable folder with free space, then submit again");
        }
    }

    /** "X is a file, not a folder" for the nearest folder above {@code path} that is a file, if any. */
    static Optional<String> notAFolder(Path path) {
        for (Path p = path.getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                return Files.isDirectory(p) ? Optional.empty() : Optional.of(p + " is a file, not a folder");
            }
        }
        return Optional.empty();
    }

    /** What happened to an IO operation, without the exception's class name where a plain phrase exists. */
    static String describe(IOException e) {
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + " is a file, not a folder";
        }
        if (e instanceof NoSuchFileException f) {
            return f.getFile() + " does not exist";
        }
        if (e instanceof AccessDeniedException f) {
            return "permission denied on " + f.getFile();
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason() + ": " + f.getFile();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * The message a finished job keeps: the engine's, or for a failure to write its results (disk full,
     * read-only or broken data folder), what failed and what to do.
     */
    static String finalMessage(Job job, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String msg = cause == null ? job.progress().message() : cause.getMessage();
        Path out = job.request().outDir();
        for (Throwable t = cause; t != null && job.status() == JobStatus.FAILED; t = t.getCause()) {
            // a file system error on the job folder or a folder above it; not, e.g., a model file that is missing
            boolean writing = t instanceof FileSystemException f && f.getFile() != null && out != null
                    && (out.startsWith(Path.of(f.getFile())) || Path.of(f.getFile()).startsWith(out.getParent()));
            if (writing) {
                return "job failed: cannot write its results to " + out + " (" + notAFolder(out).orElse(describe((IOException) t))
                        + "); check that the data folder is writable and has free space";
            }
        }
        // the out folder refused before anything was written (e.g. DATA/jobs replaced by a file): the same advice, not the CLI's
        if (job.status() == JobStatus.FAILED && out != null && msg != null && msg.contains(out.toString())
                && notAFolder(out).isPresent()) {
            return "job failed: cannot write its results to " + out + " (" + notAFolder(out).get()
                    + "); check that the data folder is writable and has free space";
        }
        return msg;
    }

    /** Finished for the server: the engine has completed the job (its status alone may run ahead of that). */
    private static boolean done(Job j) {
        return j.completion().toCompletableFuture().isDone();
    }

    /** The numbers shown in job lists, kept in the database so listing never parses result.json. */
    static ObjectNode summary(org.latentlab.api.engine.AnalysisResult r) {
        long converged = r.trajectories().stream().filter(t -> t.converged()).count();
        long diverged = r.trajectories().stream().filter(t -> t.diverged()).count();
        return JSON.createObjectNode().put("attractors", r.attractors().size()).put("converged", converged)
                .put("diverged", diverged).put("notConverged", r.trajectories().size() - converged - diverged)
                .put("elapsedMillis", r.elapsedMillis());
    }

    /** The record says RUNNING once the engine starts the job; told by the job, not polled. */
    private void markRunningWhenStarted(String id, Job job) {
        JobStore store = this.store;
        job.listen(new JobListener() {
            private final java.util.concurrent.atomic.AtomicBoolean marked = new java.util.concurrent.atomic.AtomicBoolean();

            @Override
            public void statusChanged(Job j, JobStatus status) {
                if (status == JobStatus.RUNNING && marked.compareAndSet(false, true)) {
                    try {
                        store.markRunning(id);
                    } catch (SQLException e) {
                        LOG.log(Level.FINE, "could not mark job " + id + " running", e); // best effort: the end is recorded anyway
                    }
                }
            }
        });
    }

    ObjectNode job(String id) throws SQLException {
        JobStore.JobRecord r = store().get(id).orElseThrow(() -> new ApiException(404, "no job '" + id + "'"));
        return describe(r);
    }

    private ObjectNode describe(JobStore.JobRecord r) {
        ObjectNode o = JSON.createObjectNode();
        Job j = live.get(r.id());
        CompletableFuture<?> completion = j == null ? null : j.completion().toCompletableFuture();
        // a live job counts as finished once the engine has completed it, with the message the record gets
        String status = j == null ? r.status() : completion.isDone() ? j.status().name()
                : j.status().finished() ? JobStatus.RUNNING.name() : j.status().name();
        o.put("id", r.id()).put("status", status.toLowerCase()).put("created", r.created().toString());
        if (r.finished() != null) {
            o.put("finished", r.finished().toString());
        }
        if (j != null) {
            JobProgress p = j.progress();
            o.putObject("progress").put("stage", p.stage()).put("done", p.done()).put("total", p.total())
                    .put("fraction", p.fraction()).put("message", p.message());
            if (completion.isDone() && j.status() != JobStatus.SUCCEEDED) {
                Throwable error = null;
                try {
                    completion.join();
                } catch (CompletionException | CancellationException e) {
                    error = e;
                }
                o.put("message", finalMessage(j, error));
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
        for (JobStore.JobRecord r : store().list(limit)) {
            ObjectNode o = describe(r);
            o.remove("request");
            out.add(o);
        }
        return out;
    }

    ObjectNode cancel(String id) throws SQLException {
        store().get(id).orElseThrow(() -> new ApiException(404, "no job '" + id + "'"));
        Job j = live.get(id);
        if (j == null || done(j)) {
            throw new ApiException(409, "job '" + id + "' is not queued or running");
        }
        j.cancel();
        return job(id);
    }

    ObjectNode rerun(String id) throws SQLException, IOException {
        JobStore.JobRecord r = store().get(id).orElseThrow(() -> new ApiException(404, "no job '" + id + "'"));
        Job j = live.get(id);
        if (j != null && !done(j)) {
            throw new ApiException(409, "job '" + id + "' is still " + j.status().name().toLowerCase());
        }
        return submit(JSON.readTree(r.request()));
    }

    /** A result file: its real path must lie in the job folder's real path (a link inside cannot lead out). */
    Optional<Path> file(String id, String name) throws SQLException {
        JobStore.JobRecord r = store().get(id).orElseThrow(() -> new ApiException(404, "no job '" + id + "'"));
        Path dir = Path.of(r.outDir()).toAbsolutePath().normalize();
        Path f = dir.resolve(name).normalize();
        if (!f.startsWith(dir) || name.contains("..")) {
            throw new ApiException(400, "bad file name '" + name + "'");
        }
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        if (!ModelRoots.inside(f, dir)) {
            throw new ApiException(403, "job '" + id + "': '" + name + "' leads outside the job folder; not served");
        }
        return Optional.of(f);
    }

    ArrayNode files(String id) throws SQLException, IOException {
        JobStore.JobRecord r = store().get(id).orElseThrow(() -> new ApiException(404, "no job '" + id + "'"));
        ArrayNode out = JSON.createArrayNode();
        Path dir = Path.of(r.outDir());
        if (Files.isDirectory(dir)) {
            try (var s = Files.walk(dir)) {
                s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                        .filter(p -> !Files.isSymbolicLink(p) || ModelRoots.inside(p, dir))
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

}
