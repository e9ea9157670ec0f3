package org.latentlab.engine.internal;

import java.util.Locale;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;

/**
 * What a job will hold in the Java heap, estimated before it runs, so a request that cannot fit is
 * refused at once with what it needs and what to change, instead of dying of OutOfMemoryError an
 * hour in. The numbers are upper-bound estimates of the engine's own arrays; native memory of the
 * engines (libtorch, ONNX Runtime) is not in the Java heap and not counted.
 */
final class MemoryBudget {

    /** Per seed held in memory: the seed row, its end point and trajectory record, the clustering copy, labels. */
    static long perSeedBytes(int k) {
        return 4L * k * 4 + 160;
    }

    /** Per model row: input batch in Java, its copy to the engine, the decoded batch, the re-encoded batch. */
    static long perModelRowBytes(long inputSize, int k) {
        return 4L * inputSize * 3 + 4L * k * 4;
    }

    /** The heap this job may still use: the maximum heap less what is in use now, with a margin. */
    static long available() {
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        return Math.max(0, (long) (rt.maxMemory() * 0.85) - used);
    }

    /**
     * The heap left for work that needs {@code need} bytes. The quick estimate counts garbage not yet collected as
     * used (a lab that has just started, a seed file just checked row by row), so when it falls short the heap is
     * collected once and measured again: whether a request is refused must not depend on when the collector last ran
     * (with -Xmx96m the same 300,000 seeds were refused or run from one try to the next).
     */
    static long available(long need) {
        return available(need, MemoryBudget::available, System::gc);
    }

    static long available(long need, java.util.function.LongSupplier measure, Runnable collect) {
        long a = measure.getAsLong();
        if (a >= need) {
            return a;
        }
        collect.run();
        return Math.max(a, measure.getAsLong());
    }

    private MemoryBudget() {}

    /**
     * Refuses {@code seeds} seeds of dimension {@code k} when the part of them held in memory at once (all of them
     * up to {@code inMemory}, about {@code inMemory} above it: the rest stream to disk) cannot fit in one array or in
     * the heap left, with a message that says how many would fit.
     */
    static void checkSeeds(String origin, long seeds, int k, int chunkSize, int inMemory, long available) {
        long held = heldSeeds(seeds, chunkSize, inMemory);
        Tensor.checkedSize(origin + ": " + held + " seeds of dimension " + k, held, k);
        long need = seedBytes(seeds, k, chunkSize, inMemory);
        if (need > available) {
            long fit = Math.max(0, (available - (long) chunkSize * 4L * k * 8) / perSeedBytes(k));
            if (seeds > inMemory) {
                throw new LatentLabException(String.format(Locale.ROOT, "%s: %,d seeds of dimension %d run in parts of about "
                        + "%,d seeds, which need about %s of memory, but this lab can use %s; set inMemorySeeds to at most about "
                        + "%,d (DATA/etc/org.latentlab.engine.cfg), or give Java more heap (LATENTLAB_JAVA_OPTS=-Xmx...)",
                        origin, seeds, k, held, bytes(need), bytes(available), fit));
            }
            throw new LatentLabException(String.format(Locale.ROOT,
                    "%s: %,d seeds of dimension %d need about %s of memory, but this lab can use %s; use at most "
                            + "about %,d seeds per job, or give Java more heap (LATENTLAB_JAVA_OPTS=-Xmx...)",
                    origin, seeds, k, bytes(need), bytes(available), fit));
        }
    }

    /** Seeds held in memory at once: all of them up to {@code inMemory}, about {@code inMemory} above it. */
    private static long heldSeeds(long seeds, int chunkSize, int inMemory) {
        return seeds <= inMemory ? seeds : Math.min(seeds, (long) inMemory + chunkSize);
    }

