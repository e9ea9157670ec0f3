package org.latentlab.spark.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.osgi.framework.BundleContext;

/**
 * What the two {@code spark} executors (sweep cells, analysis parts) share: this installation and this lab's data folder
 * (framework properties), the configured defaults of their parameters ({@code org.latentlab.spark}) and the run folders
 * under {@code DATA/spark/runs/}.
 */
final class SparkSetup {

    private static final AtomicInteger RUNS = new AtomicInteger();

    Path distribution;
    Path labHome;
    private volatile SparkSettings.Defaults defaults = SparkSettings.Defaults.NONE;

    void activate(BundleContext ctx, Map<String, Object> props) {
        String d = ctx.getProperty("latentlab.distribution");
        String h = ctx.getProperty("latentlab.home");
        distribution = d == null ? null : Path.of(d);
        labHome = h == null ? Path.of(System.getProperty("user.home"), ".latentlab") : Path.of(h);
        configure(props);
    }

    void configure(Map<String, Object> props) {
        defaults = SparkSettings.Defaults.of(props);
    }

    List<ParameterSpec> parameters() {
        return SparkSettings.parameters(defaults);
    }

    static String describe(Parameters params) {
        String master = params.getString("master", null);
        return "Spark, master " + (master == null || master.isBlank() ? "(none set)" : master.strip());
    }

    /** The checked settings of a run. */
    SparkSettings settings(Parameters params) {
        if (distribution == null) {
            throw new LatentLabException("executor 'spark': the lab was started without latentlab.distribution; start it with "
                    + "bin/latentlab");
        }
        return SparkSettings.of(params, distribution, labHome);
    }

    /** A new run folder, {@code DATA/spark/runs/<time>-<pid>-<tag><n>}, old ones pruned. */
    Path newRun(String tag) {
        Path runs = labHome.resolve("spark").resolve("runs");
        try {
            Folders.prune(runs);
            return Files.createDirectories(runs.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                    + "-" + ProcessHandle.current().pid() + "-" + tag + RUNS.incrementAndGet()));
        } catch (IOException e) {
            throw new LatentLabException("executor 'spark': cannot create its run folder under " + runs + ": "
                    + org.latentlab.io.IoErrors.describe(e), e);
        }
    }
}
