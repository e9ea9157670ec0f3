package org.latentlab.engine.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Parameters;
import org.latentlab.api.catalog.Catalog;
import org.latentlab.api.engine.Job;
import org.latentlab.api.experiment.Experiment;
import org.latentlab.api.experiment.ExperimentEngine;
import org.latentlab.api.experiment.ExperimentRequest;
import org.latentlab.api.experiment.ExperimentResult;
import org.latentlab.api.report.ReportWriter;
import org.latentlab.io.OutputFolder;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The {@link ExperimentEngine}: checks a request (the experiment is registered now, its parameters,
 * the model folder, the out folder), binds the experiment, and runs it on its own pool with
 * {@link ExperimentRunner}. Experiments run one at a time: each one already keeps the cores busy.
 */
@Component(service = ExperimentEngine.class)
public class DefaultExperimentEngine implements ExperimentEngine {

    @Reference
    Catalog catalog;

    @Reference
    org.latentlab.api.model.ModelLoader modelLoader;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ReportWriter report;

    private final Map<String, EngineJob<ExperimentRequest, ExperimentResult>> jobs =
            Collections.synchronizedMap(new LinkedHashMap<>());
    private final AtomicInteger counter = new AtomicInteger();
    private ExecutorService pool;

    @Activate
    void activate() {
        pool = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "latentlab-experiment");
            t.setDaemon(true);
            return t;
        });
    }

    @Deactivate
    void deactivate() {
        synchronized (jobs) {
            jobs.values().forEach(Job::cancel);
        }
        pool.shutdownNow();
    }

    @Override
    public Job<ExperimentResult> submit(ExperimentRequest request) {
        return submit(request, String.format("experiment-%tY%<tm%<td-%<tH%<tM%<tS-%d", new java.util.Date(),
                counter.incrementAndGet()));
    }

    @Override
    public Job<ExperimentResult> submit(ExperimentRequest request, String id) {
        DefaultAnalysisEngine.checkJobId(id);
        Experiment experiment = catalog.require(Experiment.class, request.experiment());
        Parameters params = Parameters.resolve("experiment '" + request.experiment() + "'", experiment.parameters(),
                request.params());
        if (experiment.needsModel()) {
            if (request.modelFolder() == null) {
                throw new LatentLabException("experiment '" + request.experiment() + "' needs a model folder (--model DIR)");
            }
            ModelFolders.read(request.modelFolder());
        }
        OutputFolder.check(request.outDir(), OutputFolder.EXPERIMENT); // before any work
        EngineJob<ExperimentRequest, ExperimentResult> job = new EngineJob<>(id, request);
        synchronized (jobs) {
            if (jobs.containsKey(id)) {
                throw new LatentLabException("job id '" + id + "' is taken by another job");
            }
            jobs.put(id, job);
            trimHistory();
        }
        CatalogModelLoader loader = modelLoader instanceof CatalogModelLoader c ? c : new CatalogModelLoader(catalog);
        ExperimentRunner runner = new ExperimentRunner(catalog, loader, report, ModelBatch.DEFAULT);
        pool.submit(() -> runner.run(job, experiment, params));
        return job;
    }

    private void trimHistory() {
        int excess = jobs.size() - 100;
        var it = jobs.values().iterator();
        while (excess > 0 && it.hasNext()) {
            if (it.next().status().finished()) {
                it.remove();
                excess--;
            }
        }
    }

    @Override
    public List<Job<ExperimentResult>> jobs() {
        synchronized (jobs) {
            List<Job<ExperimentResult>> out = new ArrayList<>(jobs.values());
            Collections.reverse(out);
            return out;
        }
    }

    @Override
    public Optional<Job<ExperimentResult>> job(String id) {
        return Optional.ofNullable(jobs.get(id));
    }
}
