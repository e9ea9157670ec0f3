package org.latentlab.report.internal;

import java.util.List;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.report.ReportCanvas;
import org.latentlab.api.report.ReportSection;

/** Spectral radius of each attractor, and observed against predicted steps. */
final class StabilitySection implements ReportSection<AnalysisResult> {

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
}
