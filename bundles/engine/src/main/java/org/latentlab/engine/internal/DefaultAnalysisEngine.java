package org.latentlab.engine.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.latentlab.api.Capability;
import org.latentlab.api.catalog.Catalog;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Parameters;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.data.DataSet;
import org.latentlab.api.data.SeedSource;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.engine.AnalysisEngine;
import org.latentlab.api.engine.AnalysisRequest;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.engine.Job;
import org.latentlab.api.engine.SeedSpec;
import org.latentlab.api.export.Exporter;
import org.latentlab.api.metric.Metric;
import org.latentlab.api.model.ModelSpec;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The {@link AnalysisEngine}: validates a request against the capabilities registered now, queues it
 * on a bounded pool and runs it with {@link JobRunner}. Configured through ConfigAdmin, PID
 * {@code org.latentlab.engine}; a change applies live (queued and running jobs carry on).
 */
@Component(service = AnalysisEngine.class, configurationPid = "org.latentlab.engine")
@Designate(ocd = DefaultAnalysisEngine.Config.class)
public class DefaultAnalysisEngine implements AnalysisEngine {

    @ObjectClassDefinition(name = "LatentLab analysis engine")
    public @interface Config {
        @AttributeDefinition(description = "jobs that run at the same time; the rest wait in the queue")
        int maxConcurrentJobs() default 1;

        @AttributeDefinition(description = "seeds iterated together (one chunk); bounds memory per job")
        int chunkSize() default 4096;

        @AttributeDefinition(description = "rows per encoder / decoder call")
        int modelBatch() default ModelBatch.DEFAULT;

        @AttributeDefinition(description = "central-difference step of the Jacobian, relative to max(1, |z_j|)")
        double jacobianStep() default 1e-3;

        @AttributeDefinition(description = "latent dimensions up to this get the dense Jacobian and all its eigenvalues; "
                + "above, matrix-free spectra from Jacobian-vector products")
        int denseSpectrumMax() default 64;

        @AttributeDefinition(description = "matrix-free spectra: eigenvalues of largest modulus per attractor")
        int spectrumEigenvalues() default 6;

        @AttributeDefinition(description = "matrix-free spectra: Krylov basis vectors per attractor before a restart")
        int spectrumBasis() default 128;

        @AttributeDefinition(description = "matrix-free spectra: directions per attractor in one product call (block Arnoldi: "
                + "fewer, larger calls, more products in all; for a few attractors of a large model)")
        int spectrumBlock() default 1;

        @AttributeDefinition(description = "matrix-free spectra: Jacobian products per attractor at most, for the "
                + "eigenvalues and again for the norm")
        int spectrumProducts() default 3000;

        @AttributeDefinition(description = "matrix-free spectra: latent dimensions up to which every wanted eigenvalue is "
                + "resolved to the products' accuracy; above, the eigenvalue iteration stops as soon as the spectral radius is "
                + "resolved to 1e-3 (relative residual of the leading eigenvalue) and clear of the unit circle")
        int spectrumResolveMax() default 4096;

        @AttributeDefinition(description = "matrix-free spectra without vector-Jacobian products (ONNX): the norm from the "
                + "dense difference Jacobian up to this latent dimension, a lower bound above")
        int denseNormMax() default 4096;

        @AttributeDefinition(description = "finished jobs kept in memory")
        int history() default 100;

        @AttributeDefinition(description = "runs of at most this many seeds keep every trajectory in memory; larger runs "
                + "stream per-seed results to disk and run in parts of about this many seeds, in memory that does not grow "
                + "with the number of seeds")
        int inMemorySeeds() default 100_000;

        @AttributeDefinition(description = "where analyses of at least largeFromSeeds seeds iterate their seeds when the "
                + "request names no executor: a seed-part executor id, e.g. spark (its own configuration gives the master); "
                + "empty: always in this lab")
        String largeExecutor() default "";

        @AttributeDefinition(description = "seeds from which an analysis goes to largeExecutor (when the count is known "
                + "before it runs)")
        long largeFromSeeds() default 1_000_000;
    }

    @Reference
    Catalog catalog;

    @Reference
    org.latentlab.api.model.ModelLoader modelLoader;

    private volatile Config config;
    private ThreadPoolExecutor pool;
    private final Map<String, EngineJob<AnalysisRequest, AnalysisResult>> jobs = Collections.synchronizedMap(new LinkedHashMap<>());
    private final AtomicInteger counter = new AtomicInteger();

