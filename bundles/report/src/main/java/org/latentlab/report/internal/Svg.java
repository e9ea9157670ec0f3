package org.latentlab.report.internal;

import java.util.Locale;
import org.latentlab.api.report.Plot;

/** The report's {@link Plot}: a minimal SVG builder with data-to-pixel scales. */
final class Svg implements Plot {

    static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
            "#7f7f7f", "#bcbd22", "#17becf"};

    final int width;
    final int height;
    final int pad = 40;
    private final double x0;
    private final double x1;
    private final double y0;
    private final double y1;
    private final StringBuilder sb = new StringBuilder();

    Svg(int width, int height, double x0, double x1, double y0, double y1) {
        this.width = width;
        this.height = height;
        this.x0 = x0;
        this.x1 = x1 == x0 ? x0 + 1 : x1;
        this.y0 = y0;
        this.y1 = y1 == y0 ? y0 + 1 : y1;
        sb.append(String.format(Locale.ROOT, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
                + "viewBox='0 0 %d %d' class='plot'>", width, height, width, height));
        sb.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='%d' height='%d' fill='#fafafa' stroke='#ccc'/>",
                pad, pad / 2, width - pad - pad / 2, height - pad - pad / 2));
    }

    static String color(int id) {
        return id < 0 ? "#999" : PALETTE[id % PALETTE.length];
    }

    double px(double x) {
        return pad + (x - x0) / (x1 - x0) * (width - pad - pad / 2.0);
    }

    double py(double y) {
        return height - pad - (y - y0) / (y1 - y0) * (height - pad - pad / 2.0);
    }

    @Override
    public Svg line(double ax, double ay, double bx, double by, String color, double w, double opacity) {
        sb.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='%s' stroke-width='%.1f' "
                + "stroke-opacity='%.2f'/>", px(ax), py(ay), px(bx), py(by), color, w, opacity));
        return this;
    }

    @Override
    public Svg polyline(double[][] pts, String color, double w, double opacity) {
        StringBuilder p = new StringBuilder();
        for (double[] q : pts) {
            if (Double.isFinite(q[0]) && Double.isFinite(q[1])) {
                p.append(String.format(Locale.ROOT, "%.1f,%.1f ", px(q[0]), py(q[1])));
            }
        }
        sb.append(String.format(Locale.ROOT, "<polyline points='%s' fill='none' stroke='%s' stroke-width='%.1f' "
                + "stroke-opacity='%.2f'/>", p, color, w, opacity));
        return this;
    }

    @Override
    public Svg arrow(double x, double y, double dxPx, double dyPx, String color) {
        double ex = px(x) + dxPx;
        double ey = py(y) - dyPx;
        double ang = Math.atan2(-dyPx, dxPx);
        double h = Math.min(5, 0.4 * Math.hypot(dxPx, dyPx));
        sb.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='%s' stroke-width='1'/>",
                px(x), py(y), ex, ey, color));
        sb.append(String.format(Locale.ROOT, "<polygon points='%.1f,%.1f %.1f,%.1f %.1f,%.1f' fill='%s'/>", ex, ey,
                ex - h * Math.cos(ang - 0.5), ey - h * Math.sin(ang - 0.5), ex - h * Math.cos(ang + 0.5),
                ey - h * Math.sin(ang + 0.5), color));
        return this;
    }

    @Override
    public Svg circle(double x, double y, double r, String fill, String stroke, String title) {
        sb.append(String.format(Locale.ROOT, "<circle cx='%.1f' cy='%.1f' r='%.1f' fill='%s' stroke='%s'>", px(x), py(y), r, fill,
                stroke));
        if (title != null) {
            sb.append("<title>").append(Html.esc(title)).append("</title>");
        }
        sb.append("</circle>");
        return this;
    }

    @Override
    public Svg rect(double xa, double ya, double xb, double yb, String fill, String title) {
        double l = Math.min(px(xa), px(xb));
        double t = Math.min(py(ya), py(yb));
        sb.append(String.format(Locale.ROOT, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'>", l, t,
                Math.abs(px(xb) - px(xa)), Math.abs(py(yb) - py(ya)), fill));
        if (title != null) {
            sb.append("<title>").append(Html.esc(title)).append("</title>");
        }
        sb.append("</rect>");
        return this;
    }

    @Override
    public Svg text(double x, double y, String s, String anchor, int size) {
        sb.append(String.format(Locale.ROOT, "<text x='%.1f' y='%.1f' text-anchor='%s' font-size='%d' fill='#333'>%s</text>",
                px(x), py(y), anchor, size, Html.esc(s)));
        return this;
    }

    Svg textPx(double xPx, double yPx, String s, String anchor, int size) {
        sb.append(String.format(Locale.ROOT, "<text x='%.1f' y='%.1f' text-anchor='%s' font-size='%d' fill='#333'>%s</text>",
                xPx, yPx, anchor, size, Html.esc(s)));
        return this;
    }

    @Override
    public Svg axes(String xLabel, String yLabel) {
        textPx(width / 2.0, height - 8, xLabel, "middle", 12);
        sb.append(String.format(Locale.ROOT, "<text x='12' y='%.1f' transform='rotate(-90 12 %.1f)' text-anchor='middle' "
                + "font-size='12' fill='#333'>%s</text>", height / 2.0, height / 2.0, Html.esc(yLabel)));
        textPx(pad, height - pad + 14, fmt(x0), "start", 10);
        textPx(width - pad / 2.0, height - pad + 14, fmt(x1), "end", 10);
        textPx(pad - 4, height - pad, fmt(y0), "end", 10);
        textPx(pad - 4, pad / 2.0 + 10, fmt(y1), "end", 10);
        return this;
    }

    @Override
    public double pixelsPerUnitX() {
        return (width - pad - pad / 2.0) / (x1 - x0);
    }

    @Override
    public double pixelsPerUnitY() {
        return (height - pad - pad / 2.0) / (y1 - y0);
    }

    static String fmt(double v) {
        return Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v != 0) ? String.format(Locale.ROOT, "%.2g", v)
                : String.format(Locale.ROOT, "%.2f", v);
    }

    @Override
    public String toString() {
        return sb + "</svg>";
    }
}
