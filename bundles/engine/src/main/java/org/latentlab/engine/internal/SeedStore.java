package org.latentlab.engine.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntUnaryOperator;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.result.SeedBlock;
import org.latentlab.api.result.SeedColumn;
import org.latentlab.api.result.SeedRecords;
import org.latentlab.api.result.SeedSummary;
import org.latentlab.io.IoErrors;
import org.latentlab.npy.Npy;
import org.latentlab.npy.NpyWriter;

/**
 * Every seed's result as the run goes, a segment of seeds at a time: in memory (runs up to the in-memory limit: one
 * trajectory record per seed, as the result has always held them), or streamed to one {@code .npy} file per
 * {@link SeedColumn} in a work folder, so memory does not grow with the number of seeds. A seed's label is known
 * only once every part is clustered: until {@link #finish} the store keeps its running cluster id (the part's
 * cluster, numbered across parts), and the final pass turns those into attractor ids.
 */
final class SeedStore {

    /** Rows read at a time in the final pass and by {@link SeedRecords#forEach}. */
    static final int BLOCK = 8192;
    private static final String SEEDS = "seeds.npy";
    private static final String RUNNING = "running.npy";

    private final int k;
    private final Path dir;
    private long count;
    private long converged;
    private long diverged;
    private long evaluations; // -1 once a seed was not counted
    private boolean finished;

    // in memory
    private final List<Trajectory> trajectories;
    private final List<Tensor> seedParts;
    private int[] running;
    private int[] labels;

    // on disk
    private final Map<SeedColumn, NpyWriter> columns = new EnumMap<>(SeedColumn.class);
    private NpyWriter seedWriter;
    private NpyWriter runningWriter;

    private SeedStore(int k, Path dir) {
        this.k = k;
        this.dir = dir;
        this.trajectories = dir == null ? new ArrayList<>() : List.of();
        this.seedParts = new ArrayList<>();
        this.running = new int[0];
    }

    /** Holds everything in memory (the trajectories, seeds and labels of the result). */
    static SeedStore inMemory(int k) {
        return new SeedStore(k, null);
    }

    /** Streams every column to {@code dir} (created), which the caller deletes when the job is over. */
    static SeedStore onDisk(Path dir, int k) {
        SeedStore s = new SeedStore(k, dir);
        try {
            Files.createDirectories(dir);
            s.seedWriter = NpyWriter.open(dir.resolve(SEEDS), NpyWriter.Type.FLOAT32, k);
            s.runningWriter = NpyWriter.open(dir.resolve(RUNNING), NpyWriter.Type.INT32);
            s.columns.put(SeedColumn.ENDPOINTS, NpyWriter.open(s.path(SeedColumn.ENDPOINTS), NpyWriter.Type.FLOAT32, k));
            s.columns.put(SeedColumn.STEPS, NpyWriter.open(s.path(SeedColumn.STEPS), NpyWriter.Type.INT32));
            s.columns.put(SeedColumn.CONVERGED, NpyWriter.open(s.path(SeedColumn.CONVERGED), NpyWriter.Type.UINT8));
            s.columns.put(SeedColumn.DIVERGED, NpyWriter.open(s.path(SeedColumn.DIVERGED), NpyWriter.Type.UINT8));
            s.columns.put(SeedColumn.PATH_LENGTHS, NpyWriter.open(s.path(SeedColumn.PATH_LENGTHS), NpyWriter.Type.FLOAT64));
            s.columns.put(SeedColumn.RESIDUALS, NpyWriter.open(s.path(SeedColumn.RESIDUALS), NpyWriter.Type.FLOAT64));
            s.columns.put(SeedColumn.MAP_EVALUATIONS, NpyWriter.open(s.path(SeedColumn.MAP_EVALUATIONS), NpyWriter.Type.INT64));
        } catch (IOException e) {
            s.closeQuietly();
            throw failure("cannot write the per-seed results in " + dir, e);
        }
        return s;
    }

    boolean onDisk() {
        return dir != null;
    }

    private Path path(SeedColumn c) {
        return dir.resolve(c.fileName());
    }

