package org.latentlab.spark.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.sweep.CellExecutor;
import org.latentlab.api.sweep.CellResult;
import org.latentlab.api.sweep.SweepCell;
import org.latentlab.api.sweep.SweepCellRunner;
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
 * home, shipModelMB (analyses only). The sweep's {@code parallel} does not apply: the cluster's free cores decide how many cells run at once.
 */
@Component(configurationPid = "org.latentlab.spark", property = {ServiceProperties.ID + "=" + SparkCellExecutor.ID,
        ServiceProperties.DESCRIPTION + "=runs sweep cells as Apache Spark tasks (local[N], standalone, YARN, Kubernetes); "
                + "each task runs a lab on its worker"})
public class SparkCellExecutor implements CellExecutor {

    static final String ID = "spark";

    /** Got when cells come back (as the local executor does: holding it directly would be an activation cycle). */
    @Reference
    ComponentServiceObjects<SweepCellRunner> runners;
    /** Set by tests instead of {@link #runners}. */
    SweepCellRunner runner;

    final SparkSetup setup = new SparkSetup();

    @Activate
    void activate(BundleContext ctx, Map<String, Object> props) {
        setup.activate(ctx, props);
    }

    @Modified
    void configure(Map<String, Object> props) {
        setup.configure(props);
    }

    @Override
    public List<ParameterSpec> parameters() {
        return setup.parameters();
    }

    @Override
    public String describe(Parameters params, int parallelism) {
        return SparkSetup.describe(params);
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
        SparkSettings settings = setup.settings(params);
        new DriverRun(settings, cells, cellsDir, setup.newRun(""), listener, this::read).run();
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
