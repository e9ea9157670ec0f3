package org.latentlab.report.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.latentlab.api.report.ReportSection;

/**
 * Gathers a {@link Page}: the report's own summary lines, then every section whose result type
 * matches, in order. A section that throws (in {@code appliesTo} or {@code render}) leaves nothing
 * on the page but its name and message among the problems; the other sections are drawn.
 */
final class PageBuilder {

    static final Comparator<ReportSection<?>> ORDER = Comparator.<ReportSection<?>>comparingInt(ReportSection::order)
            .thenComparing(ReportSection::id);

    private PageBuilder() {}

    /**
     * @param summary  the report's own summary lines (markup), first on the page
     * @param sections every candidate section, in any order
     * @param assets   folder for pictures
     */
    static Page build(Object result, String title, String meta, List<String> summary, List<? extends ReportSection<?>> sections,
            Path assets) {
        List<String> lines = new ArrayList<>(summary);
        List<Page.Part> parts = new ArrayList<>();
        List<Page.Problem> problems = new ArrayList<>();
        List<Path> written = new ArrayList<>();
        List<ReportSection<?>> sorted = new ArrayList<>(sections);
        sorted.removeIf(s -> !s.resultType().isInstance(result));
        sorted.sort(ORDER);
        for (ReportSection<?> s : sorted) {
            HtmlCanvas canvas = new HtmlCanvas(assets, written);
            try {
                if (draw(s, result, canvas)) {
                    lines.addAll(canvas.summaryLines());
                }
                if (!canvas.html().isEmpty()) {
                    parts.add(new Page.Part(s.id(), canvas.html()));
                }
            } catch (Exception | LinkageError e) { // LinkageError: the section's bundle went away under us
                problems.add(new Page.Problem(s.id(), oneLine(e)));
            }
        }
        return new Page(title, meta, lines, parts, problems, written);
    }

    /** Renders the section, or its hint when it does not apply; true when it rendered. */
    private static <R> boolean draw(ReportSection<R> s, Object result, HtmlCanvas canvas) throws Exception {
        R r = s.resultType().cast(result);
        if (s.appliesTo(r)) {
            s.render(r, canvas);
            return true;
        }
        Optional<String> hint = s.hint(r);
        hint.ifPresent(canvas::note);
        return false;
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        return m.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
