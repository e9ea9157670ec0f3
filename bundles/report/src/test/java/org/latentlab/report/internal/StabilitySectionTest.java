package org.latentlab.report.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.attractor.FixedPointKind;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.metric.MetricResult;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.api.result.FieldValue;
import org.junit.jupiter.api.Test;

/** The stability section's numbers: Pearson r of predicted vs observed steps per attractor, and the decoded rank. */
class StabilitySectionTest {

    static Attractor attractor(int id, double observed, double predicted) {
        return new Attractor(id, new float[] {id, 0}, 1, 0.5, 0.5, true, FixedPointKind.ATTRACTOR, observed, predicted);
    }

    static AnalysisResult result(List<Attractor> atts, Map<String, MetricResult> metrics) {
        ModelSpec spec = new ModelSpec(Path.of("/models/m"), "m", new int[] {16}, 2, "e", "d", null);
        return new AnalysisResult(spec, "hand", Tensor.matrix(0, 2, new float[0]), "picard", Parameters.EMPTY, "cosine",
                Parameters.EMPTY, atts, List.of(), new int[0], metrics, 1);
    }

    @Test
    void pearsonIsOverAttractorsWithBothStepCountsFinite() {
        // pairs (predicted, observed) = (1, 2), (2, 4), (3, 7); the saddle without a prediction is left out
        // r = Σ dx dy / √(Σ dx² Σ dy²) = 5 / √(2 · 114/9) = 15 / √228
        AnalysisResult r = result(List.of(attractor(0, 2, 1), attractor(1, 4, 2), attractor(2, 7, 3), attractor(3, 9, Double.NaN)),
                Map.of());
        StabilitySection.StepsCorrelation c = StabilitySection.stepsCorrelation(r);
        assertEquals(3, c.n());
        assertEquals(15 / Math.sqrt(228), c.r(), 1e-12);
        assertEquals(String.format(java.util.Locale.ROOT, "Pearson correlation of predicted vs observed steps: r = %.3f over n = 3 "
                + "attractors (one pair per attractor: its mean predicted and mean observed steps over its basin).", 15 / Math.sqrt(228)),
                StabilitySection.correlationLine(c));
    }

    @Test
    void withFewerThanTwoPairsOrAConstantSideTheCorrelationIsUndefined() {
        StabilitySection.StepsCorrelation one = StabilitySection.stepsCorrelation(result(List.of(attractor(0, 2, 1)), Map.of()));
        assertEquals(1, one.n());
        assertTrue(Double.isNaN(one.r()));
        assertTrue(StabilitySection.correlationLine(one).endsWith("over n = 1 attractor (one pair per attractor: its mean "
                + "predicted and mean observed steps over its basin); it needs at least 2."), StabilitySection.correlationLine(one));
        StabilitySection.StepsCorrelation flat = StabilitySection.stepsCorrelation(
                result(List.of(attractor(0, 5, 1), attractor(1, 5, 2)), Map.of()));
        assertTrue(Double.isNaN(flat.r()));
        assertTrue(StabilitySection.correlationLine(flat).endsWith("; one side is constant."));
    }

    @Test
    void theRankComesFromTheMetricThatDecodedTheAttractors() {
        List<Attractor> atts = List.of(attractor(0, 2, 1), attractor(1, 4, 2), attractor(2, 7, 3));
        AnalysisResult without = result(atts, Map.of("memorization", MetricResult.ofSummary(Map.of("attractors", FieldValue.of(3)))));
        assertTrue(StabilitySection.decodedRank(without).isEmpty());
        assertTrue(StabilitySection.rankLine(without).contains("run with --metric sparsity"));
        AnalysisResult with = result(atts, Map.of("sparsity", MetricResult.ofSummary(Map.of("decodedRank90", FieldValue.of(2)))));
        assertEquals(2, StabilitySection.decodedRank(with).getAsLong());
        assertEquals("2 principal components hold 90% of the variance of the 3 decoded attractors D(z*) (centred): how many "
                + "distinct things the model stores.", StabilitySection.rankLine(with));
    }

    @Test
    void bothLinesAreOnTheRenderedPage() throws Exception {
        AnalysisResult r = result(List.of(attractor(0, 2, 1), attractor(1, 4, 2)),
                Map.of("sparsity", MetricResult.ofSummary(Map.of("decodedRank90", FieldValue.of(1)))));
        String html = PageTemplate.render(HtmlReportExporter.page(r, Parameters.EMPTY, List.of(),
                java.nio.file.Files.createTempDirectory("stability")));
        assertTrue(html.contains("Pearson correlation of predicted vs observed steps: r = 1.000 over n = 2 attractors"), html);
        assertTrue(html.contains("1 principal component holds 90% of the variance of the 2 decoded attractors"), html);
    }
}
