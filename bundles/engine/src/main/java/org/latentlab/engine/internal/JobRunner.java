package org.latentlab.engine.internal;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import org.latentlab.api.catalog.Catalog;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.engine.AnalysisRequest;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.engine.JobStatus;
import org.latentlab.api.export.Exporter;
import org.latentlab.api.metric.Metric;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelSpec;

/**
 * Runs one job: load the model with the right backend, read the seeds, run the {@link Analysis},
 * hand the result to the exporters. Every capability is looked up when the job starts, so a bundle
 * that was removed fails the job with a message naming it, never the engine.
 */
final class JobRunner {

    private final Catalog catalog;
    private final CatalogModelLoader loader;
    private final int chunkSize;
    private final int modelBatch;
    private final Spectra.Settings spectra;
    private final int inMemory;

    JobRunner(Catalog catalog, CatalogModelLoader loader, int chunkSize, int modelBatch, Spectra.Settings spectra, int inMemory) {
        this.catalog = catalog;
        this.loader = loader;
        this.chunkSize = chunkSize;
        this.modelBatch = modelBatch;
        this.spectra = spectra;
        this.inMemory = inMemory;
    }

    /**
     * Runs the job to its end: whatever happens inside, including an {@link Error} such as
     * OutOfMemoryError, the job finishes failed with a message, never stays running.
     */
    void run(EngineJob<AnalysisRequest, AnalysisResult> job, DefaultAnalysisEngine.Bound bound) {
        if (!job.start()) {
            return;
        }
        try {
            runStarted(job, bound);
        } catch (Throwable e) { // the job boundary: nothing escapes into the pool thread unreported
            job.fail(JobStatus.FAILED, e, "job failed: " + describe(e));
        } finally {
            if (!job.status().finished()) {
                job.fail(JobStatus.FAILED, new IllegalStateException("ended without a result"), "job failed: ended without a result");
            }
        }
    }

    private void runStarted(EngineJob<AnalysisRequest, AnalysisResult> job, DefaultAnalysisEngine.Bound bound) {
        Profile profile = Profile.enabled() ? new Profile() : null;
        try {
            runStarted(job, bound, profile, profile == null ? job : profile.listener(job));
        } finally {
            if (profile != null) {
                System.err.print(profile.report());
            }
        }
    }

    private void runStarted(EngineJob<AnalysisRequest, AnalysisResult> job, DefaultAnalysisEngine.Bound bound, Profile profile,
            Analysis.Listener stages) {
        long t0 = System.currentTimeMillis();
        AnalysisRequest r = job.request();
        job.onCheckpoint(() -> {
            List<String> gone = removed(r);
            if (!gone.isEmpty()) {
                throw new LatentLabException("job stopped: " + String.join(", ", gone) + " was removed while it ran");
            }
        });
        try {
            job.checkpoint(); // a service bound at acceptance may have gone while the job waited in the queue
            stages.stage("loading", -1, "reading " + r.modelFolder());
            ModelSpec spec = loader.read(r.modelFolder());
            ModelBatch batch = new ModelBatch(spec.name(),
                    MemoryBudget.modelBatch(spec.name(), spec.inputSize(), spec.latentDim(), modelBatch,
                            MemoryBudget.available(4 * MemoryBudget.perModelRowBytes(spec.inputSize(), spec.latentDim()))));
            // Exporters write into a staging folder; only a complete set is published (never over foreign files).
            // Runs above the in-memory limit stream per-seed results into a work folder inside it (same file system:
            // the npy exporter links them), deleted before the publish.
            try (LatentModel model = loader.backendFor(spec).load(spec);
                    org.latentlab.io.OutputFolder out = org.latentlab.io.OutputFolder.open(r.outDir(),
                            org.latentlab.io.OutputFolder.ANALYSIS)) {
                java.nio.file.Path work = out.staging().resolve(".per-seed");
                stages.stage("seeds", -1, r.seeds().origin());
                SeedInput seeds = SeedReader.latentSeedInput(r.seeds(), model, bound.seedSource(), batch, inMemory);
                Analysis.Choice<IterationStrategy> strategy = bound.strategy();
                Analysis.Choice<AttractorClusterer> clusterer = bound.clusterer();
                List<Analysis.Choice<Metric>> metrics = bound.metrics();
                Optional<Tensor> training = Optional.empty();
                if (r.training() != null) {
                    job.checkpoint();
                    stages.stage("training data", -1, r.training().dataset() + ":" + r.training().split());
                    training = Optional.of(bound.training().load(r.training().split(), r.training().limit()));
                }
                ModelLatentMap map = new ModelLatentMap(model, batch);
                // an executor iterates the seeds elsewhere; clustering, polishing, spectra, metrics and export stay here
                java.nio.file.Path partsWork = out.staging().resolve(".parts");
                RemoteParts.Settings remote = bound.executor() == null ? null : new RemoteParts.Settings(bound.executor(),
                        r.modelFolder(), r.strategy(), r.strategyParams(), batch.size(), r.partitions(), inMemory, partsWork);
                String iteratedOn = remote == null ? null : RemoteParts.describe(remote, seeds.count(), chunkSize);
                Analysis.Outcome o = Analysis.run(new Analysis.Inputs(profile == null ? map : profile.map(map), seeds, strategy,
                        clusterer, metrics, Optional.of(model), training, chunkSize, spectra.withModelBatch(batch.size()), inMemory, work),
                        remote, stages);
                AnalysisResult result = new AnalysisResult(spec, r.seeds().origin(), o.seeds(), strategy.id(), strategy.params(),
                        clusterer.id(), clusterer.params(), o.attractors(), o.trajectories(), o.labels(), o.metrics(),
                        System.currentTimeMillis() - t0, o.summary(), o.perSeed(), iteratedOn, map.lowPrecisionRows());
                job.checkpoint();
                stages.stage("exporting", r.exporters().size(), "writing " + r.outDir());
                for (Map.Entry<String, Map<String, String>> e : r.exporters().entrySet()) {
                    Analysis.Choice<Exporter> ex = choice(Exporter.class, "exporter", e.getKey(), e.getValue());
                    try {
                        ex.service().export(result, out.staging(), ex.params());
                    } catch (java.io.IOException io) {
                        throw new LatentLabException("exporter '" + e.getKey() + "' could not write its files: "
                                + org.latentlab.io.IoErrors.describe(io) + "; nothing was written to " + r.outDir(), io);
                    }
                    job.advance(1);
                }
                if (job.cancelled()) {
                    throw new CancellationException("cancelled");
                }
                WorkFolders.delete(work);
                WorkFolders.delete(partsWork);
                if (Files.exists(work) || Files.exists(partsWork)) { // never publish it with the results
                    throw new LatentLabException("cannot remove the per-seed work folder " + work + "; nothing was written to "
                            + r.outDir());
                }
                out.publish();
                job.succeed(result, result.elapsedMillis());
            }
        } catch (RuntimeException e) {
            if (endsCancelled(e, job.cancelled())) {
                job.fail(JobStatus.CANCELLED, e, cancelledMessage(r.outDir()));
            } else if (e instanceof LatentLabException) {
                job.fail(JobStatus.FAILED, e, e.getMessage());
            } else {
                failUnexpected(job, r, e);
            }
        } catch (OutOfMemoryError e) {
            job.fail(JobStatus.FAILED, e, "job failed: out of memory in stage '" + job.progress().stage()
                    + "'; use fewer seeds or a smaller chunkSize / modelBatch (DATA/etc/org.latentlab.engine.cfg), "
                    + "or give Java more heap (LATENTLAB_JAVA_OPTS=-Xmx...)");
        } catch (Exception | LinkageError | StackOverflowError e) {
            failUnexpected(job, r, e);
        }
    }

