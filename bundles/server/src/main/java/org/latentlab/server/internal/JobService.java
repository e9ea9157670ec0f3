package org.latentlab.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.latentlab.api.catalog.Catalog;
import org.latentlab.api.engine.AnalysisEngine;
import org.latentlab.api.engine.AnalysisRequest;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.engine.Job;
import org.latentlab.api.engine.JobListener;
import org.latentlab.api.engine.JobStatus;
import org.latentlab.api.experiment.ExperimentEngine;
import org.latentlab.api.experiment.ExperimentRequest;
import org.latentlab.api.experiment.ExperimentResult;
import org.latentlab.api.model.ModelLoader;
import org.latentlab.server.internal.rest.ExperimentSummary;
import org.latentlab.server.internal.rest.JobComparison;
import org.latentlab.server.internal.rest.JobSummary;
import org.latentlab.server.internal.rest.JobView;
import org.latentlab.server.internal.rest.ProgressView;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The server's jobs, analyses and experiments alike: submit, list, cancel, re-run. A body with an
 * {@code "experiment"} field goes to the {@link ExperimentEngine}, any other to the {@link AnalysisEngine};
 * from then on both are a {@link Job} and are stored, followed and served the same way. Every job has a record in the database (its status
 * and, once finished, its message and summary) and, while the engine has it, a live {@link Job}; the
 * record is written when the engine tells the job started and ended, never polled. One id names the
 * record, the result folder {@code DATA/jobs/ID} and the engine's job.
 *
 * <p>Immediate: it holds the live jobs, so it must not go away when the HTTP runtime restarts and
 * lets go of the servlets.
 */
@Component(service = JobService.class, immediate = true)
public class JobService {

    static final Logger LOG = Logger.getLogger(JobService.class.getName());

    @Reference
    LabServer lab;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile AnalysisEngine engine;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ExperimentEngine experiments;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile Catalog catalog;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ModelLoader models;

    private final Map<String, Job<?>> live = new ConcurrentHashMap<>();

    @Deactivate
    void deactivate() {
        live.values().forEach(Job::cancel);
    }

    /**
     * Checks the request completely, then the queue bound and that results can be written; only then
     * is a record stored and the job handed to the engine. A refused request leaves nothing behind.
     */
    synchronized JobView submit(JsonNode body) throws SQLException {
        JobStore store = lab.store();
        String id = String.format("job-%1$tY%1$tm%1$td-%1$tH%1$tM%1$tS-%2$04x", new Date(), new SecureRandom().nextInt(0x10000));
        Path jobs = lab.home().resolve("jobs");
        Path out = jobs.resolve(id);
        Submission submission = ExperimentRequestParser.isExperiment(body) ? experiment(body, out) : analysis(body, out);
        long active = live.values().stream().filter(j -> !done(j)).count();
        int max = lab.settings().maxQueuedJobs();
        if (active >= max) {
            throw new ApiException(429, active + " jobs are queued or running (at most " + max + "); try later");
        }
        checkWritable(jobs);
        // The record first, so a job never runs without one; removed again if the engine refuses the request.
        store.insert(new JobStore.JobRecord(id, Instant.now(), JobRecordStatus.QUEUED.name(), body.toString(), null, null,
                out.toString(), null));
        Job<?> job;
        try {
            job = submission.submit(id); // validates again: LatentLabException -> 400
        } catch (RuntimeException e) {
            store.delete(id);
            throw e;
        }
        live.put(id, job);
        String text = body.toString();
        LOG.info("job " + id + " accepted: " + (text.length() > 2000 ? text.substring(0, 2000) + "..." : text));
        job.completion().whenComplete((result, error) -> recordEnd(store, job, result == null ? null : summary(result), error));
        markRunningWhenStarted(store, job);
        return job(id);
    }

    /** A checked request, ready for its engine under the id the server chose. */
    @FunctionalInterface
    private interface Submission {
        Job<?> submit(String id);
    }

    private Submission analysis(JsonNode body, Path out) throws SQLException {
        AnalysisEngine engine = require(this.engine, "analysis engine");
        AnalysisRequest request = parser().parse(body, out);
        return id -> engine.submit(request, id);
    }

