package org.latentlab.report.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * report.html from the template resource {@code report.html}: each {@code {{name}}} is replaced once,
 * in one pass (a value that holds "{{" is not read again).
 */
final class PageTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z]+)\\}\\}");
    private static final String TEMPLATE = load();

    private PageTemplate() {}

    static String render(Page page) {
        StringBuilder summary = new StringBuilder();
        page.summary().forEach(line -> summary.append("<li>").append(line).append("</li>"));
        StringBuilder problems = new StringBuilder();
        if (!page.problems().isEmpty()) {
            problems.append("<div class='problems'><b>Some sections could not be drawn:</b><ul>");
            for (Page.Problem p : page.problems()) {
                problems.append("<li>section <code>").append(Html.esc(p.section())).append("</code>: ")
                        .append(Html.esc(p.message())).append("</li>");
            }
            problems.append("</ul></div>");
        }
        StringBuilder sections = new StringBuilder();
        page.parts().forEach(p -> sections.append("<section data-section='").append(Html.esc(p.section())).append("'>")
                .append(p.html()).append("</section>\n"));
        return fill(TEMPLATE, Map.of("title", Html.esc(page.title()), "meta", Html.esc(page.meta()), "summary",
                summary.toString(), "problems", problems.toString(), "sections", sections.toString()));
    }

    static String fill(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) {
                throw new IllegalStateException("report template: no value for {{" + m.group(1) + "}}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String load() {
        try (InputStream in = PageTemplate.class.getResourceAsStream("report.html")) {
            if (in == null) {
                throw new IllegalStateException("the report bundle lacks its template report.html");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
