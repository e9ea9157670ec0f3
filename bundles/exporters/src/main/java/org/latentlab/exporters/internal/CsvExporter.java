package org.latentlab.exporters.internal;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.export.Exporter;
import org.latentlab.io.AtomicFile;
import org.osgi.service.component.annotations.Component;

/**
 * attractors.csv (one row per attractor, latent coordinates z0..z{k-1} last) and trajectories.csv, which lists the
 * per-seed records under the same rule as result.json ({@link JsonExporter#listTrajectories}).
 */
@Component(property = {ServiceProperties.ID + "=csv",
        ServiceProperties.DESCRIPTION + "=attractors.csv and trajectories.csv for spreadsheets and pandas"})
public class CsvExporter implements Exporter {

    @Override
    public List<org.latentlab.api.ParameterSpec> parameters() {
        return List.of(JsonExporter.ALL_TRAJECTORIES);
    }

    @Override
    public List<Path> export(AnalysisResult r, Path outDir, Parameters params) throws IOException {
        int k = r.model().latentDim();
        Path att = AtomicFile.write(outDir.resolve("attractors.csv"), out -> {
            PrintWriter w = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            StringBuilder h = new StringBuilder("id,basinSize,spectralRadius,spectralNorm,stable,kind,meanSteps,predictedSteps");
            for (int j = 0; j < k; j++) {
                h.append(",z").append(j);
            }
            w.println(h);
            for (Attractor a : r.attractors()) {
                StringBuilder s = new StringBuilder();
                s.append(a.id()).append(',').append(a.basinSize()).append(',').append(num(a.spectralRadius())).append(',')
                        .append(num(a.spectralNorm())).append(',').append(a.stable()).append(',')
                        .append(a.kind().name().toLowerCase(Locale.ROOT)).append(',').append(num(a.meanSteps())).append(',')
                        .append(num(a.predictedSteps()));
                for (float v : a.latent()) {
                    s.append(',').append(num(v));
                }
                w.println(s);
            }
            w.flush();
        });
        if (!JsonExporter.listTrajectories(r, params)) {
            return List.of(att);
        }
        Path tr = AtomicFile.write(outDir.resolve("trajectories.csv"), out -> {
            PrintWriter w = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            w.println("seed,attractor,steps,converged,diverged,pathLength,finalResidual");
            r.perSeed().forEach(JsonExporter.BLOCK, b -> {
                for (int i = 0; i < b.rows(); i++) {
                    Trajectory t = b.trajectory(i);
                    w.println(t.seed() + "," + b.labels()[i] + "," + t.steps() + "," + t.converged() + "," + t.diverged()
                            + "," + num(t.pathLength()) + "," + num(t.finalResidual()));
                }
            });
            w.flush();
            if (w.checkError()) {
                throw new IOException("cannot write trajectories.csv");
            }
        });
        return List.of(att, tr);
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
    }
}
