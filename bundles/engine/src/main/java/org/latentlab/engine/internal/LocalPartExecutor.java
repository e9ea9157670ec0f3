package org.latentlab.engine.internal;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.Tensor;
import org.latentlab.api.catalog.Catalog;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.engine.SeedPartExecutor;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.io.IoErrors;
import org.latentlab.npy.Npy;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code local}: seed parts iterated in this process with the engine's own loop. An analysis that names no executor (or
 * this one) never goes through here (the engine iterates its segments directly); this is what a lab started for one
 * part runs ({@code latentlab analyze-part}, e.g. in a Spark task), and the reference any other executor must agree
 * with.
 */
@Component(property = {ServiceProperties.ID + "=" + SeedPartExecutor.LOCAL,
        ServiceProperties.DESCRIPTION + "=iterates the seeds in this lab (the engine's own loop)"})
public class LocalPartExecutor implements SeedPartExecutor {

    /**
     * Got when a job runs: the catalog binds every part executor, this one included, so holding it (or the model
     * loader, which holds it) directly would be an activation cycle.
     */
    @Reference
    ComponentServiceObjects<Catalog> catalogs;

    @Reference
    ComponentServiceObjects<org.latentlab.api.model.ModelLoader> modelLoaders;

    @Override
    public String describe(Parameters params) {
        return "this lab";
    }

    @Override
    public void execute(PartJob job, Parameters params, Listener listener) throws InterruptedException {
        Catalog catalog = catalogs.getService();
        org.latentlab.api.model.ModelLoader modelLoader = modelLoaders.getService();
        try {
            execute(job, listener, catalog, modelLoader instanceof CatalogModelLoader c ? c : new CatalogModelLoader(catalog));
        } finally {
            modelLoaders.ungetService(modelLoader);
            catalogs.ungetService(catalog);
        }
    }

    private void execute(PartJob job, Listener listener, Catalog catalog, CatalogModelLoader loader) {
        IterationStrategy s = catalog.require(IterationStrategy.class, job.strategy());
        Analysis.Choice<IterationStrategy> strategy = new Analysis.Choice<>(job.strategy(), s,
                Parameters.resolve("strategy '" + job.strategy() + "'", s.parameters(), job.strategyParams()));
        ModelSpec spec = loader.read(job.modelFolder());
        try (LatentModel model = loader.backendFor(spec).load(spec)) {
            LatentMap map = new ModelLatentMap(model, new ModelBatch(spec.name(), Math.max(1, job.modelBatch())));
            for (SeedPart part : job.parts()) {
                if (listener.cancelled()) {
                    return;
                }
                listener.started(part, "this lab");
                try {
                    run(map, strategy, job, part, listener::cancelled);
                } catch (java.util.concurrent.CancellationException e) {
                    return;
                } catch (LatentLabException e) {
                    listener.failed(part, e.getMessage());
                    return;
                }
                listener.finished(part);
            }
        }
    }

    /** Iterates one part with the engine's loop and writes its columns into its folder. */
    static void run(LatentMap map, Analysis.Choice<IterationStrategy> strategy, PartJob job, SeedPart part, BooleanSupplier cancelled) {
        if (strategy.params().getBoolean("recordPaths", false)) {
            throw new LatentLabException("strategy '" + strategy.id() + "' with recordPaths=true keeps every path: iterate it in the "
                    + "analysing lab (no executor)");
        }
        Tensor seeds;
        try {
            Npy.FloatArray a = Npy.readFloats(part.seeds());
            if (a.shape().length != 2 || a.shape()[0] != part.count()) {
                throw new LatentLabException("seed part " + part.seeds() + " has shape " + java.util.Arrays.toString(a.shape()) + ", "
                        + part.count() + " rows expected");
            }
            seeds = Tensor.matrix(a.shape()[0], a.shape()[1], a.data());
        } catch (IOException e) {
            throw new LatentLabException("cannot read seed part " + part.seeds() + ": " + IoErrors.describe(e), e);
        }
        Analysis.Listener quiet = new Analysis.Listener() {
            public void stage(String stage, long total, String message) {}

            public void advance(long units) {}

            public boolean cancelled() {
                return cancelled.getAsBoolean();
            }
        };
        Progress progress = new Progress() {
            public void advance(long units) {}

            public boolean cancelled() {
                return cancelled.getAsBoolean();
            }
        };
        if (cancelled.getAsBoolean()) {
            throw new java.util.concurrent.CancellationException("cancelled");
        }
        // numbered from 0: a part is iterated exactly as the run's segment that starts with its first seed
        List<Trajectory> ts = Analysis.iterate(map, strategy, job.chunkSize(), seeds, 0, seeds.rows(), 1, quiet, progress);
        try {
            PartColumns.write(job.folder(part), ts, seeds.width());
        } catch (IOException e) {
            throw new LatentLabException("cannot write the results of seed part " + part.name() + " into " + job.folder(part) + ": "
                    + IoErrors.describe(e), e);
        }
    }

}