    @Activate
    void activate(Config config) {
        this.config = lenient(config);
        AtomicInteger threads = new AtomicInteger();
        int n = Math.max(1, this.config.maxConcurrentJobs());
        pool = new ThreadPoolExecutor(n, n, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "latentlab-job-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A configuration change (DATA/etc/org.latentlab.engine.cfg written, changed or deleted): without
     * this method SCR would deactivate the engine, cancelling its jobs and taking its users down. The
     * pool grows or shrinks without cancelling a running job; chunkSize, modelBatch, jacobianStep and the
     * spectrum settings apply from the next job that starts.
     */
    @Modified
    void modified(Config config) {
        this.config = lenient(config);
        int n = Math.max(1, this.config.maxConcurrentJobs());
        if (n >= pool.getMaximumPoolSize()) { // the core size may never exceed the maximum
            pool.setMaximumPoolSize(n);
            pool.setCorePoolSize(n);
        } else {
            pool.setCorePoolSize(n);
            pool.setMaximumPoolSize(n);
        }
    }

    /**
     * The configuration with every value that cannot be read as its type (e.g. {@code chunkSize = abc})
     * replaced by its default, said once in the log, so a typo in a .cfg file never stops the engine.
     */
    static Config lenient(Config config) {
        for (java.lang.reflect.Method m : Config.class.getDeclaredMethods()) {
            try {
                m.invoke(config);
            } catch (ReflectiveOperationException | RuntimeException e) {
                System.getLogger(DefaultAnalysisEngine.class.getName()).log(System.Logger.Level.WARNING,
                        "configuration org.latentlab.engine: " + m.getName() + " cannot be read as "
                                + m.getReturnType().getSimpleName() + "; using the default " + m.getDefaultValue());
            }
        }
        return (Config) java.lang.reflect.Proxy.newProxyInstance(Config.class.getClassLoader(), new Class<?>[] {Config.class},
                (proxy, m, args) -> {
                    try {
                        return m.invoke(config, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        if (m.getDefaultValue() == null) {
                            throw e.getCause();
                        }
                        return m.getDefaultValue();
                    }
                });
    }

    /** How long deactivation waits for cancelled jobs to remove their staging folders and per-seed files. */
    static final long CLEANUP_MILLIS = 20_000;

    /**
     * Cancels every job and waits (at most {@link #CLEANUP_MILLIS}) until their threads are done: the job threads are
     * daemons, so a lab that stops and exits without waiting would kill a job between two writes and leave its staging
     * folder, per-seed files of any size included, behind.
     */
    @Deactivate
    void deactivate() {
        synchronized (jobs) {
            jobs.values().forEach(Job::cancel);
        }
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(CLEANUP_MILLIS, TimeUnit.MILLISECONDS)) {
                System.getLogger(DefaultAnalysisEngine.class.getName()).log(System.Logger.Level.WARNING,
                        "analysis jobs still running " + CLEANUP_MILLIS / 1000 + " s after they were cancelled; their "
                                + "staging folders may be left behind (removed by the next run to the same --out)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final java.util.regex.Pattern JOB_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,100}");

    /** Ids name folders and URLs: no separators, no dot-only names, nothing to escape. */
    static void checkJobId(String id) {
        if (id == null || !JOB_ID.matcher(id).matches() || id.chars().allMatch(c -> c == '.')) {
            throw new LatentLabException("job id '" + id + "' is not 1 to 100 letters, digits, '.', '_' or '-'");
        }
    }

    @Override
    public Job<AnalysisResult> submit(AnalysisRequest request) {
        return submit(request, String.format("job-%tY%<tm%<td-%<tH%<tM%<tS-%d", new java.util.Date(), counter.incrementAndGet()));
    }

    @Override
    public Job<AnalysisResult> submit(AnalysisRequest request, String id) {
        checkJobId(id);
        Bound bound = validate(request);
        EngineJob<AnalysisRequest, AnalysisResult> job = new EngineJob<>(id, request);
        synchronized (jobs) {
            if (jobs.containsKey(id)) {
                throw new LatentLabException("job id '" + id + "' is taken by another job");
            }
            jobs.put(id, job);
            trimHistory();
        }
        Config c = config;
        Spectra.Settings spectra = new Spectra.Settings(c.denseSpectrumMax(), Math.max(1, c.spectrumEigenvalues()),
                Math.max(2, c.spectrumBasis()), Math.max(1, c.spectrumBlock()), Math.max(1, c.spectrumProducts()), c.denseNormMax(),
                c.jacobianStep(), c.modelBatch(), c.spectrumResolveMax());
        pool.submit(() -> new JobRunner(catalog, loader(), c.chunkSize(), c.modelBatch(), spectra,
                Math.max(1, c.inMemorySeeds())).run(job, bound));
        return job;
    }

    /**
     * The services a job was accepted with, bound when it is accepted: a job runs with these (or fails
     * saying one was removed), never with whatever is registered under the same id when it starts.
     */
    record Bound(Analysis.Choice<IterationStrategy> strategy, Analysis.Choice<AttractorClusterer> clusterer,
            List<Analysis.Choice<Metric>> metrics, Analysis.Choice<SeedSource> seedSource, DataSet training,
            Analysis.Choice<org.latentlab.api.engine.SeedPartExecutor> executor) {

        Bound(Analysis.Choice<IterationStrategy> strategy, Analysis.Choice<AttractorClusterer> clusterer,
                List<Analysis.Choice<Metric>> metrics, Analysis.Choice<SeedSource> seedSource, DataSet training) {
            this(strategy, clusterer, metrics, seedSource, training, null);
        }
    }

    /** Fails fast, before queueing, on anything that can be checked without loading the model. */
    Bound validate(AnalysisRequest r) {
        if (r.modelFolder() == null) {
            throw new LatentLabException("no model folder given");
        }
        ModelSpec spec = ModelFolders.read(r.modelFolder());
        SeedSpec s = r.seeds();
        if (s == null) {
            throw new LatentLabException("no seeds given");
        }
        if ((s.kind() == SeedSpec.Kind.LATENTS || s.kind() == SeedSpec.Kind.INPUTS)
                && (s.file() == null || !Files.isRegularFile(s.file()))) {
            throw new LatentLabException("seed file " + s.file() + " does not exist");
        }
        if (r.outDir() == null) {
            throw new LatentLabException("no output folder given");
        }
        SeedReader.checkBeforeRun(s, spec);
        org.latentlab.io.OutputFolder.check(r.outDir(), org.latentlab.io.OutputFolder.ANALYSIS); // before any work
        if (s.kind() == SeedSpec.Kind.LATENTS || s.kind() == SeedSpec.Kind.INPUTS) {
            checkNotReplaced(s.file(), r.outDir());
        }
        Analysis.Choice<IterationStrategy> strategy = choice(IterationStrategy.class, "strategy", r.strategy(), r.strategyParams());
        Analysis.Choice<AttractorClusterer> clusterer = choice(AttractorClusterer.class, "clusterer", r.clusterer(),
                r.clustererParams());
        List<Analysis.Choice<Metric>> metrics = new ArrayList<>();
        r.metrics().forEach((id, p) -> metrics.add(choice(Metric.class, "metric", id, p)));
        r.exporters().forEach((id, p) -> choice(Exporter.class, "exporter", id, p));
        Analysis.Choice<SeedSource> source = s.kind() == SeedSpec.Kind.SOURCE
                ? choice(SeedSource.class, "seed source", s.source(), s.params()) : null;
        DataSet training = r.training() == null ? null : catalog.require(DataSet.class, r.training().dataset());
        Config c = config;
        long count = seedCount(s, source);
        int inMemory = Math.max(1, c.inMemorySeeds());
        long need = Math.max(4 * MemoryBudget.perModelRowBytes(spec.inputSize(), spec.latentDim()),
                count > 0 ? MemoryBudget.seedBytes(count, spec.latentDim(), c.chunkSize(), inMemory) : 0);
        long available = MemoryBudget.available(need);
        MemoryBudget.modelBatch(spec.name(), spec.inputSize(), spec.latentDim(), c.modelBatch(), available);
        Analysis.Choice<org.latentlab.api.engine.SeedPartExecutor> executor = null;
        String large = c.largeExecutor() == null ? "" : c.largeExecutor().strip();
        if (r.executor() == null && !large.isEmpty() && !large.equals(org.latentlab.api.engine.SeedPartExecutor.LOCAL)
                && count >= Math.max(1, c.largeFromSeeds()) && !strategy.params().getBoolean("recordPaths", false)) {
            // a large run whose request names no executor goes where the configuration says (an explicit 'local' stays)
            if (catalog.find(org.latentlab.api.engine.SeedPartExecutor.class, large).isEmpty()) {
                throw new LatentLabException("configuration org.latentlab.engine: largeExecutor '" + large + "' is not a "
                        + "registered part executor (see 'latentlab services --kind part-executor'); name one, or leave it empty");
            }
            executor = choice(org.latentlab.api.engine.SeedPartExecutor.class, "executor", large, Map.of());
        } else if (r.iteratedElsewhere()) {
            executor = choice(org.latentlab.api.engine.SeedPartExecutor.class, "executor", r.executor(), r.executorParams());
            if (strategy.params().getBoolean("recordPaths", false)) {
                throw new LatentLabException("strategy '" + r.strategy() + "' with recordPaths=true keeps every path in memory: "
                        + "it runs in this lab only, not on executor '" + r.executor() + "'");
            }
        } else if (!r.executorParams().isEmpty() || r.partitions() > 0) {
            throw new LatentLabException((r.partitions() > 0 ? "partitions" : "executor parameters")
                    + " are for an executor that iterates elsewhere (e.g. spark); this analysis runs in this lab");
        }
        if (count > 0) {
            MemoryBudget.checkSeeds(s.origin(), count, spec.latentDim(), c.chunkSize(), inMemory, available);
            MemoryBudget.checkDisk(s.origin(), count, spec.latentDim(), inMemory, r.outDir());
        }
        return new Bound(strategy, clusterer, List.copyOf(metrics), source, training, executor);
    }

    /**
     * Refuses a seed file that the earlier output in {@code out} lists as its own: publishing this run replaces or
     * removes every such file, so {@code analyze --seeds out/endpoints.npy --out out} would lose the very seeds the
     * result says it came from.
     */
    static void checkNotReplaced(Path seeds, Path out) {
        if (seeds == null || out == null || !Files.isDirectory(out)) {
            return;
        }
        Optional<org.latentlab.io.OutputFolder.Marker> marker = org.latentlab.io.OutputFolder.marker(out);
        if (marker.isEmpty()) {
            return;
        }
        try {
            Path dir = out.toRealPath();
            Path file = seeds.toRealPath();
            if (file.startsWith(dir) && marker.get().files().contains(dir.relativize(file).toString().replace('\\', '/'))) {
                throw new LatentLabException("seed file " + seeds + " is a file of the earlier output in " + out + ", which this "
                        + "run replaces: copy it elsewhere first, or choose another --out; nothing was changed");
            }
        } catch (java.io.IOException e) {
            // unreadable paths are reported by the seed and output checks
        }
    }

    /** How many seeds a request asks for, when that is known before running it; else -1. */
    static long seedCount(SeedSpec s, Analysis.Choice<SeedSource> source) {
        if (source != null) {
            Parameters p = source.params();
            if (p.values().containsKey("count")) {
                return p.getLong("count", -1);
            }
            if (p.values().containsKey("nx") && p.values().containsKey("ny")) {
                return p.getLong("nx", 1) * p.getLong("ny", 1);
            }
            return -1;
        }
        if (org.latentlab.io.InputFiles.isNpy(s.file())) {
            try {
                int[] shape = org.latentlab.npy.Npy.header(s.file()).shape();
                return shape.length == 0 ? -1 : shape[0];
            } catch (java.io.IOException | RuntimeException e) {
                return -1; // the job reports an unreadable file with its own message
            }
        }
        return -1;
    }

    private <T extends Capability> Analysis.Choice<T> choice(Class<T> type, String kind, String id, Map<String, String> given) {
        T service = catalog.require(type, id);
        return new Analysis.Choice<>(id, service,
                Parameters.resolve(kind + " '" + id + "'", service.parameters(), given == null ? Map.of() : given));
    }

    private void trimHistory() {
        int excess = jobs.size() - Math.max(1, config.history());
        var it = jobs.values().iterator();
        while (excess > 0 && it.hasNext()) {
            if (it.next().status().finished()) {
                it.remove();
                excess--;
            }
        }
    }

    /** The configured loader when it is ours, else one without configuration. */
    private CatalogModelLoader loader() {
        return modelLoader instanceof CatalogModelLoader c ? c : new CatalogModelLoader(catalog);
    }

    @Override
    public List<Job<AnalysisResult>> jobs() {
        synchronized (jobs) {
            List<Job<AnalysisResult>> out = new ArrayList<>(jobs.values());
            Collections.reverse(out);
            return out;
        }
    }

    @Override
    public Optional<Job<AnalysisResult>> job(String id) {
        return Optional.ofNullable(jobs.get(id));
    }
}
