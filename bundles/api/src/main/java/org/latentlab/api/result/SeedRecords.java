package org.latentlab.api.result;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.Trajectory;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Every seed's result of a run, read block by block, so a run of any size is read in bounded memory. Small runs
 * hold them in memory; large ones stream them to disk while they run ({@link #file(SeedColumn)}), readable while
 * the job is under way (metrics, exporters); after it, the published {@code .npy} files hold them.
 */
@ProviderType
public interface SeedRecords {

    /** Seeds in the run. */
    long count();

    /** Latent dimension k. */
    int latentDim();

    /**
     * Seeds {@code from} to {@code from + rows − 1} (fewer at the end of the run).
     *
     * @throws IOException when the records are on disk and cannot be read (e.g. the job's work folder is gone)
     */
    SeedBlock read(long from, int rows) throws IOException;

    /** The .npy file (a complete file: header and every row) holding a column, when the records are on disk. */
    Optional<Path> file(SeedColumn column);

    /** Visits every seed in order, {@code rows} at a time. */
    default void forEach(int rows, java.util.function.Consumer<SeedBlock> visit) {
        for (long from = 0; from < count(); from += rows) {
            try {
                visit.accept(read(from, rows));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Records held in memory: seeds [n, k], one trajectory per seed (in seed order) and its attractor id. A seed
     * past the end of one of them reads as not converged, NaN where a value is missing, label −1 (null: none).
     */
    static SeedRecords of(Tensor given, List<Trajectory> ts, int[] ls) {
        List<Trajectory> trajectories = ts == null ? List.of() : ts;
        int[] labels = ls == null ? new int[0] : ls;
        Tensor seeds = given != null ? given
                : Tensor.matrix(0, trajectories.isEmpty() ? 0 : trajectories.get(0).endpoint().length, new float[0]);
        int k = seeds.shape().length > 1 ? seeds.width()
                : trajectories.isEmpty() ? 0 : trajectories.get(0).endpoint().length;
        int n = Math.max(Math.max(seeds.rows(), trajectories.size()), labels.length);
        return new SeedRecords() {
            public long count() {
                return n;
            }

            public int latentDim() {
                return k;
            }

            public SeedBlock read(long from, int rows) {
                int a = (int) Math.min(from, n);
                int b = (int) Math.min((long) a + rows, n);
                int m = b - a;
                float[] ends = new float[m * k];
                int[] steps = new int[m];
                boolean[] conv = new boolean[m];
                boolean[] div = new boolean[m];
                double[] path = new double[m];
                double[] res = new double[m];
                long[] evals = new long[m];
                float[] starts = new float[m * k];
                java.util.Arrays.fill(starts, Float.NaN);
                int inSeeds = Math.max(0, Math.min(b, seeds.rows()) - a);
                System.arraycopy(seeds.data(), a * k, starts, 0, inSeeds * k);
                for (int i = 0; i < m; i++) {
                    if (a + i >= trajectories.size()) {
                        java.util.Arrays.fill(ends, i * k, (i + 1) * k, Float.NaN);
                        path[i] = Double.NaN;
                        res[i] = Double.NaN;
                        evals[i] = -1;
                        continue;
                    }
                    Trajectory t = trajectories.get(a + i);
                    System.arraycopy(t.endpoint(), 0, ends, i * k, k);
                    steps[i] = t.steps();
                    conv[i] = t.converged();
                    div[i] = t.diverged();
                    path[i] = t.pathLength();
                    res[i] = t.finalResidual();
                    evals[i] = t.mapEvaluations();
                }
                return new SeedBlock(a, Tensor.matrix(m, k, starts), Tensor.matrix(m, k, ends), labelsOf(labels, a, b),
                        steps, conv, div, path, res, evals);
            }

            public Optional<Path> file(SeedColumn column) {
                return Optional.empty();
            }
        };
    }

    private static int[] labelsOf(int[] labels, int from, int to) {
        int[] out = new int[to - from];
        java.util.Arrays.fill(out, -1);
        System.arraycopy(labels, Math.min(from, labels.length), out, 0, Math.max(0, Math.min(to, labels.length) - from));
        return out;
    }
}
