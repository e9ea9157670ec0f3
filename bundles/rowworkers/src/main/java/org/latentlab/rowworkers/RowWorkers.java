package org.latentlab.rowworkers;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.latentlab.api.LatentLabException;

/**
 * libtorch calls on rows split across threads, each with one intra-op thread, instead of one call whose operations
 * libtorch splits across its OpenMP threads. Rows of the latent map do not interact, so the parts can run side by side;
 * what this saves is OpenMP's fork and join at every operation, which the launcher's OMP_WAIT_POLICY=PASSIVE (sleeping
 * threads, right for a shared machine) makes expensive: each join wakes a sleeping thread. Measured standalone on the
 * 784-512-256-32 MLP with PASSIVE (2026-12-05, 2 cores): float32 in blocks of 512 rows 90,700 seed-steps/s with 2
 * intra-op threads against 126,800–130,500 with two threads of one; bfloat16 in blocks of 2048 265,000–383,000
 * against 471,000–522,000.
 *
 * <p>Also the threads of training's written-out step (the batch split into parts of rows, {@link #map}).
 *
 * <p>One instance per loaded model, closed with it (its threads are the model's; a bundle update never leaves threads
 * behind). Each worker sets, on itself, what libtorch keeps per thread: one intra-op thread (OpenMP's and MKL's
 * thread counts are per thread), grad mode off (inference; the model's parameters may require gradients for autograd
 * Jacobians, which run on the job's own thread), and the class loader DJL needs.
 */
public final class RowWorkers implements AutoCloseable {

    /** Rows per worker at least: fewer rows go to fewer workers. */
    public static final int MIN_ROWS_PER_WORKER = 64;
    /** System property: workers per model (default: libtorch's intra-op threads; 1 turns this off). */
    public static final String PROPERTY = "latentlab.libtorch.rowWorkers";

    private final int workers;
    private final ExecutorService pool;

    /** {@code workers} libtorch workers (one intra-op thread each, grad mode off); no threads when fewer than 2. */
    public static RowWorkers libtorch(int workers) {
        return new RowWorkers(workers, JniUtils.getNumThreads());
    }

    /**
     * libtorch keeps the intra-op thread count per thread, but at::set_num_threads also stores it as the count a thread
     * takes when it first uses libtorch: each worker first takes the current count, then sets its own to one, and the
     * caller's count ({@code saved}) is then set back, so that threads which start libtorch later (the next job's) keep
     * it rather than one.
     */
    private RowWorkers(int workers, int saved) {
        this(workers, "libtorch", () -> {
            JniUtils.getNumThreads();
            JniUtils.setNumThreads(1);
            JniUtils.setGradMode(false);
        });
        if (pool != null) {
            JniUtils.setNumThreads(saved);
        }
    }