    private Submission experiment(JsonNode body, Path out) throws SQLException {
        ExperimentEngine engine = require(this.experiments, "experiment engine");
        ExperimentRequest request = new ExperimentRequestParser(require(catalog, "catalog of services"), parser(), lab.roots())
                .parse(body, out);
        return id -> engine.submit(request, id);
    }

    private JobRequestParser parser() throws SQLException {
        return new JobRequestParser(require(catalog, "catalog of services"), require(models, "model loader"), lab.roots(),
                lab.store().models());
    }

    /** What job lists show of a result. */
    static Object summary(Object result) {
        if (result instanceof AnalysisResult a) {
            return JobSummary.of(a);
        }
        if (result instanceof ExperimentResult e) {
            return ExperimentSummary.of(e);
        }
        return null;
    }


    /** The record takes the job's end; from then on the job is served from the database (its results are on disk). */
    private void recordEnd(JobStore store, Job<?> job, Object summary, Throwable error) {
        String id = job.id();
        String msg = JobOutcome.finalMessage(job, error);
        try {
            store.finish(id, JobRecordStatus.of(job.status()).name(), msg,
                    summary == null ? null : Json.MAPPER.valueToTree(summary).toString());
        } catch (SQLException e) {
            // the record stays RUNNING and is marked interrupted at the next start
            LOG.log(Level.WARNING, "could not record the end of job " + id + " (" + job.status() + ")", e);
        } finally {
            live.remove(id);
        }
        LOG.info("job " + id + " " + job.status().name().toLowerCase() + (msg == null ? "" : ": " + msg));
    }

    /** The record says RUNNING once the engine starts the job. */
    private static void markRunningWhenStarted(JobStore store, Job<?> job) {
        AtomicBoolean marked = new AtomicBoolean();
        job.listen(new JobListener() {
            @Override
            public void statusChanged(Job<?> j, JobStatus status) {
                if (status == JobStatus.RUNNING && marked.compareAndSet(false, true)) {
                    try {
                        store.markRunning(j.id());
                    } catch (SQLException e) {
                        LOG.log(Level.FINE, "could not mark job " + j.id() + " running", e); // the end is recorded anyway
                    }
                }
            }
        });
    }

