package org.latentlab.experiments.dictionary.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.latentlab.api.report.Plot;
import org.latentlab.api.report.ReportCanvas;
import org.latentlab.api.report.ReportCanvas.Card;
import org.latentlab.api.report.ReportCanvas.Figure;
import org.latentlab.api.report.ReportSection;
import org.osgi.service.component.annotations.Component;

/** The dictionary report: both error curves (one line per method), the table, and the decoded atoms. */
@Component(service = ReportSection.class)
public class DictionarySection implements ReportSection<DictionaryResult> {

    static final int MAX_GALLERY = 60;
    static final String[] COLORS = {"#d62728", "#7f7f7f", "#1f77b4", "#bcbd22", "#2ca02c"};

    @Override
    public String id() {
        return "dictionary";
    }

    @Override
    public Class<DictionaryResult> resultType() {
        return DictionaryResult.class;
    }

    @Override
    public int order() {
        return 100;
    }

    @Override
    public boolean appliesTo(DictionaryResult result) {
        return true;
    }

    @Override
    public void render(DictionaryResult r, ReportCanvas canvas) throws IOException {
        int last = r.sparsities().size() - 1;
        int sMax = r.sparsities().get(last);
        canvas.summary(String.format(Locale.ROOT, "%d attractor atoms (latent dimension %d), %d test inputs; "
                + "reconstruction error D(E(x)) vs x: %s per pixel.", r.atoms(), r.latentDim(), r.inputs(), num(r.reconstructionMse())));
        DictionaryResult.Curve att = r.curve(Method.ATTRACTORS);
        DictionaryResult.Curve best = null;
        for (DictionaryResult.Curve c : r.curves()) {
            if (c.method() != Method.ATTRACTORS && c.skipped().isEmpty()
                    && (best == null || c.latentMse()[last] < best.latentMse()[last])) {
                best = c;
            }
        }
        if (best != null) {
            canvas.summary(String.format(Locale.ROOT, "At s = %d the attractor atoms leave a latent error of %s; the best "
                    + "baseline, %s, %s.", sMax, num(att.latentMse()[last]), best.method().id, num(best.latentMse()[last])));
        }

        canvas.heading("Attractors as a dictionary");
        canvas.paragraph("Each test code y = E(x) is approximated with s directions by every method; lower is better. "
                + "Latent error: mean over inputs and coordinates of (ŷ − y)². Pixel error: mean over inputs and pixels "
                + "of (D(ŷ) − x)²; it cannot go below the reconstruction error of the model itself.");
        canvas.plots(List.of(chart(r, canvas, true), chart(r, canvas, false)));
        List<String> legend = new ArrayList<>();
        for (DictionaryResult.Curve c : r.curves()) {
            legend.add(c.method().id + " (" + c.method().description + ")");
        }
        canvas.note("Lines, by colour: " + String.join("; ", legend) + ". x axis: log₂ s.");

        List<List<String>> rows = new ArrayList<>();
        for (DictionaryResult.Curve c : r.curves()) {
            if (c.skipped().isPresent()) {
                rows.add(List.of(c.method().id, "–", "skipped", c.skipped().get()));
                continue;
            }
            for (int i = 0; i < r.sparsities().size(); i++) {
                rows.add(List.of(c.method().id, Integer.toString(r.sparsities().get(i)), num(c.latentMse()[i]), num(c.pixelMse()[i])));
            }
        }
        canvas.table(List.of("method", "s", "latent MSE", "pixel MSE"), rows);
        if (r.sparsities().get(last) > r.latentDim()) {
            canvas.note("Sparsities above the latent dimension " + r.latentDim() + " use all " + r.latentDim()
                    + " directions of the bases; matching pursuit stops once the code is exact.");
        }

        canvas.heading("Decoded atoms");
        canvas.paragraph("D(z*) for the attractor behind each atom, by basin size.");
        List<Card> cards = new ArrayList<>();
        for (int i = 0; i < Math.min(MAX_GALLERY, r.decodedAtoms().size()); i++) {
            List<Figure> figures = new ArrayList<>();
            int atom = i;
            canvas.image("atom-" + i, r.decodedAtoms().get(i))
                    .ifPresent(src -> figures.add(new Figure(src, "D(z*)", "decoded atom " + atom)));
            cards.add(new Card("atom " + i, canvas.color(i), figures, List.of()));
        }
        canvas.gallery(cards);
        if (r.decodedAtoms().size() > MAX_GALLERY) {
            canvas.note((r.decodedAtoms().size() - MAX_GALLERY) + " more atoms are in atoms.npy.");
        }
    }

    /** One curve per method that ran: MSE against log₂ s. */
    static Plot chart(DictionaryResult r, ReportCanvas canvas, boolean latent) {
        double x0 = log2(r.sparsities().get(0));
        double x1 = log2(r.sparsities().get(r.sparsities().size() - 1));
        double max = 0;
        for (DictionaryResult.Curve c : r.curves()) {
            for (double v : latent ? c.latentMse() : c.pixelMse()) {
                if (Double.isFinite(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        double pad = x1 > x0 ? 0.05 * (x1 - x0) : 0.5;
        Plot p = canvas.newPlot(370, 260, x0 - pad, x1 + pad, 0, max > 0 ? max * 1.08 : 1);
        for (DictionaryResult.Curve c : r.curves()) {
            if (c.skipped().isPresent()) {
                continue;
            }
            double[] ys = latent ? c.latentMse() : c.pixelMse();
            double[][] pts = new double[ys.length][];
            String color = COLORS[c.method().ordinal()];
            for (int i = 0; i < ys.length; i++) {
                pts[i] = new double[] {log2(r.sparsities().get(i)), ys[i]};
                p.circle(pts[i][0], ys[i], 3, color, "none", c.method().id + ", s = " + r.sparsities().get(i) + ": " + num(ys[i]));
            }
            p.polyline(pts, color, 1.5, 0.9);
        }
        return p.axes("log₂ s", latent ? "latent MSE" : "pixel MSE");
    }

    static double log2(int s) {
        return Math.log(s) / Math.log(2);
    }

    static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4g", v) : "–";
    }
}
