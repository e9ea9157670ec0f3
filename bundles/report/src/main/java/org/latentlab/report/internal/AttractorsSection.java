package org.latentlab.report.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.report.ReportCanvas;
import org.latentlab.api.report.ReportSection;

/** The attractors in a table: kind, basin, spectral radius and norm, observed and predicted steps. */
final class AttractorsSection implements ReportSection<AnalysisResult> {

    static final int MAX_ROWS = 60;

    @Override
    public String id() {
        return "attractors";
    }

    @Override
    public Class<AnalysisResult> resultType() {
        return AnalysisResult.class;
    }

    @Override
    public int order() {
        return 100;
    }

    @Override
    public boolean appliesTo(AnalysisResult result) {
        return true;
    }

    @Override
    public void render(AnalysisResult r, ReportCanvas canvas) {
        canvas.heading("Attractors");
        if (r.attractors().isEmpty()) {
            canvas.paragraph("No trajectory converged, so there are no attractors to show.");
            return;
        }
        long n = r.seedCount();
        canvas.paragraph("Ordered by basin size.");
        List<List<String>> rows = new ArrayList<>();
        for (Attractor a : r.attractors().subList(0, Math.min(MAX_ROWS, r.attractors().size()))) {
            rows.add(List.of("#" + a.id(), a.kind().name().toLowerCase(Locale.ROOT), Integer.toString(a.basinSize()),
                    String.format(Locale.ROOT, "%.1f%%", 100.0 * a.basinSize() / n), num("%.3f", a.spectralRadius()),
                    num("%.3f", a.spectralNorm()), num("%.1f", a.meanSteps()), num("%.1f", a.predictedSteps())));
        }
        canvas.table(List.of("attractor", "kind", "basin", "share", "ρ", "‖J‖", "mean steps", "predicted steps"), rows);
        if (r.attractors().size() > MAX_ROWS) {
            canvas.note((r.attractors().size() - MAX_ROWS) + " more attractors are in result.json.");
        }
    }

    private static String num(String format, double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, format, v) : "–";
    }
}
