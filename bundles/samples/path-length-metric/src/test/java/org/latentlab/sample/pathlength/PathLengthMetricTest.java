package org.latentlab.sample.pathlength;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.metric.MetricContext;
import org.latentlab.api.metric.MetricResult;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.result.FieldValue;
import org.junit.jupiter.api.Test;

class PathLengthMetricTest {

    static Trajectory t(int seed, double length, boolean converged) {
        return new Trajectory(seed, new float[] {0f}, 3, converged, !converged, length, 0, null);
    }

    static MetricContext context(List<Trajectory> ts, int[] labels) {
        return new MetricContext() {
            public Optional<LatentModel> model() { return Optional.empty(); }
            public Tensor seeds() { return Tensor.matrix(ts.size(), 1, new float[ts.size()]); }
            public List<Trajectory> trajectories() { return ts; }
            public List<Attractor> attractors() { return List.of(); }
            public int[] labels() { return labels; }
            public Optional<Tensor> trainingInputs() { return Optional.empty(); }
        };
    }

    @Test
    void meansQuantileAndPerAttractorOverConvergedSeedsOnly() {
        List<Trajectory> ts = List.of(t(0, 1, true), t(1, 2, true), t(2, 3, true), t(3, 4, true), t(4, 100, false));
        MetricResult r = new PathLengthMetric().compute(context(ts, new int[] {0, 0, 1, 1, -1}),
                new Parameters(Map.of("quantile", 0.5)));
        assertEquals(FieldValue.of(4), r.summary().get("convergedSeeds"));
        assertEquals(FieldValue.of(2.5), r.summary().get("meanPathLength"));
        assertEquals(FieldValue.of(2.5), r.summary().get("pathLengthQuantile")); // median of 1..4
        assertEquals(FieldValue.of(1.5), r.perAttractor().get(0).get("meanPathLength"));
        assertEquals(FieldValue.of(3.5), r.perAttractor().get(1).get("meanPathLength"));
        PathLengths typed = r.artifact(PathLengths.class).orElseThrow();
        assertEquals(Map.of(0, 1.5, 1, 3.5), typed.perAttractor(), "the report section's typed copy");
        assertEquals("{convergedSeeds=4, meanPathLength=2.5, pathLengthQuantile=2.5}", r.summary().toString(),
                "a summary prints as plain values (the probe command and the CLI print it)");
    }

    @Test
    void aRunNotKeptInMemoryGetsTheMeansFromItsRecordsAndSaysTheQuantileIsSkipped() {
        List<Trajectory> ts = List.of(t(0, 1, true), t(1, 2, true), t(2, 3, true), t(3, 4, true), t(4, 100, false));
        MetricContext mem = context(ts, new int[] {0, 0, 1, 1, -1});
        org.latentlab.api.result.SeedRecords records = mem.perSeed();
        MetricContext large = new MetricContext() {
            public Optional<LatentModel> model() { return Optional.empty(); }
            public Tensor seeds() { return Tensor.matrix(0, 1, new float[0]); }
            public List<Trajectory> trajectories() { return List.of(); }
            public List<Attractor> attractors() { return List.of(); }
            public int[] labels() { return new int[0]; }
            public Optional<Tensor> trainingInputs() { return Optional.empty(); }
            public org.latentlab.api.result.SeedSummary seedSummary() { return mem.seedSummary(); }
            public org.latentlab.api.result.SeedRecords perSeed() { return records; }
            public boolean perSeedInMemory() { return false; }
        };
        MetricResult r = new PathLengthMetric().compute(large, new Parameters(Map.of("quantile", 0.5)));
        assertEquals(FieldValue.of(4), r.summary().get("convergedSeeds"));
        assertEquals(FieldValue.of(2.5), r.summary().get("meanPathLength"));
        assertTrue(Double.isNaN(((FieldValue.Real) r.summary().get("pathLengthQuantile")).value()));
        assertTrue(r.summary().get("note").toString().contains("quantile skipped: 5 seeds"), r.summary().toString());
        assertEquals(FieldValue.of(3.5), r.perAttractor().get(1).get("meanPathLength"));
    }

    @Test
    void quantileMatchesNumpyLinearRule() {
        double[] v = {0, 10, 20, 30, 40};
        assertEquals(38.0, PathLengthMetric.quantile(v, 0.95), 1e-12); // numpy.quantile([0,10,20,30,40], .95)
        assertEquals(0.0, PathLengthMetric.quantile(v, 0), 1e-12);
        assertTrue(Double.isNaN(PathLengthMetric.quantile(new double[0], 0.5)));
    }
}
