package org.latentlab.spark.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.sweep.CellExecutor;
import org.latentlab.api.sweep.CellResult;
import org.latentlab.api.sweep.SweepCell;
import org.latentlab.api.sweep.SweepCellRunner;
import org.latentlab.io.IoErrors;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code spark}: the cells of a sweep as Spark tasks. Spark does not run in this framework: a driver program in a JVM
 * of its own ({@code DIST/spark/}: Spark's jars and latentlab-spark-driver.jar) submits one job per cell, and each task
 * runs {@code latentlab sweep-cell} (a whole lab, with the same engine and backends as a local run) on its worker.
 * The cell folders come back as zips and are placed into the sweep's cells folder as the local executor's would be;
 * Spark retries a task whose lab died and runs a lost executor's cells elsewhere. Parameters (defaults from the
 * configuration {@code org.latentlab.spark}, e.g. {@code DATA/etc/org.latentlab.spark.cfg}): master, conf, latentlab,
 * home. The sweep's {@code parallel} does not apply: the cluster's free cores decide how many cells run at once.
 */
@Component(configurationPid = "org.latentlab.spark", property = {ServiceProperties.ID + "=" + SparkCellExecutor.ID,
        ServiceProperties.DESCRIPTION + "=runs sweep cells as Apache Spark tasks (local[N], standalone, YARN, Kubernetes); "
                + "each task runs a lab on its worker"})
public class SparkCellExecutor implements CellExecutor {

    static final String ID = "spark";
    private static final AtomicInteger RUNS = new AtomicInteger();

    /** Got when cells come back (as the local executor does: holding it directly would be an activation cycle). */
    @Reference
    ComponentServiceObjects<SweepCellRunner> runners;
    /** Set by tests instead of {@link #runners}. */
    SweepCellRunner runner;

    Path distribution;
    Path labHome;
    private volatile SparkSettings.Defaults defaults = new SparkSettings.Defaults(null, null, null, null);

    @Activate
    void activate(BundleContext ctx, Map<String, Object> props) {
        String d = ctx.getProperty("latentlab.distribution");
        String h = ctx.getProperty("latentlab.home");
        distribution = d == null ? null : Path.of(d);
        labHome = h == null ? Path.of(System.getProperty("user.home"), ".latentlab") : Path.of(h);
        configure(props);
    }

    @Modified
    void configure(Map<String, Object> props) {
        defaults = new SparkSettings.Defaults(text(props.get("master")), text(props.get("conf")), text(props.get("latentlab")),
                text(props.get("home")));
    }

    /** A configuration value: text, or an array / collection of lines (conf). */
    static String text(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof String[] a) {
            return String.join("\n", a);
        }
        if (v instanceof java.util.Collection<?> c) {
            return String.join("\n", c.stream().map(String::valueOf).toList());
        }
        String s = v.toString().strip();
        return s.isEmpty() ? null : s;
    }

    @Override
    public List<ParameterSpec> parameters() {
        return SparkSettings.parameters(defaults);
    }

    @Override
    public String describe(Parameters params, int parallelism) {
        String master = params.getString("master", null);
        return "Spark, master " + (master == null || master.isBlank() ? "(none set)" : master.strip());
    }

    @Override
    public void execute(List<SweepCell> cells, Path cellsDir, int parallelism, Listener listener) throws InterruptedException {
        execute(cells, cellsDir, parallelism, Parameters.resolve("executor '" + ID + "'", parameters(), Map.of()), listener);
    }

    @Override
    public void execute(List<SweepCell> cells, Path cellsDir, int parallelism, Parameters params, Listener listener)
            throws InterruptedException {
        if (cells.isEmpty()) {
            return;
        }
        if (distribution == null) {
            throw new LatentLabException("executor 'spark': the lab was started without latentlab.distribution; start it with "
                    + "bin/latentlab");
        }
        SparkSettings settings = SparkSettings.of(params, distribution, labHome);
        Path runs = labHome.resolve("spark").resolve("runs");
        Path run;
        try {
            Folders.prune(runs);
            run = Files.createDirectories(runs.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                    + "-" + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet()));
        } catch (IOException e) {
            throw new LatentLabException("executor 'spark': cannot create its run folder under " + runs + ": " + IoErrors.describe(e), e);
        }
        new DriverRun(settings, cells, cellsDir, run, listener, this::read).run();
    }

    private Optional<CellResult> read(Path cellDir) {
        if (runner != null) {
            return runner.read(cellDir);
        }
        SweepCellRunner r = runners.getService();
        try {
            return r.read(cellDir);
        } finally {
            runners.ungetService(r);
        }
    }
}
