package org.latentlab.engine.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import org.latentlab.api.Capability;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.catalog.Catalog;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.engine.JobStatus;
import org.latentlab.api.experiment.Experiment;
import org.latentlab.api.experiment.ExperimentContext;
import org.latentlab.api.experiment.ExperimentRequest;
import org.latentlab.api.experiment.ExperimentResult;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.api.report.ReportWriter;
import org.latentlab.io.IoErrors;
import org.latentlab.io.OutputFolder;

/**
 * Runs one experiment job to its end: loads the model, hands the experiment a context, writes the
 * report from the sections registered for its result, and publishes the out folder only when all of
 * it succeeded. Like {@link JobRunner}, nothing escapes the job boundary unreported.
 */
final class ExperimentRunner {

    private final Catalog catalog;
    private final CatalogModelLoader loader;
    private final ReportWriter report;
    private final int modelBatch;

    ExperimentRunner(Catalog catalog, CatalogModelLoader loader, ReportWriter report, int modelBatch) {
        this.catalog = catalog;
        this.loader = loader;
        this.report = report;
        this.modelBatch = modelBatch;
    }

    void run(EngineJob<ExperimentRequest, ExperimentResult> job, Experiment experiment, Parameters params) {
        if (!job.start()) {
            return;
        }
        try {
            runStarted(job, experiment, params);
        } catch (RuntimeException e) {
            if (JobRunner.endsCancelled(e, job.cancelled())) {
                job.fail(JobStatus.CANCELLED, e, JobRunner.cancelledMessage(job.request().outDir()));
            } else if (e instanceof LatentLabException) {
                job.fail(JobStatus.FAILED, e, e.getMessage());
            } else {
                job.fail(JobStatus.FAILED, e, "job failed: " + JobRunner.describe(e));
            }
        } catch (OutOfMemoryError e) {
            job.fail(JobStatus.FAILED, e, "job failed: out of memory in stage '" + job.progress().stage()
                    + "'; use fewer inputs or give Java more heap (LATENTLAB_JAVA_OPTS=-Xmx...)");
        } catch (Throwable e) { // the job boundary
            job.fail(JobStatus.FAILED, e, "job failed: " + JobRunner.describe(e));
        } finally {
            if (!job.status().finished()) {
                job.fail(JobStatus.FAILED, new IllegalStateException("ended without a result"), "job failed: ended without a result");
            }
        }
    }

    private void runStarted(EngineJob<ExperimentRequest, ExperimentResult> job, Experiment experiment, Parameters params)
            throws Exception {
        long t0 = System.currentTimeMillis();
        ExperimentRequest r = job.request();
        try (OutputFolder out = OutputFolder.open(r.outDir(), OutputFolder.EXPERIMENT)) {
            LatentModel model = null;
            ModelSpec spec = null;
            try {
                if (experiment.needsModel()) {
                    job.stage("loading", -1, "reading " + r.modelFolder());
                    spec = loader.read(r.modelFolder());
                    model = loader.backendFor(spec).load(spec);
                }
                Context context = new Context(job, params, model, spec, out.staging());
                ExperimentResult result = experiment.run(context);
                if (result == null) {
                    throw new LatentLabException("experiment '" + r.experiment() + "' returned no result");
                }
                context.checkCancelled();
                result = result.withElapsedMillis(System.currentTimeMillis() - t0);
                if (report != null) {
                    job.stage("report", -1, "writing report.html");
                    List<String> summary = new ArrayList<>();
                    result.summary().forEach((k, v) -> summary.add(k + ": " + v));
                    String meta = String.format(Locale.ROOT, "experiment %s %s%s · %.1f s", r.experiment(), params.values(),
                            spec == null ? "" : " · model " + spec.name(), result.elapsedMillis() / 1000.0);
                    report.write(result.details() != null ? result.details() : result, result.title(), meta, summary, out.staging());
                }
                context.checkCancelled();
                Path work = workDir(r);
                boolean hadWork = Files.isDirectory(work);
                if (hadWork) {
                    WorkFolders.linkInto(work, out.staging());
                }
                out.publish();
                if (hadWork) {
                    WorkFolders.delete(work);
                }
                job.succeed(result, result.elapsedMillis());
            } finally {
                if (model != null) {
                    model.close();
                }
            }
        }
    }

    /**
     * The work folder of a request: a hidden sibling of the out folder named after it and the experiment, so
     * a rerun of the same experiment into the same folder finds what a killed run left.
     */
    static Path workDir(ExperimentRequest r) {
        Path out = r.outDir().toAbsolutePath().normalize();
        return out.resolveSibling("." + out.getFileName() + ".latentlab-work-" + r.experiment());
    }

    /** What the experiment sees; progress and cancel go to the job. */
    private final class Context implements ExperimentContext {
        private final EngineJob<ExperimentRequest, ExperimentResult> job;
        private final Parameters params;
        private final LatentModel model;
        private final ModelSpec spec;
        private final Path outDir;
        private final Progress progress;

        Context(EngineJob<ExperimentRequest, ExperimentResult> job, Parameters params, LatentModel model, ModelSpec spec,
                Path outDir) {
            this.job = job;
            this.params = params;
            this.model = model;
            this.spec = spec;
            this.outDir = outDir;
            this.progress = new Progress() {
                @Override
                public void advance(long units) {
                    job.advance(units);
                }

                @Override
                public boolean cancelled() {
                    return job.cancelled();
                }
            };
        }

        @Override
        public String jobId() {
            return job.id();
        }

        @Override
        public Parameters params() {
            return params;
        }

        @Override
        public Optional<LatentModel> model() {
            return Optional.ofNullable(model);
        }

        @Override
        public LatentMap latentMap() {
            if (model == null) {
                throw new LatentLabException("experiment '" + job.request().experiment() + "' runs without a model");
            }
            int batch = MemoryBudget.modelBatch(spec.name(), spec.inputSize(), spec.latentDim(), modelBatch,
                    MemoryBudget.available(4 * MemoryBudget.perModelRowBytes(spec.inputSize(), spec.latentDim())));
            return new ModelLatentMap(model, new ModelBatch(spec.name(), batch));
        }

        @Override
        public Path outDir() {
            return outDir;
        }

        @Override
        public Path workDir() {
            Path work = ExperimentRunner.workDir(job.request());
            try {
                Files.createDirectories(work);
            } catch (IOException e) {
                throw new LatentLabException("cannot create the work folder " + work + ": " + IoErrors.describe(e), e);
            }
            return work;
        }

        @Override
        public Optional<Path> previousOutput() {
            Path out = job.request().outDir();
            return OutputFolder.marker(out).filter(m -> m.kind().equals(OutputFolder.EXPERIMENT) && m.complete()).map(m -> out);
        }

        @Override
        public Tensor inputs(String reference) {
            return ExperimentInputs.read(reference, spec, catalog);
        }

        @Override
        public <T extends Capability> T capability(Class<T> type, String id) {
            return catalog.require(type, id);
        }

        @Override
        public void stage(String name, long total, String message) {
            job.stage(name, total, message);
        }

        @Override
        public Progress progress() {
            return progress;
        }

        @Override
        public void checkCancelled() {
            if (job.cancelled()) {
                throw new CancellationException("cancelled");
            }
        }
    }
}
