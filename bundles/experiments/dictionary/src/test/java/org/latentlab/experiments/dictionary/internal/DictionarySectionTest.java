package org.latentlab.experiments.dictionary.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.latentlab.api.report.Plot;
import org.latentlab.api.report.ReportCanvas;
import org.latentlab.api.result.FieldValue;

/** The report section: one line per method that ran in each chart, the table rows, a card per decoded atom. */
class DictionarySectionTest {

    /** Records what the section draws. */
    static final class Canvas implements ReportCanvas {
        final List<String> summary = new ArrayList<>();
        final List<List<String>> rows = new ArrayList<>();
        final List<List<String>> plots = new ArrayList<>(); // per plot: its polylines' colours, then its axis labels
        final List<Card> cards = new ArrayList<>();

        public void heading(String text) {}

        public void paragraph(String text) {}

        public void note(String text) {}

        public void summary(String text) {
            summary.add(text);
        }

        public void table(List<String> header, List<List<String>> rows) {
            this.rows.addAll(rows);
        }

        public Optional<String> image(String name, FieldValue.Image image) {
            return Optional.of("report/" + name + ".png");
        }

        public void gallery(List<Card> cards) {
            this.cards.addAll(cards);
        }

        public Plot newPlot(int width, int height, double x0, double x1, double y0, double y1) {
            List<String> calls = new ArrayList<>();
            plots.add(calls);
            return new Plot() {
                public Plot line(double a, double b, double c, double d, String color, double w, double o) {
                    return this;
                }

                public Plot polyline(double[][] points, String color, double w, double o) {
                    calls.add(color + ":" + points.length);
                    return this;
                }

                public Plot arrow(double x, double y, double dx, double dy, String color) {
                    return this;
                }

                public Plot circle(double x, double y, double r, String fill, String stroke, String title) {
                    return this;
                }

                public Plot rect(double a, double b, double c, double d, String fill, String title) {
                    return this;
                }

                public Plot text(double x, double y, String text, String anchor, int size) {
                    return this;
                }

                public Plot axes(String xLabel, String yLabel) {
                    calls.add(yLabel);
                    return this;
                }

                public double pixelsPerUnitX() {
                    return 1;
                }

                public double pixelsPerUnitY() {
                    return 1;
                }
            };
        }

        public void plot(Plot plot, String caption) {}

        public void plots(List<Plot> plots) {}

        public String color(int attractorId) {
            return "#000";
        }

        public void html(String fragment) {}
    }

    @Test
    void bothChartsHaveALinePerMethodThatRanAndTheTableEveryError() throws Exception {
        List<DictionaryResult.Curve> curves = new ArrayList<>();
        for (Method m : Method.values()) {
            curves.add(m == Method.PCA ? DictionaryResult.Curve.skipped(m, "no training inputs given (--training)")
                    : new DictionaryResult.Curve(m, Optional.empty(), new double[] {0.5 + m.ordinal(), 0.25}, new double[] {0.1, 0.05}));
        }
        FieldValue.Image pic = new FieldValue.Image(new int[] {16}, new float[16]);
        DictionaryResult r = new DictionaryResult(Map.of(), 2, 3, 10, List.of(1, 2), 0.01, curves, List.of(pic, pic));
        Canvas c = new Canvas();
        new DictionarySection().render(r, c);
        List<String> lines = List.of("#d62728:2", "#7f7f7f:2", "#bcbd22:2", "#2ca02c:2");
        List<String> latent = new ArrayList<>(lines);
        latent.add("latent MSE");
        List<String> pixel = new ArrayList<>(lines);
        pixel.add("pixel MSE");
        assertEquals(List.of(latent, pixel), c.plots, "4 methods ran; the skipped one has no line");
        assertEquals(4 * 2 + 1, c.rows.size());
        assertEquals(List.of("attractors", "1", "0.5000", "0.1000"), c.rows.get(0));
        assertEquals(List.of("pca", "–", "skipped", "no training inputs given (--training)"), c.rows.get(4));
        assertEquals(2, c.cards.size());
        assertTrue(c.summary.get(1).startsWith("At s = 2 the attractor atoms leave a latent error of 0.2500; the best baseline, "
                + "random-basis, 0.2500."), c.summary.get(1));
    }
}
