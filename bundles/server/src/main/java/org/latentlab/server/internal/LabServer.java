package org.latentlab.server.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;
import org.latentlab.api.engine.AnalysisEngine;
import org.latentlab.launcher.spi.ConfigFiles;
import org.latentlab.server.internal.rest.StatusView;
import org.latentlab.server.internal.rest.StatusView.EngineView;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;


/**
 * The lab server's ground: the data folder, its configuration (PID {@code org.latentlab.server}, a file
 * {@code DATA/etc/org.latentlab.server.cfg}, applied live), the job database, the API token and the
 * server's log. Jobs are {@link JobService}'s, paths are checked by {@link ModelRoots}.
 *
 * <p>It never fails activation: a data folder it cannot use is reported by {@link #startupProblem()}
 * (every API call answers 503 with it) and the configuration's bad values by {@link #configurationProblems()}.
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

    static final Logger LOG = Logger.getLogger(LabServer.class.getName());
    static final String PID = "org.latentlab.server";

    private BundleContext ctx;
    private Path home;
    private volatile ServerSettings settings;
    private JobStore store;
    private TokenStore tokens;
    private ServerLog log;
    private String startupProblem;
    private final List<String> notes = new ArrayList<>();
    private volatile int interruptedAtStart;

    @Activate
    void activate(BundleContext ctx, Map<String, Object> config) {
        this.ctx = ctx;
        String h = ctx.getProperty("latentlab.home");
        home = Path.of(h == null ? System.getProperty("user.home") + "/.latentlab" : h).toAbsolutePath();
        try {
            log = ServerLog.install(home.resolve("logs"));
        } catch (IOException e) {
            notes.add("cannot write the log in " + home.resolve("logs") + " (" + JobOutcome.describe(e) + "); the server runs without it");
        }
        LOG.info("server starting on the data folder " + home);
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
        if (ConfigFiles.stale(config)) { // its file is gone: on its way out, it must not apply even for a moment
            config = Map.of();
        }
        ServerSettings s = ServerSettings.from(config, home);
        s.problems().forEach(LOG::warning);
        settings = s;
    }

    @Deactivate
    void deactivate() {
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
        return new ModelRoots(settings().modelRoots());
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
        if (ref != null && !ConfigFiles.stale(Map.of(ConfigFiles.ORIGIN,
                String.valueOf(ref.getProperty(ConfigFiles.ORIGIN))))) {
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
                    Object file = ref.getProperty(ConfigFiles.ORIGIN);
                    Path f = ConfigFiles.file(file);
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

    /** The job database. @throws ApiException 503 when the data folder cannot be used */
    JobStore store() {
        usable();
        return store;
    }

    private void usable() {
        if (startupProblem != null) {
            throw new ApiException(503, startupProblem);
        }
    }

    /** {@code GET /api/status}. */
    StatusView status() {
        ServerSettings s = settings;
        ServiceReference<AnalysisEngine> ref = ctx.getServiceReference(AnalysisEngine.class);
        // the engine's configuration in force (SCR publishes it once applied)
        Function<String, String> engineValue = key -> {
            Object v = ref == null ? null : ref.getProperty(key);
            return v == null ? null : String.valueOf(v);
        };
        EngineView engine = new EngineView(ref != null, engineValue.apply("maxConcurrentJobs"), engineValue.apply("chunkSize"),
                engineValue.apply("modelBatch"), engineValue.apply("jacobianStep"), engineValue.apply("history"));
        return new StatusView(home.toString(), interruptedAtStart, s.modelRoots().stream().map(Path::toString).toList(),
                s.maxQueuedJobs(), s.maxRequestBytes(), configurationProblems(), List.copyOf(notes),
                logFile().map(Path::toString).orElse(null), engine);
    }
}
