package org.latentlab.experiments.sweep.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.sweep.CellExecutor;
import org.latentlab.api.sweep.CellResult;
import org.latentlab.api.sweep.SweepCell;
import org.latentlab.api.sweep.SweepCellRunner;

class LocalCellExecutorTest {

    static final List<SweepCell> CELLS = SweepSpec.parse("{\"dataset\": \"d\", \"axes\": {\"seed\": [0, 1, 2, 3, 4]}}", "x").cells();

    /** Records what it was told. */
    static final class Recorder implements CellExecutor.Listener {
        final Map<String, CellResult> finished = new ConcurrentHashMap<>();
        final Set<String> started = ConcurrentHashMap.newKeySet();
        final AtomicBoolean cancel = new AtomicBoolean();

        @Override
        public void started(SweepCell cell) {
            started.add(cell.id());
        }

        @Override
        public void finished(CellResult result) {
            finished.put(result.cell().id(), result);
        }

        @Override
        public boolean cancelled() {
            return cancel.get();
        }
    }

    static LocalCellExecutor executor(SweepCellRunner runner) {
        LocalCellExecutor e = new LocalCellExecutor();
        e.runner = runner;
        return e;
    }

    abstract static class Runner implements SweepCellRunner {
        @Override
        public Optional<CellResult> read(Path cellDir) {
            return Optional.empty();
        }
    }

    @Test
    void aFailingOrThrowingCellIsRecordedAndTheOthersFinish() throws Exception {
        Recorder r = new Recorder();
        executor(new Runner() {
            @Override
            public CellResult run(SweepCell cell, Path dir, Progress p) {
                return switch (cell.id()) {
                    case "c001" -> throw new IllegalStateException("boom in " + dir.getFileName());
                    case "c003" -> CellResult.failed(cell, "training diverged", 1, "h");
                    default -> new CellResult(cell, CellResult.Status.DONE, null, List.of(), 1, "h");
                };
            }
        }).execute(CELLS, Path.of("/tmp/cells"), 2, r);
        assertEquals(5, r.finished.size());
        assertEquals(CellResult.Status.FAILED, r.finished.get("c001").status());
        assertEquals("IllegalStateException: boom in c001", r.finished.get("c001").error());
        assertEquals("training diverged", r.finished.get("c003").error());
        assertEquals(3, r.finished.values().stream().filter(c -> c.status() == CellResult.Status.DONE).count());
    }

    @Test
    void runsAsManyCellsAtOnceAsAskedAndNoMore() throws Exception {
        AtomicInteger active = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CyclicBarrier firstTwo = new CyclicBarrier(2);
        Recorder r = new Recorder();
        executor(new Runner() {
            @Override
            public CellResult run(SweepCell cell, Path dir, Progress p) {
                most.accumulateAndGet(active.incrementAndGet(), Math::max);
                try {
                    if (cell.index() < 2) { // both first cells must be running at the same time, or this times out
                        firstTwo.await(60, TimeUnit.SECONDS);
                    }
                    return new CellResult(cell, CellResult.Status.DONE, null, List.of(), 1, "h");
                } catch (Exception e) {
                    return CellResult.failed(cell, "not parallel: " + e, 1, "h");
                } finally {
                    active.decrementAndGet();
                }
            }
        }).execute(CELLS, Path.of("/tmp/cells"), 2, r);
        assertEquals(2, most.get());
        assertTrue(r.finished.values().stream().allMatch(c -> c.status() == CellResult.Status.DONE), r.finished.toString());
    }

    @Test
    void afterCancellationNoFurtherCellStarts() throws Exception {
        Recorder r = new Recorder();
        executor(new Runner() {
            @Override
            public CellResult run(SweepCell cell, Path dir, Progress p) {
                if (cell.index() == 1) {
                    r.cancel.set(true);
                    assertTrue(p.cancelled());
                    throw new java.util.concurrent.CancellationException();
                }
                return new CellResult(cell, CellResult.Status.DONE, null, List.of(), 1, "h");
            }
        }).execute(CELLS, Path.of("/tmp/cells"), 1, r);
        assertEquals(Set.of("c000", "c001"), r.started);
        assertEquals(Set.of("c000"), r.finished.keySet()); // a cancelled cell is not a result
    }
}
