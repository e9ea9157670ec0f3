package org.latentlab.report.internal;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.latentlab.api.report.Plot;
import org.latentlab.api.report.ReportCanvas;
import org.latentlab.api.result.FieldValue;

/**
 * The canvas one section draws on: markup and summary lines collected here, pictures written at once
 * into the assets folder (and recorded in {@code written}, shared by all sections of a page, so a
 * failed section's pictures are still listed as files of the output).
 */
final class HtmlCanvas implements ReportCanvas {

    static final String ASSETS = "report";
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,100}");

    private final Path assets;
    private final List<Path> written;
    private final StringBuilder html = new StringBuilder();
    private final List<String> summary = new ArrayList<>();

    HtmlCanvas(Path assets, List<Path> written) {
        this.assets = assets;
        this.written = written;
    }

    String html() {
        return html.toString();
    }

    List<String> summaryLines() {
        return summary;
    }

    /** A summary line with markup (for the report's own lines). */
    void summaryMarkup(String markup) {
        summary.add(markup);
    }

    @Override
    public void heading(String text) {
        html.append("<h2>").append(Html.esc(text)).append("</h2>");
    }

    @Override
    public void paragraph(String text) {
        html.append("<p>").append(Html.esc(text)).append("</p>");
    }

    @Override
    public void note(String text) {
        html.append("<p class='note'>").append(Html.esc(text)).append("</p>");
    }

    @Override
    public void summary(String text) {
        summary.add(Html.esc(text));
    }

    @Override
    public void table(List<String> header, List<List<String>> rows) {
        html.append("<table class='data'><tr>");
        header.forEach(h -> html.append("<th>").append(Html.esc(h)).append("</th>"));
        html.append("</tr>");
        for (List<String> row : rows) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("a table row has " + row.size() + " cells, the header " + header.size());
            }
            html.append("<tr>");
            row.forEach(c -> html.append("<td>").append(Html.esc(c)).append("</td>"));
            html.append("</tr>");
        }
        html.append("</table>");
    }

    @Override
    public Optional<String> image(String name, FieldValue.Image image) throws IOException {
        if (!SAFE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("picture name '" + name + "': use letters, digits, '.', '_' and '-'");
        }
        BufferedImage picture = Png.picture(image);
        if (picture == null) {
            return Optional.empty();
        }
        String file = name + ".png";
        written.add(Png.write(assets.resolve(file), picture));
        return Optional.of(ASSETS + "/" + file);
    }

    @Override
    public void gallery(List<Card> cards) {
        html.append("<div class='gallery'>");
        for (Card c : cards) {
            html.append("<div class='card'");
            if (c.accent() != null) {
                html.append(" style='border-top:4px solid ").append(Html.esc(c.accent())).append("'");
            }
            html.append("><div class='imgs'>");
            for (Figure f : c.figures()) {
                html.append("<figure><img src='").append(Html.esc(f.src())).append("' alt='").append(Html.esc(f.alt()))
                        .append("'><figcaption>").append(Html.esc(f.caption())).append("</figcaption></figure>");
            }
            html.append("</div><div class='caption'><b>").append(Html.esc(c.title())).append("</b>");
            for (int i = 0; i < c.lines().size(); i++) {
                html.append(i == 0 ? " " : "<br>").append(Html.esc(c.lines().get(i)));
            }
            html.append("</div></div>");
        }
        html.append("</div>");
    }

    @Override
    public Plot newPlot(int width, int height, double x0, double x1, double y0, double y1) {
        return new Svg(width, height, x0, x1, y0, y1);
    }

    @Override
    public void plot(Plot plot, String caption) {
        html.append(svg(plot));
        if (caption != null && !caption.isBlank()) {
            note(caption);
        }
    }

    @Override
    public void plots(List<Plot> plots) {
        html.append("<div class='row'>");
        plots.forEach(p -> html.append(svg(p)));
        html.append("</div>");
    }

    private static String svg(Plot plot) {
        if (!(plot instanceof Svg s)) {
            throw new IllegalArgumentException("a plot must come from this report's canvas (newPlot)");
        }
        return s.toString();
    }

    @Override
    public String color(int attractorId) {
        return Svg.color(attractorId);
    }

    @Override
    public void html(String fragment) {
        html.append(fragment);
    }
}