    /** A plugin that went away mid-job, or a bug: fail this job with a clear message, keep the engine. */
    private void failUnexpected(EngineJob<AnalysisRequest, AnalysisResult> job, AnalysisRequest r, Throwable e) {
        String cause = describe(e);
        List<String> gone = removed(r);
        String msg = gone.isEmpty() ? "job failed: " + cause
                : "job failed because " + String.join(", ", gone) + " was removed while it ran (" + cause + ")";
        job.fail(JobStatus.FAILED, new LatentLabException(msg, e), msg);
    }

    /**
     * Whether a job that threw {@code e} ends cancelled rather than failed: a cancel, or any failure once a cancel was
     * asked for. Stopping a job interrupts its thread, and an interrupted write fails with ClosedByInterruptException:
     * that is the cancel arriving, not a disk that cannot be written (it was reported as "cannot write the per-seed
     * results ... ClosedByInterruptException" when the lab was stopped by SIGTERM).
     */
    static boolean endsCancelled(Throwable e, boolean cancelRequested) {
        if (cancelRequested || e instanceof CancellationException) {
            return true;
        }
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.nio.channels.ClosedByInterruptException || c instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    /** What a cancelled job says: it stopped, and left the output as it was. */
    static String cancelledMessage(java.nio.file.Path out) {
        return "stopped before it finished; nothing was written" + (out == null ? "" : " to " + out);
    }

    static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** Capabilities the request named that are not registered any more, e.g. "strategy 'x'". */
    private List<String> removed(AnalysisRequest r) {
        List<String> out = new ArrayList<>();
        if (catalog.find(IterationStrategy.class, r.strategy()).isEmpty()) {
            out.add("strategy '" + r.strategy() + "'");
        }
        if (catalog.find(AttractorClusterer.class, r.clusterer()).isEmpty()) {
            out.add("clusterer '" + r.clusterer() + "'");
        }
        r.metrics().keySet().stream().filter(id -> catalog.find(Metric.class, id).isEmpty()).forEach(id -> out.add("metric '" + id + "'"));
        r.exporters().keySet().stream().filter(id -> catalog.find(Exporter.class, id).isEmpty())
                .forEach(id -> out.add("exporter '" + id + "'"));
        if (r.seeds().kind() == org.latentlab.api.engine.SeedSpec.Kind.SOURCE
                && catalog.find(org.latentlab.api.data.SeedSource.class, r.seeds().source()).isEmpty()) {
            out.add("seed source '" + r.seeds().source() + "'");
        }
        if (r.iteratedElsewhere() && catalog.find(org.latentlab.api.engine.SeedPartExecutor.class, r.executor()).isEmpty()) {
            out.add("executor '" + r.executor() + "'");
        }
        if (r.training() != null && catalog.find(org.latentlab.api.data.DataSet.class, r.training().dataset()).isEmpty()) {
            out.add("data set '" + r.training().dataset() + "'");
        }
        return out;
    }

    private <T extends org.latentlab.api.Capability> Analysis.Choice<T> choice(Class<T> type, String kind, String id,
            Map<String, String> given) {
        T service = catalog.require(type, id);
        Parameters p = Parameters.resolve(kind + " '" + id + "'", service.parameters(), given == null ? Map.of() : given);
        return new Analysis.Choice<>(id, service, p);
    }
}
