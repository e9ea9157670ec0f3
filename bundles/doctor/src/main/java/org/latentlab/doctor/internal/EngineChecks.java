package org.latentlab.doctor.internal;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Loads each native engine of the launcher class path once and runs a tiny computation on it, each on
 * its own daemon thread with a time limit, so a native library that hangs cannot hang {@code doctor}.
 */
final class EngineChecks {

    private EngineChecks() {}

    static Check pytorch(Duration timeout) {
        return probe("PyTorch", timeout, () -> djl("PyTorch", true));
    }

    static Check onnxRuntime(Duration timeout) {
        return probe("OnnxRuntime", timeout, () -> djl("OnnxRuntime", false));
    }

    static Check nd4j(Duration timeout) {
        return probe("ND4J", timeout, EngineChecks::nd4j);
    }

    /** Runs {@code load} with the time limit; its answer (a version) makes an OK line, anything else a WARN or FAIL. */
    static Check probe(String engine, Duration timeout, Callable<String> load) {
        FutureTask<String> task = new FutureTask<>(load);
        Thread t = new Thread(task, "doctor-" + engine);
        t.setDaemon(true); // left behind if it hangs; the process still exits
        t.start();
        try {
            return Check.ok("engine", engine + " " + task.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Check.warn("engine", engine + " did not load within " + timeout.toSeconds() + " s; the first load unpacks "
                    + "native libraries into the data folder's cache/, run doctor again (or with --timeout SECONDS)");
        } catch (ExecutionException e) {
            return Check.fail("engine", engine + " does not load: " + Problems.oneLine(e.getCause()) + "; models on this "
                    + "engine cannot run (check the distribution's lib/ folder and that cache/ in the data folder is writable)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Check.warn("engine", engine + ": interrupted before it loaded");
        }
    }

    private static String djl(String name, boolean compute) throws Exception {
        Thread t = Thread.currentThread();
        t.setContextClassLoader(ai.djl.engine.Engine.class.getClassLoader()); // DJL finds engines through it
        ai.djl.engine.Engine engine = ai.djl.engine.Engine.getEngine(name);
        if (compute) {
            try (ai.djl.ndarray.NDManager m = engine.newBaseManager()) {
                float sum = m.create(new float[] {1, 2, 3}).sum().getFloat();
                if (sum != 6f) {
                    throw new IllegalStateException("1 + 2 + 3 gave " + sum);
                }
            }
        }
        return engine.getVersion();
    }

    private static String nd4j() {
        Thread t = Thread.currentThread();
        t.setContextClassLoader(org.nd4j.linalg.factory.Nd4j.class.getClassLoader()); // ND4J finds its backend through it
        org.nd4j.linalg.api.ndarray.INDArray a = org.nd4j.linalg.factory.Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}});
        float d = a.mmul(a).getFloat(0, 0); // 1*1 + 2*3
        if (d != 7f) {
            throw new IllegalStateException("a 2x2 matrix product gave " + d + " instead of 7");
        }
        return org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName() + ", "
                + org.nd4j.linalg.factory.Nd4j.factory().blas().getBlasVendor();
    }
}
