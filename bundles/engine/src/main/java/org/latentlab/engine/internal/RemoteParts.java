package org.latentlab.engine.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.engine.SeedPartExecutor;
import org.latentlab.api.engine.SeedPartExecutor.SeedPart;
import org.latentlab.io.IoErrors;
import org.latentlab.npy.Npy;

/**
 * The seeds of one analysis iterated by a {@link SeedPartExecutor}: writes each part's latent seeds, runs the executor
 * in a thread of its own, and hands the analysis the seeds and trajectories of each segment in seed order, waiting for
 * the parts that hold them. Parts arrive in any order and stay on disk until the analysis is over, so memory holds one
 * segment at a time, as in a local run.
 */
final class RemoteParts implements AutoCloseable {

    /**
     * Where and how.
     *
     * @param executor       the executor with its parameters in force
     * @param modelFolder    the model the executor loads
     * @param strategy       the strategy id
     * @param strategyParams its parameters as the request gave them
     * @param modelBatch     rows per model call
     * @param partitions     parts asked for, 0 for the engine's choice
     * @param inMemory       the engine's in-memory limit (the default part size at most)
     * @param work           a new folder for the seeds and the parts' results (deleted when done)
     */
    record Settings(Analysis.Choice<SeedPartExecutor> executor, Path modelFolder, String strategy,
            Map<String, String> strategyParams, int modelBatch, int partitions, int inMemory, Path work) {}

    /** How long closing waits for the executor to stop after it was told to. */
    static final long STOP_MILLIS = 120_000;
    /** How long a job stopped by an interrupt waits for its executor: half the engine's cleanup time at shutdown. */
    static final long INTERRUPTED_STOP_MILLIS = DefaultAnalysisEngine.CLEANUP_MILLIS / 2;

    private sealed interface Event {}

    private record Finished(SeedPart part) implements Event {}

    private record Failed(SeedPart part, String reason) implements Event {}

    private record Ended(Throwable error) implements Event {}

    private final Settings settings;
    private final Analysis.Listener listener;
    private final int k;
    private final SeedPartExecutor.PartJob job;
    private final String where;
    private final BitSet done = new BitSet();
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private volatile boolean closed;
    private boolean ended;
    private Thread thread;

    private RemoteParts(Settings settings, Analysis.Listener listener, int k, SeedPartExecutor.PartJob job) {
        this.settings = settings;
        this.listener = listener;
        this.k = k;
        this.job = job;
        this.where = settings.executor().service().describe(settings.executor().params());
    }

    /**
     * Seeds per part: {@code partitions} equal parts when asked (whole chunks when a part holds at least one chunk), else
     * parts of whole chunks, at least 2 and at most {@code inMemory} seeds each (a part is what one task holds).
     */
    static int partSize(int n, int partitions, int chunkSize, int inMemory) {
        if (n <= 1) {
            return 1;
        }
        int parts = partitions > 0 ? partitions : (int) Math.max(2, (n + (long) inMemory - 1) / inMemory);
        long per = (n + (long) parts - 1) / parts;
        if (per >= chunkSize || partitions == 0) {
            per = Math.max(1, (per + chunkSize - 1) / chunkSize) * chunkSize; // the same batches as a local run
        }
        return (int) Math.min(n, per);
    }

