package org.latentlab.itprobe;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.latentlab.api.catalog.CapabilityInfo;
import org.latentlab.api.catalog.CapabilityKind;
import org.latentlab.api.catalog.Catalog;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.metric.Metric;
import org.latentlab.api.metric.MetricContext;
import org.latentlab.api.model.LatentModel;
import org.latentlab.launcher.spi.Subcommand;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code probe-metrics}: looks up every metric in the catalog now and runs it on a fixed small
 * run (trajectory path lengths 1, 2, 3, 4; labels 0, 0, 1, 1), printing {@code id summary}.
 */
@Component(property = {Subcommand.NAME + "=probe-metrics", Subcommand.SUMMARY + "=test probe: run every metric"})
public class MetricsProbeCommand implements Subcommand {

    @Reference
    Catalog catalog;

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        List<Trajectory> ts = List.of(t(0, 1), t(1, 2), t(2, 3), t(3, 4));
        int[] labels = {0, 0, 1, 1};
        MetricContext ctx = new MetricContext() {
            public Optional<LatentModel> model() { return Optional.empty(); }
            public Tensor seeds() { return Tensor.matrix(4, 1, new float[4]); }
            public List<Trajectory> trajectories() { return ts; }
            public List<Attractor> attractors() { return List.of(); }
            public int[] labels() { return labels; }
            public Optional<Tensor> trainingInputs() { return Optional.empty(); }
        };
        for (CapabilityInfo info : catalog.list()) {
            if (info.kind() == CapabilityKind.METRIC) {
                Metric m = catalog.require(Metric.class, info.id());
                Parameters p = Parameters.resolve("metric '" + info.id() + "'", m.parameters(), Map.of());
                try {
                    out.println(info.id() + " " + info.bundleVersion() + " " + m.compute(ctx, p).summary());
                } catch (org.latentlab.api.LatentLabException e) { // e.g. metrics that need a model
                    out.println(info.id() + " " + info.bundleVersion() + " skipped: " + e.getMessage());
                }
            }
        }
        return 0;
    }

    private static Trajectory t(int seed, double length) {
        return new Trajectory(seed, new float[] {0f}, 5, true, false, length, 0, null);
    }
}
