package org.latentlab.api.report;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A simple chart with data coordinates, drawn by the report bundle (as SVG). Colours are CSS
 * colours; titles are tooltips (may be null). Methods return the plot for chaining.
 */
@ProviderType
public interface Plot {

    Plot line(double x0, double y0, double x1, double y1, String color, double width, double opacity);

    /** Points [n][2]; points with a non-finite coordinate are skipped. */
    Plot polyline(double[][] points, String color, double width, double opacity);

    /** An arrow from data point (x, y) along (dx, dy) given in pixels (x right, y up). */
    Plot arrow(double x, double y, double dxPixels, double dyPixels, String color);

    /** A circle of radius {@code r} pixels. */
    Plot circle(double x, double y, double r, String fill, String stroke, String title);

    Plot rect(double x0, double y0, double x1, double y1, String fill, String title);

    /** Text at a data point; anchor is start, middle or end. */
    Plot text(double x, double y, String text, String anchor, int size);

    /** Axis labels and the range at the ends of each axis. */
    Plot axes(String xLabel, String yLabel);

    /** Pixels per data unit along x and y (to size arrows). */
    double pixelsPerUnitX();

    double pixelsPerUnitY();
}