    /** Writes the parts' seeds and starts the executor on them. */
    static RemoteParts start(Settings s, SeedInput seeds, int chunkSize, Analysis.Listener listener) {
        int n = seeds.count();
        int k = seeds.width();
        int size = partSize(n, s.partitions(), chunkSize, s.inMemory());
        List<SeedPart> parts = new ArrayList<>();
        Path seedDir = s.work().resolve("seeds");
        try {
            Files.createDirectories(seedDir);
            Files.createDirectories(s.work().resolve("parts"));
            for (long at = 0; at < n; at += size) {
                if (listener.cancelled()) {
                    throw new CancellationException("cancelled");
                }
                int count = (int) Math.min(size, n - at);
                SeedPart p = new SeedPart(parts.size(), at, count, seedDir.resolve(String.format(Locale.ROOT, "part-%05d.npy", parts.size())));
                listener.stage("seeds", -1, "writing the seeds of part " + (p.index() + 1) + " (" + at + "-" + (at + count - 1) + ")");
                Tensor t = seeds.next(count);
                Npy.writeFloats(p.seeds(), new int[] {count, k}, t.data());
                parts.add(p);
            }
        } catch (IOException e) {
            throw new LatentLabException("cannot write the seed parts into " + seedDir + ": " + IoErrors.describe(e), e);
        }
        SeedPartExecutor.PartJob job = new SeedPartExecutor.PartJob(s.modelFolder(), s.strategy(), s.strategyParams(), chunkSize,
                s.modelBatch(), parts, s.work().resolve("parts"));
        RemoteParts r = new RemoteParts(s, listener, k, job);
        r.launch();
        return r;
    }

    private void launch() {
        SeedPartExecutor.Listener told = new SeedPartExecutor.Listener() {
            public void finished(SeedPart part) {
                events.add(new Finished(part));
            }

            public void failed(SeedPart part, String reason) {
                events.add(new Failed(part, reason));
            }

            public boolean cancelled() {
                return closed || listener.cancelled();
            }
        };
        // loaded now: an executor that outlives the engine bundle (stopped at shutdown) must not fail on loading it
        Class<?> endedEvent = Ended.class;
        thread = new Thread(() -> {
            Throwable error = null;
            try {
                settings.executor().service().execute(job, settings.executor().params(), told);
            } catch (InterruptedException e) {
                error = e;
            } catch (Throwable e) { // reported to the analysis, which fails with it
                error = e;
            }
            events.add(new Ended(error));
        }, "latentlab-parts-" + settings.executor().id());
        thread.setDaemon(true);
        thread.start();
        progress();
    }

    int parts() {
        return job.parts().size();
    }

    private void progress() {
        listener.stage("iterating", parts(), String.format(Locale.ROOT, "%d seeds in %d parts on %s: %d done", total(), parts(), where,
                done.cardinality()));
        listener.advance(done.cardinality());
    }

    private long total() {
        SeedPart last = job.parts().get(job.parts().size() - 1);
        return last.from() + last.count();
    }

    /** Where the iteration of {@code n} seeds runs, for the result: e.g. "Spark, master local[2], 4 parts". */
    static String describe(Settings s, int n, int chunkSize) {
        int size = partSize(n, s.partitions(), chunkSize, s.inMemory());
        long parts = n == 0 ? 0 : (n + (long) size - 1) / size;
        return s.executor().service().describe(s.executor().params()) + ", " + parts + " part" + (parts == 1 ? "" : "s");
    }

    /** Seeds {@code [from, to)} read back from the parts' seed files. */
    Tensor seeds(int from, int to) {
        float[] out = new float[(to - from) * k];
        for (SeedPart p : overlapping(from, to)) {
            int lo = (int) (Math.max(from, p.from()) - p.from());
            int hi = (int) (Math.min(to, p.from() + p.count()) - p.from());
            try {
                float[] rows = Npy.readRows(p.seeds(), Npy.header(p.seeds()), lo, hi).data();
                System.arraycopy(rows, 0, out, (int) (p.from() + lo - from) * k, rows.length);
            } catch (IOException e) {
                throw new LatentLabException("cannot read the seeds of part " + p.name() + ": " + IoErrors.describe(e), e);
            }
        }
        return Tensor.matrix(to - from, k, out);
    }

