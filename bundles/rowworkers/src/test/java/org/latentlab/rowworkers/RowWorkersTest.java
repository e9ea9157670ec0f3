package org.latentlab.rowworkers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.latentlab.api.LatentLabException;

/** How {@link RowWorkers} splits rows, reports a part's failure, and waits for its parts even when interrupted. */
class RowWorkersTest {

    @BeforeAll
    static void engine() {
        System.setProperty("ai.djl.offline", "true");
        String cache = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "latentlab-test-djl").toString();
        System.setProperty("DJL_CACHE_DIR", cache);
        System.setProperty("ENGINE_CACHE_DIR", cache);
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        Thread t = Thread.currentThread();
        ClassLoader saved = t.getContextClassLoader();
        t.setContextClassLoader(ai.djl.engine.Engine.class.getClassLoader()); // workers call libtorch
        try {
            ai.djl.engine.Engine.getEngine("PyTorch");
        } finally {
            t.setContextClassLoader(saved);
        }
    }

    @Test
    void partsCoverTheRowsOnceWithAtLeast64RowsEach() {
        try (RowWorkers w = RowWorkers.libtorch(3)) {
            for (int n : new int[] {0, 1, 63, 64, 127, 128, 191, 192, 1000, 4096}) {
                ConcurrentLinkedQueue<int[]> parts = new ConcurrentLinkedQueue<>();
                int[] covered = new int[n];
                w.forEach(n, (from, to) -> {
                    parts.add(new int[] {from, to});
                    for (int i = from; i < to; i++) {
                        covered[i]++;
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, covered[i], "n " + n + " row " + i);
                }
                int expected = Math.max(1, Math.min(3, n / RowWorkers.MIN_ROWS_PER_WORKER));
                assertEquals(expected, parts.size(), "parts for " + n + " rows");
                for (int[] p : parts) {
                    assertTrue(parts.size() == 1 || p[1] - p[0] >= RowWorkers.MIN_ROWS_PER_WORKER, "part " + p[0] + ".." + p[1]);
                }
            }
            // the parts ran on the workers, not on the caller
            ConcurrentLinkedQueue<String> threads = new ConcurrentLinkedQueue<>();
            w.forEach(10, (from, to) -> threads.add(Thread.currentThread().getName()));
            assertTrue(threads.peek().startsWith("latentlab-libtorch-rows-"), threads.toString());
        }
    }

    @Test
    void workersRunOneIntraOpThreadEachAndThreadsStartedLaterKeepTheCallersCount() throws Exception {
        ClassLoader engineLoader = ai.djl.engine.Engine.class.getClassLoader();
        int before = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        try (RowWorkers w = RowWorkers.libtorch(2)) {
            ConcurrentLinkedQueue<Integer> inWorkers = new ConcurrentLinkedQueue<>();
            w.forEach(200, (from, to) -> inWorkers.add(ai.djl.pytorch.jni.JniUtils.getNumThreads()));
            assertEquals(2, inWorkers.size());
            inWorkers.forEach(c -> assertEquals(1, c, "a worker's own count"));
            assertEquals(before, ai.djl.pytorch.jni.JniUtils.getNumThreads(), "the caller's count");
            int[] fresh = new int[1];
            Thread t = new Thread(() -> fresh[0] = ai.djl.pytorch.jni.JniUtils.getNumThreads()); // first use of libtorch
            t.setContextClassLoader(engineLoader);
            t.start();
            t.join();
            assertEquals(before, fresh[0], "a thread that starts libtorch after the workers takes the caller's count, not one");
        }
    }

    @Test
    void aPartsFailureReachesTheCallerAsItIs() {
        try (RowWorkers w = RowWorkers.libtorch(2)) {
            LatentLabException boom = new LatentLabException("decoder returned shape [1]");
            LatentLabException e = assertThrows(LatentLabException.class, () -> w.forEach(1000, (from, to) -> {
                if (from > 0) {
                    throw boom;
                }
            }));
            assertSame(boom, e);
            assertThrows(OutOfMemoryError.class, () -> w.forEach(1000, (from, to) -> {
                throw new OutOfMemoryError("Java heap space"); // ModelLatentMap retries smaller batches on this
            }));
        }
    }

    @Test
    void anInterruptedCallerStillWaitsForEveryPart() throws Exception {
        try (RowWorkers w = RowWorkers.libtorch(2)) {
            CountDownLatch started = new CountDownLatch(2);
            CountDownLatch release = new CountDownLatch(1);
            AtomicBoolean finished = new AtomicBoolean();
            Throwable[] thrown = new Throwable[1];
            boolean[] doneWhenThrown = new boolean[1];
            Thread caller = new Thread(() -> {
                try {
                    w.forEach(200, (from, to) -> {
                        started.countDown();
                        try {
                            release.await(); // a part still in "libtorch" when the job is cancelled
                        } catch (InterruptedException e) {
                            throw new IllegalStateException("a worker was interrupted", e);
                        }
                        if (from > 0) {
                            finished.set(true);
                        }
                    });
                } catch (Throwable t) {
                    thrown[0] = t;
                    doneWhenThrown[0] = finished.get();
                }
            });
            caller.start();
            started.await();
            // the caller waits for the parts (parked in Future.get) before it is interrupted: had it not got there yet, it
            // could find the parts done and never look at the interrupt
            while (!waitingForAPart(caller)) {
                Thread.sleep(1);
            }
            caller.interrupt(); // before the parts can end: the caller is interrupted while they run
            // the parts end only once the caller has taken the interrupt (Future.get cleared the flag and threw) and waits
            // again: parts that ended first would let get return before it looks at the flag
            while (caller.isInterrupted() || !waitingForAPart(caller)) {
                Thread.sleep(1);
            }
            release.countDown();
            caller.join();
            assertTrue(thrown[0] instanceof CancellationException, String.valueOf(thrown[0]));
            assertTrue(doneWhenThrown[0], "the caller returned before a part had finished");
        }
    }

    /** Whether {@code t} is parked in Future.get (a submit can park too, on the pool's lock). */
    private static boolean waitingForAPart(Thread t) {
        return t.getState() == Thread.State.WAITING && java.util.Arrays.stream(t.getStackTrace())
                .anyMatch(f -> f.getClassName().equals("java.util.concurrent.FutureTask") && f.getMethodName().equals("get"));
    }

    @Test
    void mapGivesEachPartsResultInRowOrder() {
        try (RowWorkers w = RowWorkers.libtorch(2)) {
            assertEquals(java.util.List.of("0:20", "20:40"), w.map(40, 16, (from, to) -> from + ":" + to));
            assertEquals(java.util.List.of("0:31"), w.map(31, 16, (from, to) -> from + ":" + to), "fewer than 2 x 16 rows");
            assertEquals(1, w.parts(31, 16));
            assertEquals(2, w.parts(4096, 16), "no more parts than workers");
            assertEquals(2, w.workers());
        }
        try (RowWorkers none = RowWorkers.libtorch(1)) {
            assertEquals(java.util.List.of(Thread.currentThread().getName()), none.map(500, 16,
                    (from, to) -> Thread.currentThread().getName()), "no workers: on the caller");
            assertEquals(1, none.workers());
        }
    }

    @Test
    void closeStopsTheWorkers() throws Exception {
        RowWorkers w = RowWorkers.libtorch(2);
        ConcurrentLinkedQueue<Thread> workers = new ConcurrentLinkedQueue<>();
        w.forEach(500, (from, to) -> workers.add(Thread.currentThread()));
        assertEquals(2, workers.size());
        w.close();
        for (Thread t : workers) {
            t.join(60_000);
            assertTrue(!t.isAlive(), t.getName() + " still runs after close");
        }
    }
}