    /** What {@link #checkSeeds} asks of the heap (saturating: a count too large for one array is refused there). */
    static long seedBytes(long seeds, int k, int chunkSize, int inMemory) {
        long held = heldSeeds(seeds, chunkSize, inMemory);
        long per = perSeedBytes(k);
        long rows = held > Long.MAX_VALUE / 2 / per ? Long.MAX_VALUE / 2 : held * per;
        return rows + (long) Math.min(seeds, chunkSize) * 4L * k * 8;
    }

    /** Per seed on disk above the in-memory limit: seed and end point rows, and the per-seed columns. */
    static long perSeedDiskBytes(int k) {
        return 8L * k + 38;
    }

    /**
     * Refuses a run above the in-memory limit whose per-seed files (streamed into the output's staging folder) would
     * take more than half the free space of {@code outDir}'s file system, instead of filling the disk hours in: the
     * disk is shared (other jobs, the exporters, the rest of the machine), and a careless seed count (one zero too
     * many) must be refused before it writes, not after it has filled the disk.
     */
    static void checkDisk(String origin, long seeds, int k, int inMemory, java.nio.file.Path outDir) {
        if (seeds <= inMemory) {
            return;
        }
        java.nio.file.Path at = outDir.toAbsolutePath();
        while (at != null && !java.nio.file.Files.exists(at)) {
            at = at.getParent();
        }
        long free;
        try {
            free = at == null ? Long.MAX_VALUE : java.nio.file.Files.getFileStore(at).getUsableSpace();
        } catch (java.io.IOException e) {
            return; // the job reports an unwritable folder with its own message
        }
        long need = seeds > Long.MAX_VALUE / perSeedDiskBytes(k) ? Long.MAX_VALUE : seeds * perSeedDiskBytes(k);
        if (need > free / 2) {
            throw new LatentLabException(String.format(Locale.ROOT, "%s: %,d seeds of dimension %d stream about %s of per-seed "
                    + "results to disk, but %s has %s free and a run may use at most half of it; use fewer seeds or another "
                    + "--out", origin, seeds, k, bytes(need), at, bytes(free)));
        }
    }

    /**
     * Input values one native call takes at most, unless that is fewer than {@link #NATIVE_MIN_ROWS} rows: the engines
     * allocate a call's activations outside the Java heap, where nothing budgets them (a convolutional model's are many
     * times its input), so larger inputs keep the batch they had before the default rose to 4,096 rows
     * ({@link ModelBatch#DEFAULT}): 4,096 rows of up to 1,024 values, 1,024 rows from 4,096 values on.
     */
    static final long NATIVE_VALUES = 4096L * 1024;
    static final int NATIVE_MIN_ROWS = 1024;

    /**
     * The model batch to use: the configured one, lowered so that one batch fits in an array and in a
     * quarter of the heap left, and to {@link #NATIVE_VALUES} input values (at least {@link #NATIVE_MIN_ROWS} rows);
     * refuses a model whose single input does not fit.
     */
    static int modelBatch(String model, long inputSize, int k, int configured, long available) {
        long perRow = perModelRowBytes(inputSize, k);
        long byMemory = available / 4 / perRow;
        long byArray = Tensor.MAX_VALUES / Math.max(inputSize, k);
        long byNative = Math.max(NATIVE_MIN_ROWS, NATIVE_VALUES / Math.max(1, inputSize));
        long batch = Math.min(Math.min(configured, byNative), Math.min(byMemory, byArray));
        if (batch < 1) {
            throw new LatentLabException(String.format(Locale.ROOT,
                    "model '%s': one input of %,d values needs about %s of memory per model call, but this lab can use %s; "
                            + "check inputShape in model.json, or give Java more heap (LATENTLAB_JAVA_OPTS=-Xmx...)",
                    model, inputSize, bytes(perRow), bytes(available)));
        }
        return (int) batch;
    }

    static String bytes(long b) {
        if (b >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GB", b / (double) (1L << 30));
        }
        return String.format(Locale.ROOT, "%.0f MB", Math.max(1, b / (double) (1L << 20)));
    }
}
