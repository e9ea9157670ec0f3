package org.latentlab.metrics.internal;

import java.util.Locale;
import java.util.Optional;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.report.Plot;
import org.latentlab.api.report.ReportCanvas;
import org.latentlab.api.report.ReportSection;
import org.osgi.service.component.annotations.Component;

/** The report's picture of the latent field on the PCA plane, with trajectories and attractors. */
@Component(service = ReportSection.class)
public class LatentFieldSection implements ReportSection<AnalysisResult> {

    static final int WIDTH = 760;
    static final int HEIGHT = 640;

    @Override
    public String id() {
        return "latent-field";
    }

    @Override
    public Class<AnalysisResult> resultType() {
        return AnalysisResult.class;
    }

    @Override
    public int order() {
        return 400;
    }

    @Override
    public boolean appliesTo(AnalysisResult result) {
        return find(result).isPresent();
    }

    @Override
    public Optional<String> hint(AnalysisResult result) {
        return Optional.of("Run with the metric latent-field for a picture of the latent field and the trajectories on "
                + "the PCA plane.");
    }

    static Optional<LatentField> find(AnalysisResult result) {
        return result.metrics().values().stream().map(r -> r.artifact(LatentField.class)).flatMap(Optional::stream)
                .findFirst();
    }

    @Override
    public void render(AnalysisResult r, ReportCanvas canvas) {
        LatentField f = find(r).orElseThrow();
        double[] b = f.bounds();
        Plot s = canvas.newPlot(WIDTH, HEIGHT, b[0], b[1], b[2], b[3]);
        int g = (int) Math.round(Math.sqrt(f.grid().length));
        double cell = (WIDTH - 60.0) / Math.max(1, g);
        double maxLen = 0;
        for (double[] v : f.field()) {
            double len = Math.hypot(v[0], v[1]);
            maxLen = Double.isFinite(len) ? Math.max(maxLen, len) : maxLen;
        }
        maxLen = maxLen > 0 ? maxLen : 1;
        double scaleX = s.pixelsPerUnitX();
        double scaleY = s.pixelsPerUnitY();
        for (int i = 0; i < f.grid().length; i++) {
            double[] p = f.grid()[i];
            double[] v = f.field()[i];
            double len = Math.hypot(v[0] * scaleX, v[1] * scaleY);
            if (!(len > 0) || !Double.isFinite(len)) {
                continue;
            }
            double shown = 0.9 * cell * Math.sqrt(Math.hypot(v[0], v[1]) / maxLen); // sqrt: small vectors stay visible
            s.arrow(p[0], p[1], v[0] * scaleX / len * shown, v[1] * scaleY / len * shown, "#888");
        }
        for (int i = 0; i < f.paths().size(); i++) {
            double[][] p = f.paths().get(i);
            String c = canvas.color(f.pathLabels()[i]);
            s.polyline(p, c, 1.2, 0.55);
            s.circle(p[0][0], p[0][1], 2, c, "none", null);
        }
        for (int i = 0; i < f.attractors().length; i++) {
            String title = "attractor #" + i;
            if (i < r.attractors().size()) {
                Attractor a = r.attractors().get(i);
                title += String.format(Locale.ROOT, ", basin %d, ρ %.3f", a.basinSize(), a.spectralRadius());
            }
            s.circle(f.attractors()[i][0], f.attractors()[i][1], 6, canvas.color(i), "#000", title);
        }
        s.axes(String.format(Locale.ROOT, "PC 1 (%.0f%% of variance)", 100 * f.explained()[0]),
                String.format(Locale.ROOT, "PC 2 (%.0f%% of variance)", 100 * f.explained()[1]));
        canvas.heading("Latent field on the PCA plane");
        canvas.plot(s, "Grey arrows: the latent field v(z) = f(z) − z projected on the plane (length ∝ √|v|). "
                + "Lines: trajectories from their seeds (dots), coloured by the attractor they reach"
                + (f.pathsRecorded() ? "" : " (seed to end point; record paths for full curves)")
                + ". Large dots: attractors. Points off the plane are shown by their projection.");
    }
}