    /** The trajectories of seeds {@code [from, to)}, once the parts holding them have finished. */
    List<Trajectory> trajectories(int from, int to) {
        List<SeedPart> need = overlapping(from, to);
        progress();
        while (!need.stream().allMatch(p -> done.get(p.index()))) {
            Event e;
            try {
                e = events.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted");
            }
            if (listener.cancelled()) {
                throw new CancellationException("cancelled");
            }
            listener.checkpoint();
            if (e != null) {
                handle(e, need);
            } else if (ended && events.isEmpty()) { // the executor ended earlier, having reported fewer parts than it had
                throw new LatentLabException(where + " ended without the results of part "
                        + need.stream().filter(p -> !done.get(p.index())).findFirst().orElseThrow().name());
            }
        }
        List<Trajectory> out = new ArrayList<>(to - from);
        for (SeedPart p : need) {
            int lo = (int) (Math.max(from, p.from()) - p.from());
            int hi = (int) (Math.min(to, p.from() + p.count()) - p.from());
            out.addAll(PartColumns.read(job.folder(p), p.count(), k, lo, hi, (int) p.from()));
        }
        return out;
    }

    private void handle(Event e, List<SeedPart> need) {
        if (e instanceof Finished f) {
                if (!Files.isRegularFile(job.folder(f.part()).resolve(SeedPartExecutor.DONE_FILE))) {
                    throw new LatentLabException("seed part " + f.part().name() + " was reported finished by " + where
                            + " but " + job.folder(f.part()) + " holds no " + SeedPartExecutor.DONE_FILE);
                }
                done.set(f.part().index());
                progress();
        } else if (e instanceof Failed f) {
            throw new LatentLabException("seeds " + f.part().from() + "-" + (f.part().from() + f.part().count() - 1)
                    + " (part " + (f.part().index() + 1) + " of " + parts() + ") could not be iterated on " + where + ": " + f.reason());
        } else if (e instanceof Ended end) {
                ended = true;
                if (end.error() instanceof LatentLabException l) {
                    throw new LatentLabException(where + ": " + l.getMessage(), l);
                }
                if (end.error() != null) {
                    throw new LatentLabException(where + " failed: " + JobRunner.describe(end.error()), end.error());
                }
                if (!need.stream().allMatch(p -> done.get(p.index())) && events.isEmpty()) {
                    throw new LatentLabException(where + " ended without the results of part "
                            + need.stream().filter(p -> !done.get(p.index())).findFirst().orElseThrow().name());
                }
        }
    }

    private List<SeedPart> overlapping(int from, int to) {
        return job.parts().stream().filter(p -> p.from() < to && p.from() + p.count() > from).toList();
    }

    /**
     * Waits for the executor to end, telling it to stop first when parts are still out (the analysis failed or was
     * cancelled), and deletes the work folder.
     */
    @Override
    public void close() {
        // every part back: the executor is only ending (a driver still stopping); else tell it to stop now
        closed = done.cardinality() < parts();
        if (thread != null && !ended) {
            // A job is stopped by interrupting its thread (the lab's shutdown on Ctrl-C / SIGTERM): still wait for the
            // executor to stop, or its thread outlives the engine bundle (NoClassDefFoundError of RemoteParts$Ended on
            // the console) and the parts' folder is left.
            // Stopped by an interrupt, it waits only part of the time the engine's shutdown gives a job to clean up
            // (DefaultAnalysisEngine.CLEANUP_MILLIS): an executor that does not stop in time must not keep the job from
            // removing its staging folder before the process exits.
            boolean interrupted = Thread.interrupted();
            long wait = interrupted ? INTERRUPTED_STOP_MILLIS : STOP_MILLIS;
            long end = System.nanoTime() + wait * 1_000_000L;
            while (thread.isAlive() && System.nanoTime() < end) {
                try {
                    thread.join(Math.max(1, (end - System.nanoTime()) / 1_000_000L));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                System.getLogger(RemoteParts.class.getName()).log(System.Logger.Level.WARNING, where + " still runs "
                        + wait / 1000 + " s after it was told to stop; its work folder " + settings.work() + " may be left");
                return;
            }
        }
        WorkFolders.delete(settings.work());
    }
}