    /**
     * {@code workers} threads named after {@code engine}, each running {@code init} on itself first (with DJL's class
     * loader as its context loader), all started and initialised when this returns; no threads when fewer than 2.
     */
    public RowWorkers(int workers, String engine, Runnable init) {
        this.workers = workers;
        if (workers < 2) {
            this.pool = null;
            return;
        }
        AtomicInteger n = new AtomicInteger();
        ClassLoader engineLoader = Engine.class.getClassLoader();
        CountDownLatch ready = new CountDownLatch(workers);
        ThreadPoolExecutor p = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(() -> {
                        Thread.currentThread().setContextClassLoader(engineLoader);
                        try {
                            init.run();
                        } finally {
                            ready.countDown();
                        }
                        r.run();
                    }, "latentlab-" + engine + "-rows-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.pool = p;
        p.prestartAllCoreThreads();
        boolean interrupted = false;
        while (true) {
            try {
                ready.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Workers for a model: {@value #PROPERTY}, else libtorch's intra-op thread count on the calling thread. */
    public static RowWorkers create() {
        return libtorch(configured());
    }

    /** {@value #PROPERTY} when set, else libtorch's intra-op thread count on the calling thread; at most the cores. */
    public static int configured() {
        Integer set = Integer.getInteger(PROPERTY);
        return cappedAtCores(set != null ? set : JniUtils.getNumThreads());
    }

    /**
     * The most workers {@link #configured} can give, without asking libtorch (whose intra-op threads do not exceed the
     * cores): {@value #PROPERTY} when set, else the cores; at most the cores. For checks made before the engine loads.
     */
    public static int atMost() {
        Integer set = Integer.getInteger(PROPERTY);
        return cappedAtCores(set != null ? set : Integer.MAX_VALUE);
    }

    private static int cappedAtCores(int w) {
        return Math.max(1, Math.min(w, Runtime.getRuntime().availableProcessors()));
    }

    /** Threads (1 when the parts run on the caller). */
    public int workers() {
        return pool == null ? 1 : workers;
    }

    /** One part of the rows [from, to). */
    public interface Part {
        void run(int from, int to);
    }

    /** One part of the rows [from, to), with a result. */
    public interface PartResult<T> {
        T run(int from, int to);
    }

    /** The parts {@code n} rows are split into: one per worker, at least {@code minRows} rows each (one part at least). */
    public int parts(long n, int minRows) {
        return pool == null ? 1 : parts(n, minRows, workers);
    }

    /** The parts {@code n} rows are split into by {@code workers} workers, at least {@code minRows} rows each. */
    public static int parts(long n, int minRows, int workers) {
        return (int) Math.max(1, Math.min(workers, n / Math.max(1, minRows)));
    }

    /**
     * Runs {@code part} on [0, n) split into equal contiguous parts, one per worker (at least
     * {@link #MIN_ROWS_PER_WORKER} rows each), and waits for all; on the calling thread when there are no workers. The
     * parts must write disjoint places.
     */
    public void forEach(int n, Part part) {
        map(n, MIN_ROWS_PER_WORKER, (from, to) -> {
            part.run(from, to);
            return null;
        });
    }

    /**
     * The results of {@code part} on [0, n) split into {@link #parts(long, int)} equal contiguous parts, in row order;
     * the parts run on the workers (even one part: on the caller's thread libtorch would split each operation across its
     * sleeping OpenMP threads, and a call of a few rows is all fork and join), on the calling thread when there are no
     * workers. Every part is waited for, also when this thread is interrupted (a cancelled job: the model is closed as
     * soon as the job ends, and a part still running in libtorch would then compute on freed tensors) or a part fails;
     * then a {@link CancellationException} or the first part's failure as it is.
     */
    public <T> List<T> map(int n, int minRows, PartResult<T> part) {
        if (pool == null) {
            return java.util.Collections.singletonList(part.run(0, n));
        }
        int w = parts(n, minRows);
        List<Future<T>> running = new ArrayList<>(w);
        RuntimeException refused = null;
        try {
            for (int p = 0; p < w; p++) {
                int from = (int) ((long) n * p / w);
                int to = (int) ((long) n * (p + 1) / w);
                running.add(pool.submit(() -> part.run(from, to)));
            }
        } catch (RuntimeException e) { // not submitted (the pool closed): the parts already running are waited for
            refused = e;
        }
        List<T> results = new ArrayList<>(w);
        Throwable failed = refused;
        boolean interrupted = false;
        for (Future<T> f : running) {
            while (true) {
                try {
                    results.add(f.get());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (failed == null) {
                        failed = e.getCause();
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while the model ran");
        }
        if (failed instanceof RuntimeException re) {
            throw re;
        }
        if (failed instanceof Error err) {
            throw err;
        }
        if (failed != null) { // a checked exception thrown past the compiler
            throw new LatentLabException(failed.getClass().getSimpleName() + ": " + failed.getMessage(), failed);
        }
        return results;
    }

    /**
     * Stops the workers once their current part (if any) is done; waits for that, at most a minute (a caller of
     * {@link #map} has waited for its parts already; this bounds a close from elsewhere, a bundle update).
     */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
            try {
                pool.awaitTermination(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
