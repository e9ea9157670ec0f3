package org.latentlab.api.report;

import java.io.IOException;
import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One part of the HTML report, contributed by the bundle that computed what it shows: a metric bundle
 * registers a section for its metric, an experiment bundle one for its experiment. The report bundle
 * binds every registered section (whiteboard), keeps those whose {@link #resultType()} matches the
 * result being reported and that {@link #appliesTo} it, and renders them by {@link #order()}. A
 * section that throws is left out and named in the report; the rest of the report is written.
 *
 * <p>Core parts of an analysis report have these orders: summary (always first), attractors 100,
 * basins 300, stability 500, files 900. A metric section usually sits between them.
 *
 * @param <R> the result it describes, e.g. {@code org.latentlab.api.engine.AnalysisResult}
 */
@ConsumerType
public interface ReportSection<R> {

    /** A stable name for the section, shown when it fails. */
    String id();

    /** The type of result this section describes; results of other types never reach it. */
    Class<R> resultType();

    /** Position on the page, lower first; ties by {@link #id()}. */
    int order();

    /** Whether the result holds what this section shows (e.g. its metric ran). */
    boolean appliesTo(R result);

    /**
     * A line for the reader when the section does not apply, e.g. which metric to run to get it;
     * empty for none.
     */
    default Optional<String> hint(R result) {
        return Optional.empty();
    }

    /** Adds the section's headings, text, tables, pictures and summary lines to the canvas. */
    void render(R result, ReportCanvas canvas) throws IOException;
}
