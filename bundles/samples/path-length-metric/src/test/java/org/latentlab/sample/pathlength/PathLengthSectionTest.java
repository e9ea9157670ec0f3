package org.latentlab.sample.pathlength;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.metric.MetricResult;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.api.report.ReportCanvas;
import org.junit.jupiter.api.Test;

class PathLengthSectionTest {

    static AnalysisResult result(Map<String, MetricResult> metrics, List<Trajectory> ts) {
        ModelSpec spec = new ModelSpec(Path.of("/m"), "m", new int[] {1}, 1, "e", "d", null);
        return new AnalysisResult(spec, "hand", Tensor.matrix(ts.size(), 1, new float[ts.size()]), "picard", Parameters.EMPTY,
                "cosine", Parameters.EMPTY, List.of(), ts, new int[ts.size()], metrics, 1);
    }

    /** A canvas that records each call as "method arguments". */
    static ReportCanvas recorder(List<String> calls) {
        return (ReportCanvas) Proxy.newProxyInstance(ReportCanvas.class.getClassLoader(), new Class<?>[] {ReportCanvas.class},
                (proxy, method, args) -> {
                    calls.add(method.getName() + " " + (args == null ? "" : List.of(args)));
                    return null;
                });
    }

    @Test
    void showsTheMeanInTheSummaryAndATableRowPerAttractor() {
        List<Trajectory> ts = List.of(PathLengthMetricTest.t(0, 1, true), PathLengthMetricTest.t(1, 2, true),
                PathLengthMetricTest.t(2, 3, true), PathLengthMetricTest.t(3, 4, true));
        MetricResult r = new PathLengthMetric().compute(PathLengthMetricTest.context(ts, new int[] {1, 1, 0, 0}),
                new Parameters(Map.of("quantile", 0.5)));
        AnalysisResult result = result(Map.of("whatever-id", r), ts);
        PathLengthSection section = new PathLengthSection();
        assertTrue(section.appliesTo(result), "found by the artifact's type, under any metric id");
        List<String> calls = new ArrayList<>();
        section.render(result, recorder(calls));
        assertEquals(List.of(
                "summary [Trajectories travel 2.500 on average in latent space (50% quantile 2.500); long paths hint at inputs "
                        + "far from the training data.]",
                "heading [Path length]",
                "table [[attractor, mean path length], [[#0, 3.500], [#1, 1.500]]]"), calls);
        assertFalse(section.appliesTo(result(Map.of(), ts)), "nothing to show without the metric");
    }
}
