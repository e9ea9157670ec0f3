package org.latentlab.exporters.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.export.Exporter;
import org.latentlab.api.result.SeedBlock;
import org.latentlab.api.result.SeedColumn;
import org.latentlab.npy.Npy;
import org.latentlab.npy.NpyWriter;
import org.osgi.service.component.annotations.Component;

/**
 * attractors.npy [m, k] float32, and one file per seed column ({@link SeedColumn}): endpoints.npy [n, k] float32,
 * labels.npy [n] int32 (-1: no attractor), steps.npy int32, converged.npy and diverged.npy uint8, path_lengths.npy
 * and residuals.npy float64, map_evaluations.npy int64 (-1: not counted). Columns a large run streamed to disk are
 * linked (copied where links are not supported), the others written block by block from the per-seed records: memory
 * does not grow with the number of seeds. When the strategy recorded paths ({@code recordPaths=true}) of a run kept
 * in memory, also paths.npy [n, longest + 1, k] float32, each path padded with NaN after its end.
 */
@Component(property = {ServiceProperties.ID + "=npy",
        ServiceProperties.DESCRIPTION + "=attractors.npy, endpoints.npy, labels.npy and the other per-seed columns for NumPy"})
public class NpyExporter implements Exporter {

    @Override
    public List<Path> export(AnalysisResult r, Path outDir, Parameters params) throws IOException {
        int k = r.model().latentDim();
        int m = r.attractors().size();
        float[] att = new float[m * k];
        for (Attractor a : r.attractors()) {
            System.arraycopy(a.latent(), 0, att, a.id() * k, k);
        }
        Path a = outDir.resolve("attractors.npy");
        Npy.writeFloats(a, new int[] {m, k}, att);
        List<Path> written = new ArrayList<>(List.of(a));
        written.addAll(columns(r, outDir, k));
        if (!r.perSeedInMemory()) {
            return written;
        }
        int n = r.trajectories().size();
        int longest = r.trajectories().stream().filter(t -> t.path() != null).mapToInt(t -> t.path().length).max().orElse(0);
        if (longest == 0) {
            return written;
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
        written.add(p);
        return written;
    }

    /** Every seed column: linked when on disk already, else written from the records under a temporary name, then moved. */
    static List<Path> columns(AnalysisResult r, Path outDir, int k) throws IOException {
        Map<SeedColumn, NpyWriter> writers = new EnumMap<>(SeedColumn.class);
        Map<SeedColumn, Path> temps = new EnumMap<>(SeedColumn.class);
        List<Path> out = new ArrayList<>();
        try {
            for (SeedColumn c : SeedColumn.values()) {
                Path target = outDir.resolve(c.fileName());
                Optional<Path> on = r.perSeed().file(c);
                if (on.isPresent()) {
                    link(on.get(), target);
                } else {
                    Path tmp = Files.createTempFile(outDir, "." + c.fileName(), ".tmp");
                    temps.put(c, tmp);
                    writers.put(c, NpyWriter.open(tmp, type(c), c == SeedColumn.ENDPOINTS ? new int[] {k} : new int[0]));
                }
                out.add(target);
            }
            if (!writers.isEmpty()) {
                try {
                    r.perSeed().forEach(JsonExporter.BLOCK, b -> write(b, writers));
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
                for (Map.Entry<SeedColumn, NpyWriter> w : writers.entrySet()) {
                    w.getValue().close();
                    Files.move(temps.get(w.getKey()), outDir.resolve(w.getKey().fileName()), StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                }
            }
        } finally {
            for (NpyWriter w : writers.values()) {
                try {
                    w.close();
                } catch (IOException ignored) {
                    // failing already
                }
            }
            for (Path t : temps.values()) {
                Files.deleteIfExists(t);
            }
        }
        return out;
    }

    private static NpyWriter.Type type(SeedColumn c) {
        return switch (c) {
            case ENDPOINTS -> NpyWriter.Type.FLOAT32;
            case LABELS, STEPS -> NpyWriter.Type.INT32;
            case CONVERGED, DIVERGED -> NpyWriter.Type.UINT8;
            case PATH_LENGTHS, RESIDUALS -> NpyWriter.Type.FLOAT64;
            case MAP_EVALUATIONS -> NpyWriter.Type.INT64;
        };
    }

    private static void write(SeedBlock b, Map<SeedColumn, NpyWriter> writers) {
        try {
            int n = b.rows();
            for (Map.Entry<SeedColumn, NpyWriter> e : writers.entrySet()) {
                NpyWriter w = e.getValue();
                switch (e.getKey()) {
                    case ENDPOINTS -> w.floats(b.endpoints().data());
                    case LABELS -> w.ints(b.labels(), 0, n);
                    case STEPS -> w.ints(b.steps(), 0, n);
                    case CONVERGED -> w.bytes(flags(b.converged()), 0, n);
                    case DIVERGED -> w.bytes(flags(b.diverged()), 0, n);
                    case PATH_LENGTHS -> w.doubles(b.pathLengths(), 0, n);
                    case RESIDUALS -> w.doubles(b.residuals(), 0, n);
                    case MAP_EVALUATIONS -> w.longs(b.mapEvaluations(), 0, n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] flags(boolean[] f) {
        byte[] out = new byte[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = (byte) (f[i] ? 1 : 0);
        }
        return out;
    }

    /** Links a column the engine streamed to disk (same file system: the work folder is inside the output's staging). */
    private static void link(Path from, Path to) throws IOException {
        Files.deleteIfExists(to);
        try {
            Files.createLink(to, from);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | IOException e) { // another file system, or no hard links
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
        Npy.readableByAll(to);
    }
}
