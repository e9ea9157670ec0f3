package org.latentlab.api.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Writes an HTML report for any result from the {@link ReportSection}s registered for its type. The
 * platform calls it for experiment results; the {@code html} exporter uses the same page for analyses.
 */
@ProviderType
public interface ReportWriter {

    /**
     * Writes {@code report.html} and its pictures into {@code folder}.
     *
     * @param result  what to report; sections whose result type it is an instance of draw it
     * @param title   the page title
     * @param meta    one line under the title (settings in force)
     * @param summary lines for the summary at the top, before the sections' own
     * @return the files written
     */
    List<Path> write(Object result, String title, String meta, List<String> summary, Path folder) throws IOException;
}
