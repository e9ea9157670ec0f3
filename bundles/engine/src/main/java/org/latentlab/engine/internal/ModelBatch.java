package org.latentlab.engine.internal;

import java.util.Locale;
import org.latentlab.api.LatentLabException;

/**
 * The number of rows one native model call takes, lowered while a job runs when the engine cannot allocate a
 * call's memory: a large model (a 3×256×256 input is 786 KB a row; its activations many times that) fails at a
 * batch the heap estimate allowed, because the engines allocate outside the Java heap. The failed rows are run
 * again at half the batch, so the results are those of the original batch; a model whose single row cannot be
 * allocated is refused with what to change. One instance per job, shared by everything that calls the model.
 */
final class ModelBatch {

    /**
     * Rows per native call unless configured ({@code modelBatch}): a call of 4,096 rows reaches the backend whole (the
     * engine iterates 4,096 seeds at a time), so libtorch's row workers each take 2,048 rows instead of 512. Measured on
     * the side-by-side MLP (10^4 seeds, three interleaved pairs, 2026-12-06): anderson capture mixed 2,472-2,633 ms
     * against 2,647-2,772 with 1,024; picard 6,713-6,947 against 7,015-7,344. Large inputs lower it before a job starts
     * ({@link MemoryBudget#modelBatch}).
     */
    static final int DEFAULT = 4096;

    /** Rows [from, to) of a batched call. */
    interface Rows {
        void run(int from, int to);
    }

    private final String model;
    private volatile int size;
    private volatile int lowered;

    ModelBatch(String model, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("model batch must be >= 1, got " + size);
        }
        this.model = model;
        this.size = size;
    }

    /** The rows per call now. */
    int size() {
        return size;
    }

    /** How often the batch was halved. */
    int lowered() {
        return lowered;
    }

    /**
     * Runs {@code call} over [0, n) in order, at most {@link #size()} rows a call; a call that fails for want of
     * memory is run again on half as many rows, down to one.
     */
    void forEach(int n, Rows call) {
        int from = 0;
        while (from < n) {
            int to = Math.min(n, from + size);
            try {
                call.run(from, to);
                from = to;
            } catch (RuntimeException | OutOfMemoryError e) {
                if (!isAllocationFailure(e)) {
                    throw e;
                }
                if (to - from <= 1) {
                    throw new LatentLabException(String.format(Locale.ROOT,
                            "model '%s': the engine cannot allocate the memory for even one input (%s); free memory, "
                                    + "run on a machine with more, or use a smaller model", model, firstLine(e)), e);
                }
                synchronized (this) {
                    size = Math.max(1, Math.min(size, (to - from) / 2));
                    lowered++;
                }
            }
        }
    }

    /**
     * Whether {@code t} (or a cause) says memory could not be allocated: Java's OutOfMemoryError, libtorch's
     * "not enough memory" / "can't allocate memory" / bad_alloc, ONNX Runtime's "Failed to allocate memory".
     */
    static boolean isAllocationFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof OutOfMemoryError) {
                return true;
            }
            String m = c.getMessage();
            if (m != null) {
                String s = m.toLowerCase(Locale.ROOT);
                if (s.contains("not enough memory") || s.contains("can't allocate memory") || s.contains("bad_alloc")
                        || s.contains("bad allocation") || s.contains("failed to allocate") || s.contains("out of memory")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
