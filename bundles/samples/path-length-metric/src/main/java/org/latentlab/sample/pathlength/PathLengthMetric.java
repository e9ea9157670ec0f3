package org.latentlab.sample.pathlength;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.metric.Metric;
import org.latentlab.api.metric.MetricContext;
import org.latentlab.api.metric.MetricResult;
import org.latentlab.api.result.FieldValue;
import org.osgi.service.component.annotations.Component;

/**
 * Sample plugin: how far trajectories travel. Long, slow paths are a cheap out-of-distribution
 * signal (Fumero et al. 2025). Reports the mean and a quantile of path length over converged seeds,
 * and the mean path length into each attractor. {@link PathLengthSection} shows them in the HTML report.
 *
 * <p>The means are sums over the per-seed records, read block by block, so they work for runs of any size. The
 * exact quantile needs every path length at once: for runs larger than the engine keeps in memory it is skipped
 * (NaN, and a {@code note} says why).
 */
@Component(property = {
        ServiceProperties.ID + "=path-length",
        ServiceProperties.DESCRIPTION + "=mean and quantile of trajectory path length, overall and per attractor"})
public class PathLengthMetric implements Metric {

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.real("quantile", 0.95, 0, 1, "which quantile of path length to report"));
    }

    @Override
    public MetricResult compute(MetricContext context, Parameters params) {
        double q = params.getDouble("quantile", 0.95);
        Map<Integer, double[]> sums = new HashMap<>(); // attractor id -> {sum, count}
        double[] all = new double[2]; // converged seeds: {sum, count}
        context.perSeed().forEach(8192, b -> {
            for (int i = 0; i < b.rows(); i++) {
                if (b.converged()[i]) {
                    all[0] += b.pathLengths()[i];
                    all[1]++;
                }
                if (b.labels()[i] >= 0) {
                    double[] s = sums.computeIfAbsent(b.labels()[i], k -> new double[2]);
                    s[0] += b.pathLengths()[i];
                    s[1]++;
                }
            }
        });
        double mean = all[1] == 0 ? Double.NaN : all[0] / all[1];
        MetricResult.Builder out = MetricResult.builder().put("convergedSeeds", (long) all[1]).put("meanPathLength", mean);
        double quantile = Double.NaN;
        if (context.perSeedInMemory()) {
            double[] lengths = context.trajectories().stream().filter(Trajectory::converged).mapToDouble(Trajectory::pathLength)
                    .sorted().toArray();
            quantile = quantile(lengths, q);
            out.put("pathLengthQuantile", quantile);
        } else {
            out.put("pathLengthQuantile", Double.NaN).put("note", "quantile skipped: " + context.seedSummary().seeds()
                    + " seeds are more than the engine keeps in memory, and the exact quantile needs every path length");
        }
        Map<Integer, Double> perAttractor = new TreeMap<>();
        sums.forEach((id, s) -> perAttractor.put(id, s[0] / s[1]));
        perAttractor.forEach((id, m) -> out.attractor(id, "meanPathLength", FieldValue.of(m)));
        // typed, for this bundle's own report section (PathLengthSection); not written to result.json
        return out.artifact(new PathLengths(mean, q, quantile, perAttractor)).build();
    }

    /** Linear-interpolated quantile of sorted values (the "R-7" rule NumPy uses by default). */
    static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