    /** Results go to DATA/jobs/ID: find a data folder that cannot take them now, not after the analysis. */
    static void checkWritable(Path jobs) {
        try {
            Files.createDirectories(jobs);
            Path probe = Files.createTempFile(jobs, ".write-check-", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new ApiException(503, "cannot write job results in " + jobs + " (" + JobOutcome.describe(e)
                    + "); make it a writable folder with free space, then submit again");
        }
    }

    /** Finished for the server: the engine has completed the job (its status alone may run ahead of that). */
    static boolean done(Job<?> j) {
        return j.completion().toCompletableFuture().isDone();
    }

    /** The job while the engine has it; empty once its end is recorded. */
    Optional<Job<?>> live(String id) {
        return Optional.ofNullable(live.get(id));
    }

    JobView job(String id) throws SQLException {
        return view(record(id));
    }

    private JobStore.JobRecord record(String id) throws SQLException {
        return lab.store().get(id).orElseThrow(() -> ApiException.notFound(id));
    }

    private JobView view(JobStore.JobRecord r) {
        Job<?> j = live.get(r.id());
        CompletableFuture<?> completion = j == null ? null : j.completion().toCompletableFuture();
        // a live job counts as finished once the engine has completed it, with the message the record gets
        String status = j == null ? r.status() : completion.isDone() ? j.status().name()
                : j.status().finished() ? JobStatus.RUNNING.name() : j.status().name();
        String message = r.message();
        ProgressView progress = null;
        if (j != null) {
            progress = ProgressView.of(j.progress());
            message = null;
            if (completion.isDone() && j.status() != JobStatus.SUCCEEDED) {
                Throwable error = null;
                try {
                    completion.join();
                } catch (CompletionException | CancellationException e) {
                    error = e;
                }
                message = JobOutcome.finalMessage(j, error);
            }
        }
        JsonNode request;
        try {
            request = Json.MAPPER.readTree(r.request());
        } catch (IOException e) {
            request = TextNode.valueOf(r.request());
        }
        JsonNode summary = null;
        String summaryError = null;
        if (r.summary() == null && j != null && j.result().isPresent()) {
            summary = Json.MAPPER.valueToTree(summary(j.result().get())); // finished a moment ago; the record follows
        } else if (r.summary() != null) {
            try {
                summary = Json.MAPPER.readTree(r.summary());
            } catch (IOException e) {
                summaryError = e.getMessage();
            }
        }
        String kind = request.isObject() && ExperimentRequestParser.isExperiment(request) ? "experiment" : "analysis";
        return new JobView(r.id(), kind, status.toLowerCase(), r.created().toString(), r.finished() == null ? null : r.finished().toString(),
                progress, message, request, summary, summaryError);
    }

    List<JobView> jobs(int limit) throws SQLException {
        List<JobView> out = new ArrayList<>();
        for (JobStore.JobRecord r : lab.store().list(limit)) {
            out.add(view(r).withoutRequest());
        }
        return out;
    }

    JobView cancel(String id) throws SQLException {
        record(id);
        Job<?> j = live.get(id);
        if (j == null || done(j)) {
            throw new ApiException(409, "job '" + id + "' is not queued or running");
        }
        j.cancel();
        return job(id);
    }

    JobView rerun(String id) throws SQLException, IOException {
        JobStore.JobRecord r = record(id);
        Job<?> j = live.get(id);
        if (j != null && !done(j)) {
            throw new ApiException(409, "job '" + id + "' is still " + j.status().name().toLowerCase());
        }
        return submit(Json.MAPPER.readTree(r.request()));
    }

    /** A result file of a job, inside its folder (see {@link ResultFiles}). */
    Optional<Path> file(String id, String name) throws SQLException {
        return ResultFiles.file(id, Path.of(record(id).outDir()), name);
    }

    List<String> files(String id) throws SQLException, IOException {
        return ResultFiles.list(Path.of(record(id).outDir()));
    }

    /** Jobs compared at once at most: each may read the head of its result.json. */
    static final int MAX_COMPARED = 16;
    /** Attractor pictures per job at most. */
    static final int MAX_PICTURES = 64;

    /**
     * Finished jobs side by side, analyses and experiments alike (see {@link JobComparer}).
     *
     * @throws ApiException 400 for fewer than two jobs, more than {@link #MAX_COMPARED}, a job named twice or one
     *                      not finished yet; 404 for an unknown job; each naming the job
     */
    JobComparison compare(List<String> ids, int pictures) throws SQLException {
        List<String> wanted = ids.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (wanted.size() < 2 || wanted.size() > MAX_COMPARED) {
            throw new ApiException(400, "compare takes 2 to " + MAX_COMPARED + " jobs, got " + wanted.size()
                    + ": ?ids=JOB1,JOB2[,...]");
        }
        if (pictures < 0 || pictures > MAX_PICTURES) {
            throw new ApiException(400, "pictures=" + pictures + " is out of range; give 0 to " + MAX_PICTURES);
        }
        List<JobComparer.Input> in = new ArrayList<>();
        for (String id : wanted) {
            if (wanted.indexOf(id) != wanted.lastIndexOf(id)) {
                throw new ApiException(400, "job '" + id + "' is named twice; list each job once");
            }
            JobStore.JobRecord r = record(id); // 404 naming it
            JobView v = view(r);
            if (v.active()) {
                throw new ApiException(400, "job '" + id + "' is still " + v.status() + "; compare finished jobs only "
                        + "(wait for it to end, or cancel it)");
            }
            in.add(new JobComparer.Input(v, Path.of(r.outDir())));
        }
        Catalog c = catalog; // without it, parameters are compared as the requests give them
        JobComparer.Specs specs = c == null ? JobComparer.Specs.NONE : (type, id) -> c.find(type, id).map(x -> x.parameters());
        return JobComparer.compare(in, specs, pictures);
    }

    private static <T> T require(T service, String what) {
        if (service == null) {
            throw ApiException.unavailable(what);
        }
        return service;
    }
}
