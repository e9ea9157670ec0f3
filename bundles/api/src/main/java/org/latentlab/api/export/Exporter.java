package org.latentlab.api.export;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.latentlab.api.Capability;
import org.latentlab.api.Parameters;
import org.latentlab.api.engine.AnalysisResult;
import org.osgi.annotation.versioning.ConsumerType;

/** Writes an analysis result into an output folder (JSON, CSV, NumPy, HTML, ...). */
@ConsumerType
public interface Exporter extends Capability {

    /**
     * Writes the files; should write each atomically (temporary file, then move).
     *
     * @return the files written
     */
    List<Path> export(AnalysisResult result, Path outDir, Parameters params) throws IOException;
}
