package org.latentlab.engine.internal;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import org.latentlab.api.Catalog;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.dynamics.IterationStrategy;
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
    private final double jacobianStep;

    JobRunner(Catalog catalog, CatalogModelLoader loader, int chunkSize, int modelBatch, double jacobianStep) {
        this.catalog = catalog;
        this.loader = loader;
        this.chunkSize = chunkSize;
        this.modelBatch = modelBatch;
        this.jacobianStep = jacobianStep;
    }

    void run(EngineJob job) {
        if (!job.start()) {
            return;
        }
        long t0 = System.currentTimeMillis();
        AnalysisRequest r = job.request();
        job.onCheckpoint(() -> {
            List<String> gone = removed(r);
            if (!gone.isEmpty()) {
                throw new LatentLabException("job stopped: " + String.join(", ", gone) + " was removed while it ran");
            }
        });
        try {
            job.stage("loading", -1, "reading " + r.modelFolder());
            ModelSpec spec = loader.read(r.modelFolder());
            try (LatentModel model = loader.backendFor(spec).load(spec)) {
                job.stage("seeds", -1, r.seeds().origin());
                Tensor seeds = SeedReader.latentSeeds(r.seeds(), model, catalog, modelBatch);
                Analysis.Choice<IterationStrategy> strategy = choice(IterationStrategy.class, "strategy", r.strategy(), r.strategyParams());
                Analysis.Choice<AttractorClusterer> clusterer = choice(AttractorClusterer.class, "clusterer", r.clusterer(), r.clustererParams());
                List<Analysis.Choice<Metric>> metrics = new ArrayList<>();
                r.metrics().forEach((id, p) -> metrics.add(choice(Metric.class, "metric", id, p)));
                Optional<Tensor> training = Optional.empty();
                if (r.training() != null) {
                    job.stage("training data", -1, r.training().dataset() + ":" + r.training().split());
                    training = Optional.of(catalog.require(org.latentlab.api.data.DataSet.class, r.training().dataset())
                            .load(r.training().split(), r.training().limit()));
                }
                Analysis.Outcome o = Analysis.run(new Analysis.Inputs(new ModelLatentMap(model, modelBatch), seeds, strategy,
                        clusterer, metrics, Optional.of(model), training, chunkSize, jacobianStep), job);
                AnalysisResult result = new AnalysisResult(spec, r.seeds().origin(), seeds, strategy.id(), strategy.params(),
                        clusterer.id(), clusterer.params(), o.attractors(), o.trajectories(), o.labels(), o.metricSummaries(),
                        System.currentTimeMillis() - t0);
                job.checkpoint();
                job.stage("exporting", r.exporters().size(), "writing " + r.outDir());
                // Exporters write into a staging folder; only a complete set is published (never over foreign files).
                try (org.latentlab.io.OutputFolder out = org.latentlab.io.OutputFolder.open(r.outDir(),
                        org.latentlab.io.OutputFolder.ANALYSIS)) {
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
                    out.publish();
                }
                job.succeed(result);
            }
        } catch (CancellationException e) {
            job.fail(JobStatus.CANCELLED, e, "cancelled");
        } catch (LatentLabException e) {
            job.fail(JobStatus.FAILED, e, e.getMessage());
        } catch (Exception | LinkageError e) {
            // A plugin that went away mid-job, or a bug: fail this job with a clear message, keep the engine.
            String cause = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            List<String> gone = removed(r);
            String msg = gone.isEmpty() ? "job failed: " + cause
                    : "job failed because " + String.join(", ", gone) + " was removed while it ran (" + cause + ")";
            job.fail(JobStatus.FAILED, new LatentLabException(msg, e), msg);
        }
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
        return out;
    }

    private <T extends org.latentlab.api.Capability> Analysis.Choice<T> choice(Class<T> type, String kind, String id,
            Map<String, String> given) {
        T service = catalog.require(type, id);
        Parameters p = Parameters.resolve(kind + " '" + id + "'", service.parameters(), given == null ? Map.of() : given);
        return new Analysis.Choice<>(id, service, p);
    }
}