    /** The next segment: its seeds, one trajectory per seed in order, and each seed's running cluster id (−1: none). */
    void add(Tensor seeds, List<Trajectory> ts, int[] runningIds) {
        for (Trajectory t : ts) {
            converged += t.converged() ? 1 : 0;
            diverged += t.diverged() ? 1 : 0;
            evaluations = evaluations < 0 || t.mapEvaluations() < 0 ? -1 : evaluations + t.mapEvaluations();
        }
        count += ts.size();
        if (!onDisk()) {
            trajectories.addAll(ts);
            seedParts.add(seeds);
            int at = running.length;
            running = java.util.Arrays.copyOf(running, at + runningIds.length);
            System.arraycopy(runningIds, 0, running, at, runningIds.length);
            return;
        }
        int m = ts.size();
        byte[] conv = new byte[m];
        byte[] div = new byte[m];
        int[] steps = new int[m];
        double[] path = new double[m];
        double[] res = new double[m];
        long[] evals = new long[m];
        try {
            NpyWriter ends = columns.get(SeedColumn.ENDPOINTS);
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
            seedWriter.floats(seeds.data(), 0, m * k);
            runningWriter.ints(runningIds, 0, m);
            columns.get(SeedColumn.STEPS).ints(steps, 0, m);
            columns.get(SeedColumn.CONVERGED).bytes(conv, 0, m);
            columns.get(SeedColumn.DIVERGED).bytes(div, 0, m);
            columns.get(SeedColumn.PATH_LENGTHS).doubles(path, 0, m);
            columns.get(SeedColumn.RESIDUALS).doubles(res, 0, m);
            columns.get(SeedColumn.MAP_EVALUATIONS).longs(evals, 0, m);
        } catch (IOException e) {
            throw failure("cannot write the per-seed results in " + dir, e);
        }
    }

    SeedSummary summary() {
        return new SeedSummary(count, converged, diverged, evaluations);
    }

    /** Receives each seed in the final pass: its row in {@code seeds} [.., k], its attractor id and steps. */
    interface Visitor {
        void seed(float[] seeds, int row, int label, int steps);
    }

    /** Turns running cluster ids into attractor ids ({@code finalOf}; −1 stays −1), writing the labels; visits every seed. */
    void finish(IntUnaryOperator finalOf, Visitor visitor) {
        finished = true;
        if (!onDisk()) {
            labels = new int[running.length];
            int row = 0;
            int part = 0;
            Tensor seeds = seedParts.isEmpty() ? Tensor.matrix(0, k, new float[0]) : seedParts.get(0);
            for (int i = 0; i < running.length; i++, row++) {
                while (row >= seeds.rows()) {
                    seeds = seedParts.get(++part);
                    row = 0;
                }
                labels[i] = running[i] < 0 ? -1 : finalOf.applyAsInt(running[i]);
                visitor.seed(seeds.data(), row, labels[i], trajectories.get(i).steps());
            }
            return;
        }
        try {
            seedWriter.close();
            runningWriter.close();
            for (NpyWriter w : columns.values()) {
                w.close();
            }
            Path seedFile = dir.resolve(SEEDS);
            Path runningFile = dir.resolve(RUNNING);
            Path stepsFile = path(SeedColumn.STEPS);
            Npy.Header sh = Npy.header(seedFile);
            Npy.Header rh = Npy.header(runningFile);
            Npy.Header th = Npy.header(stepsFile);
            try (NpyWriter out = NpyWriter.open(path(SeedColumn.LABELS), NpyWriter.Type.INT32)) {
                for (long at = 0; at < count; at += BLOCK) { // long: a count near Integer.MAX_VALUE must not wrap
                    int from = (int) at;
                    int to = (int) Math.min(count, at + BLOCK);
                    float[] seeds = Npy.readRows(seedFile, sh, from, to).data();
                    int[] run = Npy.readIntRows(runningFile, rh, from, to);
                    int[] steps = Npy.readIntRows(stepsFile, th, from, to);
                    int[] block = new int[to - from];
                    for (int i = 0; i < block.length; i++) {
                        block[i] = run[i] < 0 ? -1 : finalOf.applyAsInt(run[i]);
                        visitor.seed(seeds, i, block[i], steps[i]);
                    }
                    out.ints(block, 0, block.length);
                }
            }
            Files.deleteIfExists(runningFile);
        } catch (IOException e) {
            throw failure("cannot write the per-seed results in " + dir, e);
        }
    }

