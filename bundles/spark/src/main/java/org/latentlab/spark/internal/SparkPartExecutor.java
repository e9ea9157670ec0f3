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
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.engine.SeedPartExecutor;
import org.latentlab.io.IoErrors;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;

/**
 * {@code spark} for analyses: the seed parts of an analysis as Spark tasks, through the same driver program as sweeps
 * (a JVM of its own; no Spark class in this framework). Each task runs {@code latentlab analyze-part} (a whole lab: the
 * same engine, strategies and backends as a local run) on its worker, which reads the model and the part's seeds from the
 * paths the engine gives (the workers must see them: one machine, or a shared file system) and sends the per-seed columns
 * back zipped. Parameters and their defaults are those of the {@code spark} cell executor (configuration
 * {@code org.latentlab.spark}).
 */
@Component(configurationPid = "org.latentlab.spark", property = {ServiceProperties.ID + "=" + SparkCellExecutor.ID,
        ServiceProperties.DESCRIPTION + "=iterates an analysis's seed parts as Apache Spark tasks (local[N], standalone, YARN); "
                + "each task runs a lab on its worker"})
public class SparkPartExecutor implements SeedPartExecutor {

    private static final AtomicInteger RUNS = new AtomicInteger();

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
        defaults = new SparkSettings.Defaults(SparkCellExecutor.text(props.get("master")), SparkCellExecutor.text(props.get("conf")),
                SparkCellExecutor.text(props.get("latentlab")), SparkCellExecutor.text(props.get("home")));
    }

    @Override
    public List<ParameterSpec> parameters() {
        return SparkSettings.parameters(defaults);
    }

    @Override
    public String describe(Parameters params) {
        String master = params.getString("master", null);
        return "Spark, master " + (master == null || master.isBlank() ? "(none set)" : master.strip());
    }

    @Override
    public void execute(PartJob job, Parameters params, Listener listener) throws InterruptedException {
        if (job.parts().isEmpty()) {
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
                    + "-" + ProcessHandle.current().pid() + "-a" + RUNS.incrementAndGet()));
        } catch (IOException e) {
            throw new LatentLabException("executor 'spark': cannot create its run folder under " + runs + ": " + IoErrors.describe(e), e);
        }
        new PartRun(settings, job, run, listener).run();
    }
}
