package org.latentlab.report.internal;

import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.report.ReportCanvas;
import org.latentlab.api.report.ReportSection;

/** Where the numbers behind the report are. */
final class FilesSection implements ReportSection<AnalysisResult> {

    @Override
    public String id() {
        return "files";
    }

    @Override
    public Class<AnalysisResult> resultType() {
        return AnalysisResult.class;
    }

    @Override
    public int order() {
        return 900;
    }

    @Override
    public boolean appliesTo(AnalysisResult result) {
        return true;
    }

    @Override
    public void render(AnalysisResult r, ReportCanvas canvas) {
        canvas.heading("Files");
        canvas.paragraph("result.json (every number above and, up to the engine's in-memory limit, each trajectory), "
                + "attractors.npy, one .npy file per seed column (endpoints, labels, steps, converged, diverged, path_lengths, "
                + "residuals, map_evaluations), attractors.csv, trajectories.csv, where those exporters ran.");
    }
}
