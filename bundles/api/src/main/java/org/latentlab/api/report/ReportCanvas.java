package org.latentlab.api.report;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.latentlab.api.result.FieldValue;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What a {@link ReportSection} draws on, given by the report bundle: one canvas per section, kept
 * only when the section finishes. Texts are plain and escaped by the canvas; only
 * {@link #html(String)} takes markup.
 */
@ProviderType
public interface ReportCanvas {

    /** A section heading. */
    void heading(String text);

    /** A paragraph. */
    void paragraph(String text);

    /** A small explanatory note. */
    void note(String text);

    /** A line of the report's summary at the top of the page. */
    void summary(String text);

    /** A table; each row has as many cells as the header. */
    void table(List<String> header, List<List<String>> rows);

    /**
     * Writes {@code image} as a PNG named {@code name}.png beside the report, when its shape is a
     * picture ([1|3, H, W], [H, W], or [N] with N a square of at least 16).
     *
     * @return the picture's address relative to the report, or empty when the image is no picture
     */
    Optional<String> image(String name, FieldValue.Image image) throws IOException;

    /** A row of cards, e.g. one per attractor with its pictures. */
    void gallery(List<Card> cards);

    /** A new empty plot of {@code width} x {@code height} pixels showing [x0, x1] x [y0, y1]; add it with {@link #plot(Plot, String)}. */
    Plot newPlot(int width, int height, double x0, double x1, double y0, double y1);

    /** Adds a plot, with a caption below it (may be empty). */
    void plot(Plot plot, String caption);

    /** Adds plots side by side. */
    void plots(List<Plot> plots);

    /** The colour the report gives attractor {@code id} (CSS colour), so every section colours it alike. */
    String color(int attractorId);

    /** Trusted markup, for what the other methods do not cover. */
    void html(String fragment);

    /**
     * A card of a gallery.
     *
     * @param title   bold first line, e.g. "#3"
     * @param accent  CSS colour of the card's top border, or null
     * @param figures pictures (from {@link ReportCanvas#image})
     * @param lines   caption lines below the pictures
     */
    record Card(String title, String accent, List<Figure> figures, List<String> lines) {
        public Card {
            figures = List.copyOf(figures);
            lines = List.copyOf(lines);
        }
    }

    /**
     * A picture with a caption.
     *
     * @param src     address from {@link ReportCanvas#image}
     * @param caption short caption below it
     * @param alt     text for readers that do not show pictures
     */
    record Figure(String src, String caption, String alt) {}
}
