package org.latentlab.spark.internal;

import java.util.List;
import java.util.Map;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.engine.SeedPartExecutor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;

/**
 * {@code spark} for analyses: the seed parts of an analysis as Spark tasks, through the same driver program as sweeps
 * (a JVM of its own; no Spark class in this framework). Each task runs {@code latentlab analyze-part} (a whole lab: the
 * same engine, strategies and backends as a local run) on its worker. The part's seeds travel inside its task and the
 * model folder, up to {@code shipModelMB}, is fetched once by each executor (else read at its path: a shared file
 * system); the per-seed columns come back zipped. So workers need no shared file system. Parameters and their defaults are those of the {@code spark} cell executor (configuration
 * {@code org.latentlab.spark}).
 */
@Component(configurationPid = "org.latentlab.spark", property = {ServiceProperties.ID + "=" + SparkCellExecutor.ID,
        ServiceProperties.DESCRIPTION + "=iterates an analysis's seed parts as Apache Spark tasks (local[N], standalone, YARN); "
                + "each task runs a lab on its worker"})
public class SparkPartExecutor implements SeedPartExecutor {

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
    public String describe(Parameters params) {
        return SparkSetup.describe(params);
    }

    @Override
    public void execute(PartJob job, Parameters params, Listener listener) throws InterruptedException {
        if (job.parts().isEmpty()) {
            return;
        }
        SparkSettings settings = setup.settings(params);
        new PartRun(settings, job, setup.newRun("a"), listener).run();
    }
}
