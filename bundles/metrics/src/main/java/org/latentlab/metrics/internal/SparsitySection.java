package org.latentlab.metrics.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.report.ReportCanvas;
import org.latentlab.api.report.ReportSection;
import org.osgi.service.component.annotations.Component;

/** The sparsity of the seeds, the attractors and their decodings: a summary line and a table. */
@Component(service = ReportSection.class)
public class SparsitySection implements ReportSection<AnalysisResult> {

    static final int MAX_ROWS = 60;

    @Override
    public String id() {
        return "sparsity";
    }

    @Override
    public Class<AnalysisResult> resultType() {
        return AnalysisResult.class;
    }

    @Override
    public int order() {
        return 550;
    }

    @Override
    public boolean appliesTo(AnalysisResult result) {
        return find(result).isPresent();
    }

    static Optional<SparsityReport> find(AnalysisResult result) {
        return result.metrics().values().stream().map(r -> r.artifact(SparsityReport.class)).flatMap(Optional::stream).findFirst();
    }

    @Override
    public void render(AnalysisResult r, ReportCanvas canvas) {
        SparsityReport s = find(r).orElseThrow();
        canvas.summary(String.format(Locale.ROOT, "Hoyer sparsity (0 = all coordinates equal, 1 = one non-zero): seeds' start "
                + "codes %s on average (%d seeds), the attractors they converge to %s (%d converged seeds).", num(s.meanStart()),
                s.seeds(), num(s.meanEnd()), s.converged()));
        canvas.heading("Sparsity");
        if (s.entries().isEmpty()) {
            canvas.paragraph("No attractors to measure.");
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (SparsityReport.Entry e : s.entries().subList(0, Math.min(MAX_ROWS, s.entries().size()))) {
            rows.add(List.of("#" + e.attractor(), num(e.code()), e.decoded().isPresent() ? num(e.decoded().getAsDouble()) : "–"));
        }
        canvas.table(List.of("attractor", "sparsity of z*", "sparsity of D(z*)"), rows);
        canvas.note("Hoyer's measure (√n − ‖x‖₁/‖x‖₂)/(√n − 1); the zero vector counts as 0. Compare runs on familiar and "
                + "unfamiliar inputs: networks fall back to sparser codes on unfamiliar ones.");
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "–";
    }
}
