package org.latentlab.experiments.sweep.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.data.DataSet;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.experiment.Experiment;
import org.latentlab.api.experiment.ExperimentContext;
import org.latentlab.api.experiment.ExperimentResult;
import org.latentlab.api.result.FieldValue;
import org.latentlab.api.sweep.CellExecutor;
import org.latentlab.api.sweep.CellResult;
import org.latentlab.api.sweep.SweepCell;
import org.latentlab.api.sweep.SweepCellRunner;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code sweep}: a grid of training recipes, each cell trained and measured independently by a
 * {@link SweepCellRunner} on a {@link CellExecutor} (default {@code local}). Finished cells are kept in the
 * job's work folder, so a killed sweep rerun into the same out folder runs only the cells not yet finished;
 * a failed cell is recorded with its error and runs again on the next attempt. Writes sweep.json, sweep.csv,
 * spec.json and cells/; {@link SweepSection} draws the report.
 */
@Component(configurationPid = SweepExperiment.PID, property = {ServiceProperties.ID + "=" + SweepExperiment.ID,
        ServiceProperties.DESCRIPTION + "=a grid of training recipes (data size, latent size, weight decay, init, "
                + "augmentation, seed, checkpoints), each cell trained and analysed; memorization, attractors and "
                + "contraction as trends"})
@org.osgi.service.metatype.annotations.Designate(ocd = SweepExperiment.Config.class)
public class SweepExperiment implements Experiment {

    static final String ID = "sweep";
    static final String PID = "org.latentlab.sweep";

    /**
     * Where sweeps go whose request names no executor (a server's large sweeps to a cluster): configuration
     * {@value #PID}, e.g. {@code DATA/etc/org.latentlab.sweep.cfg}; applied to the next sweep.
     */
    @org.osgi.service.metatype.annotations.ObjectClassDefinition(name = "LatentLab sweeps")
    public @interface Config {
        @org.osgi.service.metatype.annotations.AttributeDefinition(description = "the cell executor of large sweeps whose "
                + "request names none, e.g. spark (its own configuration, org.latentlab.spark, holds the master); empty: local")
        String largeExecutor() default "";

        @org.osgi.service.metatype.annotations.AttributeDefinition(description = "a sweep of at least this many cells is "
                + "large (0: every sweep)")
        int largeFromCells() default 0;
    }

    private volatile String largeExecutor = "";
    private volatile int largeFromCells;

    @org.osgi.service.component.annotations.Activate
    @org.osgi.service.component.annotations.Modified
    void configure(Config c) {
        largeExecutor = c.largeExecutor() == null ? "" : c.largeExecutor().strip();
        largeFromCells = Math.max(0, c.largeFromCells());
    }

    /** The executor of a sweep of {@code cells} cells: the one asked for, else the configured one for large sweeps, else local. */
    String executorFor(String asked, int cells) {
        if (asked != null && !asked.isBlank()) {
            return asked.strip();
        }
        return !largeExecutor.isEmpty() && cells >= largeFromCells ? largeExecutor : LocalCellExecutor.ID;
    }
    static final int DEFAULT_GALLERIES = 6;

    /** Got when a sweep runs ({@link Runners}). */
    @Reference
    ComponentServiceObjects<SweepCellRunner> runners;
    /** Set by tests instead of {@link #runners}. */
    SweepCellRunner runner;

    private <T> T withRunner(java.util.function.Function<SweepCellRunner, T> work) {
        return Runners.with(runner, runners, work);
    }

