package org.latentlab.sample.pathlength;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.report.ReportCanvas;
import org.latentlab.api.report.ReportSection;
import org.osgi.service.component.annotations.Component;

/**
 * Sample report section: the path-length metric's numbers in the HTML report, a summary line and a
 * table per attractor. A section finds its metric's output by the artifact's type, not by metric
 * id or field name.
 */
@Component(service = ReportSection.class)
public class PathLengthSection implements ReportSection<AnalysisResult> {

    @Override
    public String id() {
        return "path-length";
    }

    @Override
    public Class<AnalysisResult> resultType() {
        return AnalysisResult.class;
    }

    @Override
    public int order() {
        return 450; // after the latent field (400), before stability (500)
    }

    @Override
    public boolean appliesTo(AnalysisResult result) {
        return find(result).isPresent();
    }

    static Optional<PathLengths> find(AnalysisResult result) {
        return result.metrics().values().stream().map(r -> r.artifact(PathLengths.class)).flatMap(Optional::stream).findFirst();
    }

    @Override
    public void render(AnalysisResult result, ReportCanvas canvas) {
        PathLengths p = find(result).orElseThrow();
        canvas.summary(String.format(Locale.ROOT, "Trajectories travel %.3f on average in latent space (%.0f%% quantile %.3f); "
                + "long paths hint at inputs far from the training data.", p.mean(), 100 * p.q(), p.quantile()));
        canvas.heading("Path length");
        List<List<String>> rows = new ArrayList<>();
        new TreeMap<>(p.perAttractor()).forEach((id, mean) -> rows.add(List.of("#" + id, String.format(Locale.ROOT, "%.3f", mean))));
        canvas.table(List.of("attractor", "mean path length"), rows);
    }
}
