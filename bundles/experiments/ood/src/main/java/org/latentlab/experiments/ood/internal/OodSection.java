package org.latentlab.experiments.ood.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.latentlab.api.report.Plot;
import org.latentlab.api.report.ReportCanvas;
import org.latentlab.api.report.ReportSection;
import org.osgi.service.component.annotations.Component;

/** The report of an {@code ood} run: ROC curves of all scores in one chart, the table best first, the settings. */
@Component(service = ReportSection.class)
public class OodSection implements ReportSection<OodReport> {

    /** Distinct colours for up to ten curves; more repeat. */
    static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
        "#bcbd22", "#7f7f7f"};

    @Override
    public String id() {
        return "ood";
    }

    @Override
    public Class<OodReport> resultType() {
        return OodReport.class;
    }

    @Override
    public int order() {
        return 100;
    }

    @Override
    public boolean appliesTo(OodReport result) {
        return !result.scores().isEmpty();
    }

    @Override
    public void render(OodReport r, ReportCanvas canvas) {
        ScoreSummary best = r.best();
        canvas.summary(String.format(Locale.ROOT, "best score: %s, AUROC %.4f, FPR95 %.4f", best.id(), best.auroc(), best.fpr95()));
        canvas.heading("Out-of-distribution scores");
        canvas.paragraph(String.format(Locale.ROOT, "%d in-distribution inputs (%s, negatives) against %d out-of-distribution "
                + "inputs (%s, positives); model %s.", r.inCount(), r.in(), r.oodCount(), r.ood(), r.model()));

        Plot roc = canvas.newPlot(560, 480, 0, 1, 0, 1);
        roc.line(0, 0, 1, 1, "#bbb", 1, 1);
        StringBuilder legend = new StringBuilder("<p class='legend'>");
        for (int s = 0; s < r.scores().size(); s++) {
            ScoreSummary score = r.scores().get(s);
            String color = COLORS[s % COLORS.length];
            roc.polyline(curve(score), color, 1.6, 0.9);
            legend.append("<span style='color:").append(color).append("'>■</span> ").append(esc(score.id()))
                    .append(String.format(Locale.ROOT, " (%.3f)", score.auroc())).append(" &nbsp; ");
        }
        roc.axes("false positive rate (in-distribution called OOD)", "true positive rate (OOD detected)");
        canvas.plot(roc, "ROC curves of every score (AUROC in brackets); the diagonal is chance.");
        canvas.html(legend.append("</p>").toString());

        List<List<String>> rows = new ArrayList<>();
        for (ScoreSummary s : r.ranked()) {
            rows.add(List.of(s.id(), fmt(s.auroc()), fmt(s.fpr95()), fmt(s.meanIn()), fmt(s.meanOod()), fmt(s.medianIn()),
                    fmt(s.medianOod()), s.description()));
        }
        canvas.table(List.of("score", "AUROC", "FPR95", "mean in", "mean OOD", "median in", "median OOD", "definition"), rows);

        canvas.heading("Settings");
        canvas.table(List.of("setting", "value"), List.of(
                List.of("model", r.model()),
                List.of("training inputs", r.training() + " (" + r.trainingCount() + ")"),
                List.of("in-distribution", r.in() + " (" + r.inCount() + ")"),
                List.of("out-of-distribution", r.ood() + " (" + r.oodCount() + ")"),
                List.of("steps T", Integer.toString(r.steps())),
                List.of("knn", Integer.toString(r.knn())),
                List.of("attractor seeds", r.seedsUsed() + " of " + r.attractorSeeds() + " asked, " + r.converged() + " converged"),
                List.of("training attractors", Integer.toString(r.attractors())),
                List.of("strategy", r.strategy() + " " + r.strategyParams()),
                List.of("clusterer", r.clusterer() + " " + r.clustererParams())));

        canvas.heading("How to read this");
        canvas.paragraph("Every score is higher for inputs it finds more out-of-distribution. AUROC is the probability that a "
                + "random out-of-distribution input scores above a random in-distribution one (ties count half): 1 separates "
                + "the sets perfectly, 0.5 is chance, below 0.5 the score points the wrong way. FPR95 is the share of "
                + "in-distribution inputs flagged when the threshold is set to catch 95% of the out-of-distribution ones: lower "
                + "is better. Compare the paper's trajectory score with its baselines (knn, nearest, reconstruction) on the "
                + "same inputs before reading much into one number. Per-input scores: scores-in.npy and scores-ood.npy, "
                + "columns in the order of ood.json.");
    }

    /** The curve's points, thinned to steps of at least 1/400 in either rate (the corners of the curve stay). */
    static double[][] curve(ScoreSummary s) {
        double[] x = s.rocFpr();
        double[] y = s.rocTpr();
        List<double[]> pts = new ArrayList<>();
        double lx = Double.NaN;
        double ly = Double.NaN;
        for (int i = 0; i < x.length; i++) {
            boolean last = i == x.length - 1;
            if (i == 0 || last || Math.abs(x[i] - lx) >= 1.0 / 400 || Math.abs(y[i] - ly) >= 1.0 / 400) {
                pts.add(new double[] {x[i], y[i]});
                lx = x[i];
                ly = y[i];
            }
        }
        return pts.toArray(double[][]::new);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 1e4 || (v != 0 && Math.abs(v) < 1e-3) ? "%.4g" : "%.4f", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;").replace("\"", "&quot;");
    }
}