    /** Every trajectory, in seed order (in memory), or none. */
    List<Trajectory> trajectories() {
        return onDisk() ? List.of() : trajectories;
    }

    /** Every seed's attractor id (in memory, after {@link #finish}), or none. */
    int[] labels() {
        return onDisk() ? new int[0] : labels;
    }

    /** The seeds [n, k] (in memory), or [0, k]. */
    Tensor seeds() {
        if (onDisk() || seedParts.isEmpty()) {
            return Tensor.matrix(0, k, new float[0]);
        }
        if (seedParts.size() == 1) {
            return seedParts.get(0);
        }
        float[] all = new float[(int) count * k];
        int at = 0;
        for (Tensor t : seedParts) {
            System.arraycopy(t.data(), 0, all, at, t.data().length);
            at += t.data().length;
        }
        return Tensor.matrix((int) count, k, all);
    }

    /** The records, readable once {@link #finish} has run. */
    SeedRecords records() {
        if (!finished) {
            throw new IllegalStateException("per-seed records read before the labels are final");
        }
        return onDisk() ? new DiskRecords() : SeedRecords.of(seeds(), trajectories, labels);
    }

    /** Closes what is still open (a failed run); the files stay for the caller to delete with the folder. */
    void closeQuietly() {
        List<NpyWriter> all = new ArrayList<>(columns.values());
        all.add(seedWriter);
        all.add(runningWriter);
        for (NpyWriter w : all) {
            try {
                if (w != null) {
                    w.close();
                }
            } catch (IOException | RuntimeException ignored) {
                // a failed run: its work folder is deleted
            }
        }
    }

    private static LatentLabException failure(String what, IOException e) {
        return new LatentLabException(what + ": " + IoErrors.describe(e), e);
    }

    /** The columns on disk, read block by block. */
    private final class DiskRecords implements SeedRecords {

        public long count() {
            return count;
        }

        public int latentDim() {
            return k;
        }

        public SeedBlock read(long from, int rows) throws IOException {
            int a = (int) Math.min(from, count);
            int b = (int) Math.min((long) a + rows, count);
            int m = b - a;
            if (!Files.isDirectory(dir)) {
                throw new IOException("the per-seed results of this run were in " + dir + ", which is gone: the job is over; "
                        + "read the .npy files the npy exporter published");
            }
            float[] seeds = Npy.readRows(dir.resolve(SEEDS), Npy.header(dir.resolve(SEEDS)), a, b).data();
            float[] ends = Npy.readRows(path(SeedColumn.ENDPOINTS), header(SeedColumn.ENDPOINTS), a, b).data();
            return new SeedBlock(a, Tensor.matrix(m, k, seeds), Tensor.matrix(m, k, ends), ints(SeedColumn.LABELS, a, b),
                    ints(SeedColumn.STEPS, a, b), flags(SeedColumn.CONVERGED, a, b), flags(SeedColumn.DIVERGED, a, b),
                    doubles(SeedColumn.PATH_LENGTHS, a, b), doubles(SeedColumn.RESIDUALS, a, b),
                    Npy.readLongRows(path(SeedColumn.MAP_EVALUATIONS), header(SeedColumn.MAP_EVALUATIONS), a, b));
        }

        public Optional<Path> file(SeedColumn column) {
            return Optional.of(path(column));
        }

        private Npy.Header header(SeedColumn c) throws IOException {
            return Npy.header(path(c));
        }

        private int[] ints(SeedColumn c, int a, int b) throws IOException {
            return Npy.readIntRows(path(c), header(c), a, b);
        }

        private double[] doubles(SeedColumn c, int a, int b) throws IOException {
            return Npy.readDoubleRows(path(c), header(c), a, b);
        }

        private boolean[] flags(SeedColumn c, int a, int b) throws IOException {
            long[] v = Npy.readLongRows(path(c), header(c), a, b);
            boolean[] out = new boolean[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = v[i] != 0;
            }
            return out;
        }
    }
}