    @Override
    public boolean needsModel() {
        return false;
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.text("spec", null, "a built-in study (" + String.join(", ", Studies.NAMES)
                        + ") or a JSON spec (see docs/sweeps.md)"),
                ParameterSpec.integer("parallel", 0, 0, 1024, "cells run at once; 0 = the spec's 'parallel' (default 1)"),
                ParameterSpec.text("executor", null, "where cells run: a registered cell executor id; when not given, "
                        + (largeExecutor.isEmpty() ? "local" : "'" + largeExecutor + "' for sweeps of at least " + largeFromCells
                                + " cells, local for smaller ones") + " (configuration " + PID + ")"),
                ParameterSpec.text("executorParams", null, "the executor's parameters as a JSON object of text values, e.g. "
                        + "{\"master\": \"spark://host:7077\"} for the spark executor"));
    }

    @Override
    public ExperimentResult run(ExperimentContext ctx) throws Exception {
        Parameters p = ctx.params();
        SweepSpec spec = Studies.resolve(p.getString("spec", null));
        List<SweepCell> cells = spec.cells();
        // everything a cell needs is checked before the first one runs
        DataSet ds = ctx.capability(DataSet.class, spec.dataset());
        IterationStrategy strategy = ctx.capability(IterationStrategy.class, spec.analysis().strategy());
        Parameters.resolve("strategy '" + spec.analysis().strategy() + "'", strategy.parameters(), spec.analysis().strategyParams());
        AttractorClusterer clusterer = ctx.capability(AttractorClusterer.class, spec.analysis().clusterer());
        Parameters.resolve("clusterer '" + spec.analysis().clusterer() + "'", clusterer.parameters(),
                spec.analysis().clustererParams());
        String executorId = executorFor(p.getString("executor", null), cells.size());
        CellExecutor executor = ctx.capability(CellExecutor.class, executorId);
        Map<String, String> givenExecutorParams = executorParams(p.getString("executorParams", null));
        Parameters executorParams = Parameters.resolve("executor '" + executorId + "'", executor.parameters(), givenExecutorParams);
        ctx.stage("data", -1, "checking " + spec.dataset() + " has " + spec.maxTrainingSize() + " training and "
                + spec.analysis().testSeeds() + " test inputs");
        checkSize(ds, spec.dataset(), "train", spec.maxTrainingSize());
        if (spec.analysis().testSeeds() > 0) {
            checkSize(ds, spec.dataset(), "test", spec.analysis().testSeeds());
        }
        ctx.checkCancelled();

        Path cellsDir = ctx.workDir().resolve("cells");
        Files.createDirectories(cellsDir);
        removeLeftovers(cellsDir);
        Map<String, CellResult> results = new ConcurrentHashMap<>();
        List<SweepCell> toRun = new ArrayList<>();
        Optional<Path> published = ctx.previousOutput().map(o -> o.resolve("cells")).filter(Files::isDirectory);
        for (SweepCell c : cells) {
            Path cellDir = cellsDir.resolve(c.id());
            if (published.isPresent() && !Files.exists(cellDir) && reusable(c, published.get().resolve(c.id()))) {
                CellTrees.link(published.get().resolve(c.id()), cellDir); // a finished cell of the published sweep
            }
            Optional<CellResult> earlier = withRunner(r -> r.read(cellDir));
            if (earlier.isPresent() && earlier.get().status() == CellResult.Status.DONE
                    && c.specHash().equals(earlier.get().cell().specHash())) {
                results.put(c.id(), earlier.get());
            } else {
                toRun.add(c);
            }
        }
        int reused = results.size();
        int parallel = p.getInt("parallel", 0) > 0 ? p.getInt("parallel", 0) : spec.parallel();
        String where = executor.describe(executorParams, parallel);
        SweepProgress progress = new SweepProgress(ctx, toRun, reused, cells.size(), where);
        executor.execute(toRun, cellsDir, parallel, executorParams, progress.listener(results));
        ctx.checkCancelled();

        List<CellResult> all = new ArrayList<>();
        for (SweepCell c : cells) {
            all.add(results.getOrDefault(c.id(), CellResult.failed(c, "the executor returned no result for this cell", 0, "")));
        }
        ctx.stage("writing", -1, "sweep.json, sweep.csv");
        Path out = ctx.outDir();
        List<String> axes = new ArrayList<>(spec.axisValues().keySet());
        SweepFiles.writeJson(out.resolve("sweep.json"), spec, all,
                environment(executor, executorId, givenExecutorParams, parallel, where), reused);
        SweepFiles.writeCsv(out.resolve("sweep.csv"), axes, all);
        Files.writeString(out.resolve("spec.json"), SweepFiles.JSON.writeValueAsString(spec.source()));
        List<SweepResult.Gallery> galleries = galleries(spec, all, cellsDir);
        long done = all.stream().filter(c -> c.status() == CellResult.Status.DONE).count();
        Map<String, FieldValue> summary = new LinkedHashMap<>();
        summary.put("cells", FieldValue.of(all.size()));
        summary.put("done", FieldValue.of(done));
        summary.put("failed", FieldValue.of(all.size() - done));
        summary.put("reused", FieldValue.of(reused));
        summary.put("ranOn", FieldValue.of(where));
        String title = String.format(Locale.ROOT, "Sweep %s: %d cells on %s (%s), run on %s", spec.name(), all.size(),
                spec.dataset(), axes.isEmpty() ? "no axes" : String.join(" × ", axes), where);
        SweepResult details = new SweepResult(spec.name(), spec.dataset(), spec.axisValues(), all, galleries, spec.settings());
        return new ExperimentResult(ID, title, summary, List.of("sweep.json", "sweep.csv", "spec.json", "cells/"), details, 0);
    }

    private boolean reusable(SweepCell c, Path dir) {
        Optional<CellResult> r = withRunner(x -> x.read(dir));
        return r.isPresent() && r.get().status() == CellResult.Status.DONE && c.specHash().equals(r.get().cell().specHash());
    }

    /** Half-written cell folders of a killed run (hidden staging folders in our own work folder). */
    static void removeLeftovers(Path cellsDir) throws IOException {
        try (var s = Files.list(cellsDir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(".")
                    && p.getFileName().toString().contains(".latentlab-staging-")).toList()) {
                try (var tree = Files.walk(p)) {
                    for (Path q : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(q);
                    }
                }
            }
        }
    }

    private static void checkSize(DataSet ds, String id, String split, int count) {
        if (!ds.splits().contains(split)) {
            throw new LatentLabException("data set '" + id + "' has no split '" + split + "'; its splits: " + ds.splits());
        }
        int have = ds.load(split, count).rows();
        if (have < count) {
            throw new LatentLabException("sweep spec: data set '" + id + "' has only " + have + " " + split + " inputs, the spec asks for "
                    + count);
        }
    }

    private static List<SweepResult.Gallery> galleries(SweepSpec spec, List<CellResult> all, Path cellsDir) {
        List<String> chosen = spec.galleries().isEmpty()
                ? all.stream().filter(c -> c.status() == CellResult.Status.DONE).limit(DEFAULT_GALLERIES).map(c -> c.cell().id()).toList()
                : spec.galleries();
        List<SweepResult.Gallery> out = new ArrayList<>();
        for (CellResult c : all) {
            if (chosen.contains(c.cell().id())) {
                String label = c.cell().axes().isEmpty() ? c.cell().id()
                        : c.cell().id() + ": " + String.join(", ", c.cell().axes().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
                CellFiles.readGallery(cellsDir.resolve(c.cell().id()), c.cell().id(), label).ifPresent(out::add);
            }
        }
        return out;
    }

    /** The {@code executorParams} text: a JSON object whose values are text (numbers and booleans are taken as written). */
    static Map<String, String> executorParams(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        JsonNode node;
        try {
            node = SweepFiles.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new LatentLabException("executorParams: not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new LatentLabException("executorParams: must be a JSON object of parameter names and values");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (var it = node.fields(); it.hasNext();) {
            var e = it.next();
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new LatentLabException("executorParams." + e.getKey() + ": must be text, a number or true/false");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static Map<String, Object> environment(CellExecutor executor, String executorId, Map<String, String> executorParams,
            int parallel, String where) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("java", System.getProperty("java.version"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        env.put("cores", Runtime.getRuntime().availableProcessors());
        env.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        env.put("executor", executor.getClass().getSimpleName());
        env.put("executorId", executorId);
        if (!executorParams.isEmpty()) {
            env.put("executorParams", executorParams);
        }
        env.put("parallel", parallel);
        env.put("ranOn", where);
        env.put("finished", java.time.Instant.now().toString());
        return env;
    }

    /** The job's progress: a stage over the cells, with the running cell's step in the message. */
    static final class SweepProgress {
        private final ExperimentContext ctx;
        private final int toRun;
        private final int reused;
        private final int total;
        private final Map<String, long[]> steps = new ConcurrentHashMap<>();
        private int finished;
        private int failed;
        private String last = "";

        SweepProgress(ExperimentContext ctx, List<SweepCell> toRun, int reused, int total, String where) {
            this.ctx = ctx;
            this.toRun = toRun.size();
            this.reused = reused;
            this.total = total;
            for (SweepCell c : toRun) {
                steps.put(c.id(), new long[] {0, c.training().totalSteps()});
            }
            show((reused > 0 ? reused + " of " + total + " cells already finished, running " + toRun.size()
                    : "running " + toRun.size() + " cells") + " on " + where);
        }

        private synchronized void show(String message) {
            last = message;
            ctx.stage("cells", toRun, message);
            ctx.progress().advance(finished);
        }

        CellExecutor.Listener listener(Map<String, CellResult> results) {
            return new CellExecutor.Listener() {
                @Override
                public void started(SweepCell cell) {
                    show("cell " + cell.id() + " " + cell.axes() + ": training");
                }

                @Override
                public void progressed(SweepCell cell, long units) {
                    long[] s = steps.get(cell.id());
                    if (s == null) {
                        return;
                    }
                    synchronized (s) {
                        long before = s[0];
                        s[0] += units;
                        long every = Math.max(1, s[1] / 20);
                        if (s[0] <= s[1] && before / every != s[0] / every) {
                            show("cell " + cell.id() + " " + cell.axes() + ": step " + s[0] + "/" + s[1]);
                        } else if (before < s[1] && s[0] >= s[1]) {
                            show("cell " + cell.id() + " " + cell.axes() + ": analysing");
                        }
                    }
                }

                @Override
                public void finished(CellResult result) {
                    results.put(result.cell().id(), result);
                    synchronized (SweepProgress.this) {
                        finished++;
                        if (result.status() == CellResult.Status.FAILED) {
                            failed++;
                        }
                    }
                    show("cell " + result.cell().id() + " " + SweepFiles.status(result) + (result.error() == null ? ""
                            : ": " + result.error()) + " (" + finished + "/" + toRun + " run" + (failed > 0 ? ", " + failed
                                    + " failed" : "") + (reused > 0 ? ", " + reused + " reused" : "") + ")");
                }

                @Override
                public boolean cancelled() {
                    return ctx.progress().cancelled();
                }
            };
        }
    }
}
