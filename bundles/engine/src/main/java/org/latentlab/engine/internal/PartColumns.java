package org.latentlab.engine.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.engine.SeedPartExecutor;
import org.latentlab.api.result.SeedColumn;
import org.latentlab.io.IoErrors;
import org.latentlab.npy.Npy;
import org.latentlab.npy.NpyWriter;

/**
 * One seed part's per-seed results as {@code .npy} columns in a folder (the {@link SeedPartExecutor} contract): what an
 * executor writes where it iterated and the engine reads back, exactly (float32 end points, float64 lengths and
 * residuals, as the trajectories held them). Paths are not kept: a strategy asked to record them runs in this lab.
 */
final class PartColumns {

    static final SeedColumn[] COLUMNS = {SeedColumn.ENDPOINTS, SeedColumn.STEPS, SeedColumn.CONVERGED, SeedColumn.DIVERGED,
            SeedColumn.PATH_LENGTHS, SeedColumn.RESIDUALS, SeedColumn.MAP_EVALUATIONS};

    private PartColumns() {}

    /** Writes {@code ts} (in seed order) into {@code dir} (created), then the done file naming the rows. */
    static void write(Path dir, List<Trajectory> ts, int k) throws IOException {
        Files.createDirectories(dir);
        int m = ts.size();
        byte[] conv = new byte[m];
        byte[] div = new byte[m];
        int[] steps = new int[m];
        double[] path = new double[m];
        double[] res = new double[m];
        long[] evals = new long[m];
        try (NpyWriter ends = NpyWriter.open(dir.resolve(SeedColumn.ENDPOINTS.fileName()), NpyWriter.Type.FLOAT32, k)) {
            for (int i = 0; i < m; i++) {
                Trajectory t = ts.get(i);
                ends.floats(t.endpoint(), 0, k);
                conv[i] = (byte) (t.converged() ? 1 : 0);
                div[i] = (byte) (t.diverged() ? 1 : 0);
                steps[i] = t.steps();
                path[i] = t.pathLength();
                res[i] = t.finalResidual();
                evals[i] = t.mapEvaluations();
            }
        }
        try (NpyWriter w = NpyWriter.open(dir.resolve(SeedColumn.STEPS.fileName()), NpyWriter.Type.INT32)) {
            w.ints(steps, 0, m);
        }
        try (NpyWriter w = NpyWriter.open(dir.resolve(SeedColumn.CONVERGED.fileName()), NpyWriter.Type.UINT8)) {
            w.bytes(conv, 0, m);
        }
        try (NpyWriter w = NpyWriter.open(dir.resolve(SeedColumn.DIVERGED.fileName()), NpyWriter.Type.UINT8)) {
            w.bytes(div, 0, m);
        }
        try (NpyWriter w = NpyWriter.open(dir.resolve(SeedColumn.PATH_LENGTHS.fileName()), NpyWriter.Type.FLOAT64)) {
            w.doubles(path, 0, m);
        }
        try (NpyWriter w = NpyWriter.open(dir.resolve(SeedColumn.RESIDUALS.fileName()), NpyWriter.Type.FLOAT64)) {
            w.doubles(res, 0, m);
        }
        try (NpyWriter w = NpyWriter.open(dir.resolve(SeedColumn.MAP_EVALUATIONS.fileName()), NpyWriter.Type.INT64)) {
            w.longs(evals, 0, m);
        }
        Files.writeString(dir.resolve(SeedPartExecutor.DONE_FILE), String.format(Locale.ROOT, "{\"rows\": %d, \"latentDim\": %d}%n", m, k),
                StandardCharsets.UTF_8);
    }

    /**
     * Rows {@code [from, to)} of the part in {@code dir} as trajectories numbered from {@code seedBase + from}.
     *
     * @throws LatentLabException when a column is missing or does not have {@code rows} rows (of width k)
     */
    static List<Trajectory> read(Path dir, int rows, int k, int from, int to, int seedBase) {
        try {
            for (SeedColumn c : COLUMNS) {
                Path f = dir.resolve(c.fileName());
                if (!Files.isRegularFile(f)) {
                    throw new LatentLabException("seed part " + dir.getFileName() + " came back without " + c.fileName());
                }
                int[] shape = Npy.header(f).shape();
                if (shape.length == 0 || shape[0] != rows || (c == SeedColumn.ENDPOINTS && (shape.length != 2 || shape[1] != k))) {
                    throw new LatentLabException("seed part " + dir.getFileName() + ": " + c.fileName() + " has shape "
                            + java.util.Arrays.toString(shape) + ", " + rows + " rows" + (c == SeedColumn.ENDPOINTS ? " of " + k : "")
                            + " expected");
                }
            }
            float[] ends = Npy.readRows(file(dir, SeedColumn.ENDPOINTS), Npy.header(file(dir, SeedColumn.ENDPOINTS)), from, to).data();
            int[] steps = Npy.readIntRows(file(dir, SeedColumn.STEPS), Npy.header(file(dir, SeedColumn.STEPS)), from, to);
            int[] conv = Npy.readIntRows(file(dir, SeedColumn.CONVERGED), Npy.header(file(dir, SeedColumn.CONVERGED)), from, to);
            int[] div = Npy.readIntRows(file(dir, SeedColumn.DIVERGED), Npy.header(file(dir, SeedColumn.DIVERGED)), from, to);
            double[] path = Npy.readDoubleRows(file(dir, SeedColumn.PATH_LENGTHS), Npy.header(file(dir, SeedColumn.PATH_LENGTHS)),
                    from, to);
            double[] res = Npy.readDoubleRows(file(dir, SeedColumn.RESIDUALS), Npy.header(file(dir, SeedColumn.RESIDUALS)), from, to);
            long[] evals = Npy.readLongRows(file(dir, SeedColumn.MAP_EVALUATIONS), Npy.header(file(dir, SeedColumn.MAP_EVALUATIONS)),
                    from, to);
            List<Trajectory> out = new ArrayList<>(to - from);
            for (int i = 0; i < to - from; i++) {
                out.add(new Trajectory(seedBase + from + i, java.util.Arrays.copyOfRange(ends, i * k, i * k + k), steps[i], conv[i] != 0,
                        div[i] != 0, path[i], res[i], null, evals[i]));
            }
            return out;
        } catch (IOException e) {
            throw new LatentLabException("cannot read seed part " + dir + ": " + IoErrors.describe(e), e);
        }
    }

    private static Path file(Path dir, SeedColumn c) {
        return dir.resolve(c.fileName());
    }
}
