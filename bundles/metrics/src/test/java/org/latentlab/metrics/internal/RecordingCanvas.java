package org.latentlab.metrics.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.latentlab.api.report.Plot;
import org.latentlab.api.report.ReportCanvas;
import org.latentlab.api.result.FieldValue;

/** A canvas that records what a section drew. Pictures "exist" when their shape is [16] or [1, 4, 4]. */
final class RecordingCanvas implements ReportCanvas {

    final List<String> headings = new ArrayList<>();
    final List<String> texts = new ArrayList<>();
    final List<String> summary = new ArrayList<>();
    final List<String> images = new ArrayList<>();
    final List<Card> cards = new ArrayList<>();
    final List<RecordingPlot> plots = new ArrayList<>();

    public void heading(String text) {
        headings.add(text);
    }

    public void paragraph(String text) {
        texts.add(text);
    }

    public void note(String text) {
        texts.add(text);
    }

    public void summary(String text) {
        summary.add(text);
    }

    public void table(List<String> header, List<List<String>> rows) {
        texts.add("table " + header + " " + rows);
    }

    public Optional<String> image(String name, FieldValue.Image image) {
        if (image.values().length != 16) {
            return Optional.empty();
        }
        images.add(name);
        return Optional.of("report/" + name + ".png");
    }

    public void gallery(List<Card> cards) {
        this.cards.addAll(cards);
    }

    public Plot newPlot(int width, int height, double x0, double x1, double y0, double y1) {
        return new RecordingPlot(width / (x1 - x0), height / (y1 - y0));
    }

    public void plot(Plot plot, String caption) {
        plots.add((RecordingPlot) plot);
        texts.add(caption);
    }

    public void plots(List<Plot> plots) {
        plots.forEach(p -> this.plots.add((RecordingPlot) p));
    }

    public String color(int attractorId) {
        return "c" + attractorId;
    }

    public void html(String fragment) {
        texts.add(fragment);
    }

    /** Counts what was drawn, by kind, with the colours used. */
    static final class RecordingPlot implements Plot {
        final double sx;
        final double sy;
        final List<String> drawn = new ArrayList<>();

        RecordingPlot(double sx, double sy) {
            this.sx = sx;
            this.sy = sy;
        }

        public Plot line(double x0, double y0, double x1, double y1, String color, double width, double opacity) {
            drawn.add("line " + color);
            return this;
        }

        public Plot polyline(double[][] points, String color, double width, double opacity) {
            drawn.add("polyline " + color + " " + points.length);
            return this;
        }

        public Plot arrow(double x, double y, double dxPixels, double dyPixels, String color) {
            drawn.add("arrow");
            return this;
        }

        public Plot circle(double x, double y, double r, String fill, String stroke, String title) {
            drawn.add("circle " + fill + (title == null ? "" : " " + title));
            return this;
        }

        public Plot rect(double x0, double y0, double x1, double y1, String fill, String title) {
            drawn.add("rect " + fill);
            return this;
        }

        public Plot text(double x, double y, String text, String anchor, int size) {
            drawn.add("text " + text);
            return this;
        }

        public Plot axes(String xLabel, String yLabel) {
            drawn.add("axes " + xLabel + " | " + yLabel);
            return this;
        }

        public double pixelsPerUnitX() {
            return sx;
        }

        public double pixelsPerUnitY() {
            return sy;
        }

        long count(String prefix) {
            return drawn.stream().filter(d -> d.startsWith(prefix)).count();
        }
    }
}
