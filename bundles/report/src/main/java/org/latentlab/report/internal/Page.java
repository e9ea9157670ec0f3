package org.latentlab.report.internal;

import java.nio.file.Path;
import java.util.List;

/**
 * One report page before it becomes HTML: what {@link PageBuilder} gathered and {@link PageTemplate}
 * fills in.
 *
 * @param title    page title (plain text)
 * @param meta     the line under the title (plain text)
 * @param summary  summary lines (markup)
 * @param parts    sections in page order
 * @param problems sections that failed, in page order
 * @param files    pictures written beside the page
 */
record Page(String title, String meta, List<String> summary, List<Part> parts, List<Problem> problems, List<Path> files) {

    Page {
        summary = List.copyOf(summary);
        parts = List.copyOf(parts);
        problems = List.copyOf(problems);
        files = List.copyOf(files);
    }

    /** A rendered section: its id and its markup. */
    record Part(String section, String html) {}

    /** A section that could not be drawn, and why. */
    record Problem(String section, String message) {}
}
