package org.latentlab.report.internal;

import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.metric.MetricResult;
import org.latentlab.api.result.FieldValue;
import org.latentlab.api.report.ReportCanvas;
import org.latentlab.api.report.ReportSection;

/**
 * Spectral radius of each attractor, observed against predicted steps with their Pearson correlation,
 * and the rank that holds 90% of the variance of the decoded attractors (from the {@code sparsity}
 * metric's {@code decodedRank90}: the report has no model to decode with).
 */
final class StabilitySection implements ReportSection<AnalysisResult> {

    /** The summary field, written by the sparsity metric, that holds the rank of the decoded attractors. */
    static final String RANK_FIELD = "decodedRank90";

    /**
     * Pearson's r of (predictedSteps, meanSteps) over the attractors where both are finite, one pair per
     * attractor (each the mean over its basin); r is NaN for fewer than 2 pairs or a constant side.
     */
    record StepsCorrelation(double r, int n) {}

    @Override
    public String id() {
        return "stability";
    }

    @Override
    public Class<AnalysisResult> resultType() {
        return AnalysisResult.class;
    }

    @Override
    public int order() {
        return 500;
    }

    @Override
    public boolean appliesTo(AnalysisResult result) {
        return !result.attractors().isEmpty();
    }

    @Override
    public void render(AnalysisResult r, ReportCanvas canvas) {
        canvas.heading("Stability");
        canvas.plots(List.of(spectrum(r), steps(r)));
        canvas.paragraph(correlationLine(stepsCorrelation(r)));
        canvas.paragraph(rankLine(r));
        canvas.note("ρ is the spectral radius of the Jacobian of f = E∘D at the attractor (ρ < 1: stable; "
                + "small ρ: fast, strong attraction). Predicted steps use the linear rate, log(ε/‖e₀‖)/log ρ; "
                + "seeds far from the attractor take longer than the linear prediction.");
    }

    static Svg spectrum(AnalysisResult r) {
        List<Attractor> atts = r.attractors();
        double max = Math.max(1.1, atts.stream().mapToDouble(Attractor::spectralRadius).filter(Double::isFinite).max().orElse(1) * 1.1);
        Svg s = new Svg(370, 260, -0.5, atts.size() - 0.5, 0, max);
        s.line(-0.5, 1, atts.size() - 0.5, 1, "#d62728", 1, 0.8);
        for (Attractor a : atts) {
            if (Double.isFinite(a.spectralRadius())) {
                s.circle(a.id(), a.spectralRadius(), 3.5, Svg.color(a.id()), "none",
                        "#" + a.id() + " ρ " + Svg.fmt(a.spectralRadius()));
            }
        }
        return s.axes("attractor", "spectral radius ρ");
    }

    static Svg steps(AnalysisResult r) {
        List<Attractor> atts = r.attractors().stream().filter(a -> Double.isFinite(a.predictedSteps())).toList();
        double max = Math.max(1, atts.stream().mapToDouble(a -> Math.max(a.meanSteps(), a.predictedSteps())).max().orElse(1) * 1.1);
        Svg s = new Svg(370, 260, 0, max, 0, max);
        s.line(0, 0, max, max, "#999", 1, 0.8);
        for (Attractor a : atts) {
            s.circle(a.predictedSteps(), a.meanSteps(), 3.5, Svg.color(a.id()), "none",
                    "#" + a.id() + ": observed " + Svg.fmt(a.meanSteps()) + ", predicted " + Svg.fmt(a.predictedSteps()));
        }
        return s.axes("predicted steps (linear rate)", "observed mean steps");
    }

    static StepsCorrelation stepsCorrelation(AnalysisResult r) {
        List<Attractor> pairs = r.attractors().stream()
                .filter(a -> Double.isFinite(a.predictedSteps()) && Double.isFinite(a.meanSteps())).toList();
        if (pairs.size() < 2) {
            return new StepsCorrelation(Double.NaN, pairs.size());
        }
        double[] predicted = pairs.stream().mapToDouble(Attractor::predictedSteps).toArray();
        double[] observed = pairs.stream().mapToDouble(Attractor::meanSteps).toArray();
        return new StepsCorrelation(new PearsonsCorrelation().correlation(predicted, observed), pairs.size());
    }

    static String correlationLine(StepsCorrelation c) {
        String over = "over n = " + c.n() + " attractor" + (c.n() == 1 ? "" : "s")
                + " (one pair per attractor: its mean predicted and mean observed steps over its basin)";
        if (Double.isNaN(c.r())) {
            return "Pearson correlation of predicted vs observed steps: undefined " + over
                    + (c.n() < 2 ? "; it needs at least 2." : "; one side is constant.");
        }
        return String.format(Locale.ROOT, "Pearson correlation of predicted vs observed steps: r = %.3f %s.", c.r(), over);
    }

    /** The rank a metric put into its summary, if one did. */
    static OptionalLong decodedRank(AnalysisResult r) {
        for (MetricResult m : r.metrics().values()) {
            if (m.summary().get(RANK_FIELD) instanceof FieldValue.Int rank) {
                return OptionalLong.of(rank.value());
            }
        }
        return OptionalLong.empty();
    }

    static String rankLine(AnalysisResult r) {
        OptionalLong rank = decodedRank(r);
        if (rank.isEmpty()) {
            return "Rank of the decoded attractors: not computed; run with --metric sparsity (it decodes the attractors) "
                    + "for the number of principal components that hold 90% of their variance.";
        }
        int n = r.attractors().size();
        return String.format(Locale.ROOT, "%d principal component%s 90%% of the variance of the %d decoded attractors "
                + "D(z*) (centred): how many distinct things the model stores.", rank.getAsLong(),
                rank.getAsLong() == 1 ? " holds" : "s hold", n);
    }
}
