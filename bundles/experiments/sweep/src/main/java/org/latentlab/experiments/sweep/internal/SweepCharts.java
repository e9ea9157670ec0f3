package org.latentlab.experiments.sweep.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.latentlab.api.report.Plot;
import org.latentlab.api.report.ReportCanvas;

/**
 * Drawing helpers of the sweep report on the report's {@link Plot}: lines of means with min–max bars, dashed
 * reference lines, tick labels along the top (the plot's own axis only labels its two ends), legends.
 */
final class SweepCharts {

    /** Distinct colours for up to ten lines; more repeat. */
    static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
        "#bcbd22", "#7f7f7f"};
    /** Reference lines (baselines, ρ = 1). */
    static final String GREY = "#888888";
    static final String GUIDE = "#e2e2e2";
    static final double DASH_PX = 6;
    static final double GAP_PX = 4;
    /** Share of the y range kept free at the top for tick labels. */
    static final double TICK_ROOM = 0.1;

    private SweepCharts() {}

    /** Mean, minimum and maximum of some finite values. */
    record Stats(double mean, double min, double max, int n) {

        /** The stats of the finite values, or null when there are none. */
        static Stats of(List<Double> values) {
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            int n = 0;
            for (double v : values) {
                if (Double.isFinite(v)) {
                    sum += v;
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                    n++;
                }
            }
            return n == 0 ? null : new Stats(sum / n, min, max, n);
        }
    }

    /** One line of a chart: a label for the legend, a colour, and its points by x (ascending). */
    record Series(String label, String color, SortedMap<Double, Stats> points) {

        /** Groups (x, value) pairs by x; x values whose values are all non-finite are left out. */
        static Series of(String label, String color, Map<Double, List<Double>> valuesByX) {
            SortedMap<Double, Stats> points = new TreeMap<>();
            valuesByX.forEach((x, values) -> {
                Stats s = Stats.of(values);
                if (s != null && Double.isFinite(x)) {
                    points.put(x, s);
                }
            });
            return new Series(label, color, points);
        }

        double[][] means() {
            return points.entrySet().stream().map(e -> new double[] {e.getKey(), e.getValue().mean()}).toArray(double[][]::new);
        }
    }

    /**
     * The y range [lo, hi] holding every min and max of {@code series} and every {@code extra} value, from 0 when
     * {@code fromZero} and the data are not negative, up to at least {@code atLeast}, padded, with room at the top
     * for tick labels; null when there is nothing finite to show.
     */
    static double[] yRange(List<Series> series, List<Double> extra, boolean fromZero, double atLeast) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        boolean any = false;
        for (Series s : series) {
            for (Stats st : s.points().values()) {
                lo = Math.min(lo, st.min());
                hi = Math.max(hi, st.max());
                any = true;
            }
        }
        if (!any) {
            return null;
        }
        for (double v : extra) {
            if (Double.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (fromZero) {
            lo = Math.min(0, lo);
        }
        hi = Math.max(hi, atLeast);
        double span = hi > lo ? hi - lo : Math.max(1, Math.abs(hi));
        if (!(fromZero && lo == 0)) {
            lo -= 0.05 * span;
        }
        hi += (0.06 + TICK_ROOM) * span;
        return new double[] {lo, hi};
    }

    /** The x range around the given positions, padded so end points and their bars are not on the frame. */
    static double[] xRange(double[] positions) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double p : positions) {
            lo = Math.min(lo, p);
            hi = Math.max(hi, p);
        }
        double pad = hi > lo ? 0.08 * (hi - lo) : 0.5;
        return new double[] {lo - pad, hi + pad};
    }

    /**
     * Draws each series: a light bar over the min–max range at each x (when there is a range), a dot at the mean
     * (its tooltip gives the numbers) and a line through the means.
     */
    static void draw(Plot p, List<Series> series, String what, List<String> xLabels, double[] xPositions) {
        for (Series s : series) {
            for (Map.Entry<Double, Stats> e : s.points().entrySet()) {
                Stats st = e.getValue();
                if (st.max() > st.min()) {
                    p.line(e.getKey(), st.min(), e.getKey(), st.max(), s.color(), 6, 0.22);
                }
                String title = String.format(Locale.ROOT, "%s, %s: %s %s", s.label(), valueAt(e.getKey(), xLabels, xPositions), what,
                        num(st.mean())) + (st.n() > 1 ? " (" + num(st.min()) + " to " + num(st.max()) + ", " + st.n() + " cells)" : "");
                p.circle(e.getKey(), st.mean(), 3, s.color(), "none", title);
            }
            if (s.points().size() > 1) {
                p.polyline(s.means(), s.color(), 1.6, 0.9);
            }
        }
    }

    /** The label of the value at position {@code x}, or the position itself. */
    static String valueAt(double x, List<String> xLabels, double[] xPositions) {
        for (int i = 0; i < xPositions.length; i++) {
            if (xPositions[i] == x) {
                return xLabels.get(i);
            }
        }
        return num(x);
    }

    /**
     * A dashed line through {@code pts} (non-finite points skipped): each segment is cut into dashes measured in
     * pixels, the first dash of every segment starting at its first point.
     */
    static void dashed(Plot p, double[][] pts, String color, double width) {
        double[] prev = null;
        for (double[] q : pts) {
            if (!Double.isFinite(q[0]) || !Double.isFinite(q[1])) {
                continue;
            }
            if (prev != null) {
                double len = Math.hypot((q[0] - prev[0]) * p.pixelsPerUnitX(), (q[1] - prev[1]) * p.pixelsPerUnitY());
                for (double s = 0; s < len; s += DASH_PX + GAP_PX) {
                    double a = s / len;
                    double b = Math.min(s + DASH_PX, len) / len;
                    p.line(prev[0] + a * (q[0] - prev[0]), prev[1] + a * (q[1] - prev[1]), prev[0] + b * (q[0] - prev[0]),
                            prev[1] + b * (q[1] - prev[1]), color, width, 0.9);
                }
            }
            prev = q;
        }
    }

    /** A faint vertical guide at each position and its label at the top of the plot (in the room yRange keeps). */
    static void ticks(Plot p, double[] positions, List<String> labels, double y0, double y1) {
        double labelY = y1 - 0.05 * (y1 - y0);
        for (int i = 0; i < positions.length; i++) {
            p.line(positions[i], y0, positions[i], y1 - TICK_ROOM * 0.7 * (y1 - y0), GUIDE, 1, 1);
            p.text(positions[i], labelY, labels.get(i), "middle", 10);
        }
    }

    /** Powers of ten within [lo, hi] (both positive), as log10 positions, for a log axis of steps. */
    static double[] decades(double lo, double hi) {
        List<Double> out = new ArrayList<>();
        for (int e = (int) Math.ceil(Math.log10(lo) - 1e-9); e <= Math.floor(Math.log10(hi) + 1e-9); e++) {
            out.add((double) e);
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** A legend line: a coloured square and the label of each series, then any extra entries as (colour, label). */
    static void legend(ReportCanvas canvas, List<Series> series, List<String[]> extra) {
        StringBuilder html = new StringBuilder("<p class='legend'>");
        for (Series s : series) {
            html.append(entry(s.color(), s.label()));
        }
        for (String[] e : extra) {
            html.append(entry(e[0], e[1]));
        }
        canvas.html(html.append("</p>").toString());
    }

    private static String entry(String color, String label) {
        return "<span style='color:" + esc(color) + "'>■</span> " + esc(label) + " &nbsp; ";
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;").replace("\"", "&quot;");
    }

    /** A number for tables and tooltips; "–" for NaN and infinities. */
    static String num(double v) {
        if (!Double.isFinite(v)) {
            return "–";
        }
        return String.format(Locale.ROOT, v != 0 && (Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3) ? "%.3g" : "%.4f", v)
                .replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
    }
}
