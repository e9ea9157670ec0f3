package org.latentlab.experiments.sweep.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.sweep.CellExecutor;
import org.latentlab.api.sweep.CellResult;
import org.latentlab.api.sweep.SweepCell;
import org.latentlab.api.sweep.SweepCellRunner;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code local}: the cells on a pool of at most {@code parallelism} threads in this process. A cell that throws
 * (anything but cancellation) is recorded as failed and the others go on.
 */
@Component(property = {ServiceProperties.ID + "=" + LocalCellExecutor.ID,
        ServiceProperties.DESCRIPTION + "=runs sweep cells on a bounded pool of threads in this process"})
public class LocalCellExecutor implements CellExecutor {

    static final String ID = "local";

    /** Got when a sweep runs ({@link Runners}). */
    @Reference
    ComponentServiceObjects<SweepCellRunner> runners;
    /** Set by tests instead of {@link #runners}. */
    SweepCellRunner runner;

    private <T> T withRunner(java.util.function.Function<SweepCellRunner, T> work) {
        return Runners.with(runner, runners, work);
    }

    @Override
    public String describe(org.latentlab.api.Parameters params, int parallelism) {
        return "this lab, " + parallelism + (parallelism == 1 ? " cell" : " cells") + " at once";
    }

    @Override
    public void execute(List<SweepCell> cells, Path cellsDir, int parallelism, Listener listener) throws InterruptedException {
        if (cells.isEmpty()) {
            return;
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, cells.size())), r -> {
            Thread t = new Thread(r, "latentlab-sweep-cell-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (SweepCell cell : cells) {
                running.add(pool.submit(() -> runOne(cell, cellsDir, listener)));
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    // runOne reports every outcome itself
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void runOne(SweepCell cell, Path cellsDir, Listener listener) {
        if (listener.cancelled()) {
            return;
        }
        listener.started(cell);
        long t0 = System.currentTimeMillis();
        Progress progress = new Progress() {
            @Override
            public void advance(long units) {
                listener.progressed(cell, units);
            }

            @Override
            public boolean cancelled() {
                return listener.cancelled();
            }
        };
        CellResult result;
        try {
            result = withRunner(r -> r.run(cell, cellsDir.resolve(cell.id()), progress));
        } catch (CancellationException e) {
            return;
        } catch (RuntimeException | Error e) { // the cell folder could not be written: still one cell only
            result = CellResult.failed(cell, DefaultSweepCellRunner.describe(e), System.currentTimeMillis() - t0, "local");
        }
        listener.finished(result);
    }
}
