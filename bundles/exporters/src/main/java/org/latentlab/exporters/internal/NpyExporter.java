package org.latentlab.exporters.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.export.Exporter;
import org.latentlab.npy.Npy;
import org.osgi.service.component.annotations.Component;

/**
 * attractors.npy [m, k] float32, endpoints.npy [n, k] float32, labels.npy [n] int32 (-1: no
 * attractor); when the strategy recorded paths ({@code recordPaths=true}), also paths.npy
 * [n, longest + 1, k] float32, each path padded with NaN after its end.
 */
@Component(property = {ServiceProperties.ID + "=npy",
        ServiceProperties.DESCRIPTION + "=attractors.npy, endpoints.npy, labels.npy for NumPy"})
public class NpyExporter implements Exporter {

    @Override
    public List<Path> export(AnalysisResult r, Path outDir, Parameters params) throws IOException {
        int k = r.model().latentDim();
        int m = r.attractors().size();
        float[] att = new float[m * k];
        for (Attractor a : r.attractors()) {
            System.arraycopy(a.latent(), 0, att, a.id() * k, k);
        }
        int n = r.trajectories().size();
        float[] ends = new float[n * k];
        r.trajectories().forEach(t -> System.arraycopy(t.endpoint(), 0, ends, t.seed() * k, k));
        Path a = outDir.resolve("attractors.npy");
        Path e = outDir.resolve("endpoints.npy");
        Path l = outDir.resolve("labels.npy");
        Npy.writeFloats(a, new int[] {m, k}, att);
        Npy.writeFloats(e, new int[] {n, k}, ends);
        Npy.writeInts(l, new int[] {n}, r.labels());
        int longest = r.trajectories().stream().filter(t -> t.path() != null).mapToInt(t -> t.path().length).max().orElse(0);
        if (longest == 0) {
            return List.of(a, e, l);
        }
        if ((long) n * longest * k > Integer.MAX_VALUE - 8) {
            throw new IOException("recorded paths of " + n + " seeds x " + longest + " points are too large for one "
                    + "paths.npy; record fewer seeds or steps");
        }
        float[] paths = new float[n * longest * k];
        java.util.Arrays.fill(paths, Float.NaN);
        for (var t : r.trajectories()) {
            if (t.path() != null) {
                for (int s = 0; s < t.path().length; s++) {
                    System.arraycopy(t.path()[s], 0, paths, (t.seed() * longest + s) * k, k);
                }
            }
        }
        Path p = outDir.resolve("paths.npy");
        Npy.writeFloats(p, new int[] {n, longest, k}, paths);
        return List.of(a, e, l, p);
    }
}
