package org.latentlab.itprobe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.export.Exporter;
import org.osgi.service.component.annotations.Component;

/**
 * Exporter {@code it-fail}: writes a file, then fails as a full disk would. Tests use it to show
 * that a job whose exporter fails publishes nothing.
 */
@Component(property = {ServiceProperties.ID + "=it-fail", ServiceProperties.DESCRIPTION + "=test probe: an exporter that fails"})
public class FailingExporterProbe implements Exporter {

    @Override
    public List<Path> export(AnalysisResult result, Path outDir, Parameters params) throws IOException {
        Files.createDirectories(outDir);
        Files.writeString(outDir.resolve("it-fail-partial.txt"), "half written");
        throw new IOException("No space left on device (injected by the it-fail exporter)");
    }
}
