package org.latentlab.backend.djl.internal;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.rowworkers.RowWorkers;

/**
 * An autoencoder whose encoder and decoder files run on a DJL engine ({@code OnnxRuntime} or
 * {@code PyTorch}). DJL is on the launcher class path; it finds its engines through the thread
 * context class loader, which every call here sets. Loading checks both networks on a one-row probe
 * so a wrong latent width or output shape is reported before any analysis starts.
 */
final class DjlLatentModel implements LatentModel {

    private final ModelSpec spec;
    /** Rows per libtorch call of latentSteps, fixed at load (the system property as it was then). */
    private final int blockRows;
    private final String engine;
    private final Model encoderModel;
    private final Model decoderModel;
    private final Predictor<NDList, NDList> encoder;
    private final Predictor<NDList, NDList> decoder;
    private final NDManager manager;
    /** Rows per libtorch call of latentSteps on the oneDNN modules ({@link #oneDnnBlockRows}), fixed at load. */
    private final int oneDnnBlockRows;
    /** Rows side by side in libtorch (PyTorch engine only). */
    private final RowWorkers workers;
    /**
     * The modules with float32 linear layers on oneDNN ({@link OneDnnFloat32}), which then compute every map, encode and
     * decode; null where not made. Autograd keeps the modules of {@link #encoderModel} and {@link #decoderModel}.
     */
    private volatile OneDnnFloat32 onednn;

    /** Whether the float32 map runs on the oneDNN modules ({@link OneDnnFloat32}), for tests. */
    boolean onednn() {
        return onednn != null;
    }

    /** The oneDNN modules, or null, for tests. */
    OneDnnFloat32 onednnModules() {
        return onednn;
    }

    private DjlLatentModel(ModelSpec spec, String engine, Model em, Model dm) {
        this.spec = spec;
        this.blockRows = DjlLatentModel.blockRows(spec.inputSize());
        this.oneDnnBlockRows = DjlLatentModel.oneDnnBlockRows(spec.inputSize(),
                keptBytes(System.getProperty("os.name"), System.getenv()));
        this.engine = engine;
        this.encoderModel = em;
        this.decoderModel = dm;
        this.encoder = em.newPredictor(new NoopTranslator());
        this.decoder = dm.newPredictor(new NoopTranslator());
        this.manager = NDManager.newBaseManager(engine);
        this.workers = "PyTorch".equals(engine) ? RowWorkers.create() : null;
    }

    /**
     * Loads and probes a model.
     *
     * @param engine DJL engine name, {@code OnnxRuntime} or {@code PyTorch}
     * @throws LatentLabException naming the file and the problem
     */
    public static DjlLatentModel load(ModelSpec spec, String engine) {
        Model em = loadOne(spec.encoderFile(), engine, "encoder");
        Model dm;
        try {
            dm = loadOne(spec.decoderFile(), engine, "decoder");
        } catch (RuntimeException e) {
            em.close();
            throw e;
        }
        DjlLatentModel m = withEngine(() -> new DjlLatentModel(spec, engine, em, dm), "model " + spec.folder());
        try { // probe both networks with one zero row, so shape mismatches are reported before any analysis
            int[] in = spec.batchShape(1);
            probe(() -> m.encode(new Tensor(in, new float[spec.inputSize()])), "encoder " + spec.encoderFile()
                    + " rejected an input of shape " + Arrays.toString(in) + " (inputShape in model.json)");
            probe(() -> m.decode(Tensor.matrix(1, spec.latentDim(), new float[spec.latentDim()])), "decoder "
                    + spec.decoderFile() + " rejected a latent of shape [1, " + spec.latentDim() + "] (latentDim in model.json)");
            if ("PyTorch".equals(engine)) {
                try { // an optional speed-up: whatever goes wrong making it, the model runs as it is
                    m.onednn = withEngine(() -> OneDnnFloat32.create(spec, z -> m.latentSteps(z, 1), m.manager,
                            m.oneDnnBlockRows, m.workers, (ai.djl.pytorch.engine.PtSymbolBlock) em.getBlock(),
                            (ai.djl.pytorch.engine.PtSymbolBlock) dm.getBlock()), "float32 oneDNN modules of " + spec.name())
                            .orElse(null);
                } catch (RuntimeException | LinkageError | StackOverflowError | OutOfMemoryError | AssertionError e) {
                    OneDnnFloat32.unavailable = "the fused float32 modules could not be made: " + EngineMessages.summary(e);
                }
            }
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    private static void probe(Runnable call, String what) {
        try {
            call.run();
        } catch (LatentLabException e) {
            if (e.getMessage().contains("returned shape")) {
                throw e; // already says what is wrong
            }
            Throwable root = e.getCause() == null ? e : e.getCause();
            throw new LatentLabException(what + ": " + firstLine(root), e);
        }
    }

    private static Model loadOne(Path file, String engine, String role) {
        if (!Files.isRegularFile(file)) {
            throw new LatentLabException(role + " file " + file + " does not exist");
        }
        String name = file.getFileName().toString();
        String prefix = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
        return withEngine(() -> {
            Model m = Model.newInstance(prefix, engine);
            try {
                // PyTorch: load parameters as ordinary tensors (not inference tensors) so autograd can use them
                m.load(file.getParent(), prefix, "PyTorch".equals(engine) ? java.util.Map.of("trainParam", "true") : null);
                return m;
            } catch (Exception | Error e) {
                m.close();
                throw new LatentLabException(role + " file " + file + " could not be loaded by " + engine + ": "
                        + firstLine(e), e);
            }
        }, role + " " + file);
    }

    private static String firstLine(Throwable e) {
        return EngineMessages.summary(e);
    }

    /** Runs DJL work with the thread context class loader DJL needs; errors become a LatentLabException naming {@code what}. */
    public static <T> T withEngine(Callable<T> work, String what) {
        Thread t = Thread.currentThread();
        ClassLoader saved = t.getContextClassLoader();
        t.setContextClassLoader(Engine.class.getClassLoader());
        try {
            return work.call();
        } catch (LatentLabException e) {
            throw e;
        } catch (Exception e) {
            if (System.getenv("LATENTLAB_DEBUG") != null) {
                e.printStackTrace();
            }
            throw new LatentLabException((what == null ? "" : what + ": ") + firstLine(e), e);
        } finally {
            t.setContextClassLoader(saved);
        }
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public Tensor encode(Tensor inputs) {
        if (inputs.width() != spec.inputSize()) {
            throw new LatentLabException("inputs of shape " + Arrays.toString(inputs.shape()) + " do not match model input "
                    + Arrays.toString(spec.inputShape()));
        }
        int[] inShape = new int[spec.inputShape().length + 1];
        inShape[0] = inputs.rows();
        System.arraycopy(spec.inputShape(), 0, inShape, 1, spec.inputShape().length);
        OneDnnFloat32 fused = onednn;
        Tensor z = run(encoder, fused == null ? null : fused.encoder, inputs.data(), inShape, spec.encoder());
        if (z.width() != spec.latentDim() || z.rows() != inputs.rows()) {
            throw new LatentLabException("encoder " + spec.encoderFile() + " returned shape " + Arrays.toString(z.shape())
                    + " for " + inputs.rows() + " inputs; model.json says latentDim " + spec.latentDim());
        }
        return Tensor.matrix(inputs.rows(), spec.latentDim(), z.data());
    }

    @Override
    public Tensor decode(Tensor latents) {
        if (latents.width() != spec.latentDim()) {
            throw new LatentLabException("latents of width " + latents.width() + " do not match latentDim " + spec.latentDim());
        }
        OneDnnFloat32 fused = onednn;
        Tensor x = run(decoder, fused == null ? null : fused.decoder, latents.data(), new int[] {latents.rows(),
                spec.latentDim()}, spec.decoder());
        if (x.width() != spec.inputSize() || x.rows() != latents.rows()) {
            throw new LatentLabException("decoder " + spec.decoderFile() + " returned shape " + Arrays.toString(x.shape())
                    + " for " + latents.rows() + " latents; model.json says inputShape " + Arrays.toString(spec.inputShape()));
        }
        int[] shape = new int[spec.inputShape().length + 1];
        shape[0] = latents.rows();
        System.arraycopy(spec.inputShape(), 0, shape, 1, spec.inputShape().length);
        return new Tensor(shape, x.data());
    }

    /** One network on {@code data}: through {@code fused} where given, else the predictor. */
    private Tensor run(Predictor<NDList, NDList> p, ai.djl.pytorch.engine.PtSymbolBlock fused, float[] data, int[] shape,
            String file) {
        return withEngine(() -> {
            try (NDManager scope = manager.newSubManager()) {
                long[] s = Arrays.stream(shape).asLongStream().toArray();
                NDArray in = scope.create(data, new Shape(s));
                NDList out = fused != null ? ai.djl.pytorch.jni.IValueUtils.forward(fused, new NDList(in), false)
                        : p.predict(new NDList(in));
                if (out.isEmpty()) {
                    throw new LatentLabException(file + " produced no output");
                }
                NDArray y = out.get(0);
                long[] ys = y.getShape().getShape();
                float[] values = y.toFloatArray();
                out.close();
                int[] is = Arrays.stream(ys).mapToInt(v -> (int) v).toArray();
                if (is.length == 0) {
                    is = new int[] {1};
                }
                return new Tensor(is, values);
            }
        }, file);
    }

    /**
     * With the PyTorch engine, f = E∘D through both TorchScript modules back to back in libtorch: the decoded
     * inputs never reach Java, and several steps take one call. Other engines: decode and encode per step.
     */
    @Override
    public Tensor latentSteps(Tensor latents, int steps) {
        if (!"PyTorch".equals(engine)) {
            return LatentModel.super.latentSteps(latents, steps);
        }
        int k = spec.latentDim();
        if (latents.width() != k) {
            throw new LatentLabException("latents of width " + latents.width() + " do not match latentDim " + k);
        }
        ai.djl.training.ParameterStore ps = new ai.djl.training.ParameterStore(manager, false);
        OneDnnFloat32 fused = onednn;
        return withEngine(() -> steps(manager, latents, steps, k, fused != null ? oneDnnBlockRows : blockRows,
                fused != null ? OneDnnFloat32.ROW_PADDING : RowPadding.NONE,
                workers, z -> {
            if (fused != null) {
                return fused.map(z);
            }
            NDList x = decoderModel.getBlock().forward(ps, new NDList(z), false);
            if (x.isEmpty()) {
                throw new LatentLabException(spec.decoder() + " produced no output");
            }
            NDList y = encoderModel.getBlock().forward(ps, new NDList(x.get(0)), false);
            if (y.isEmpty()) {
                throw new LatentLabException(spec.encoder() + " produced no output");
            }
            return y.get(0);
        }, "encoder " + spec.encoderFile()), "latent map of " + spec.name());
    }

    /**
     * System property: rows per libtorch call of {@link #steps} (default: {@link #blockRows(int)}, on the oneDNN modules
     * {@link #oneDnnBlockRows}).
     */
    static final String BLOCK = "latentlab.libtorch.blockRows";
    /**
     * Measured (runtime/benchmarks/run.sh roundrobin, 784-512-256-32 MLP, 2026-12-05): whole calls of 4096 rows against
     * the same rows in calls of 512, round-robin in one process: 1.14x the seed-steps per second (CPU per seed-step 16.6
     * against 18.1 µs); at 1024 rows 0.99x. Blocks of 256 lost at 1024 (0.92x). Rows of a block and its layers'
     * intermediates stay in cache across the block's steps.
     */
    static final int BLOCK_ROWS = 512;
    /**
     * The decoded rows of one block at most: 512 rows of 784 floats, the MLP's best. A model with big inputs takes fewer
     * rows per block: the conv fixture (3×128×128, 196 KB a row) ran 1,399 seed-steps/s in calls of 16 rows and 458 in
     * calls of 256 (runtime/benchmarks/conv-speed.sh).
     */
    static final long BLOCK_BYTES = 4L * 784 * BLOCK_ROWS;

    /** Rows per block for inputs of {@code inputSize} values: the system property, else {@link #BLOCK_BYTES} of them. */
    static int blockRows(int inputSize) {
        return rows(inputSize, BLOCK_ROWS, BLOCK_BYTES);
    }

    /** The system property {@value #BLOCK}, else {@code maxRows} rows and at most {@code maxBytes} of decoded rows. */
    private static int rows(int inputSize, int maxRows, long maxBytes) {
        Integer set = Integer.getInteger(BLOCK);
        if (set != null) {
            return Math.max(1, set);
        }
        return (int) Math.max(1, Math.min(maxRows, maxBytes / (4L * Math.max(1, inputSize))));
    }

    /**
     * The decoded rows of one block at most on the float32 oneDNN modules ({@link OneDnnFloat32}): 2,048 rows of 784
     * floats. oneDNN prepares the weights it takes as they are at every call, and each call has its own set-up, so there
     * fewer, bigger calls win: at 4,096 rows (two workers of 2,048) blocks of 2,048 ran 1.08x [1.02-1.09] the seed-steps
     * per second of blocks of 512, CPU per seed-step 12.4 against 13.1 µs; at 8,192 rows 1.07x; at 256 and 1,024 rows
     * 1.0x (AMD EPYC, runtime/benchmarks/run.sh roundrobin, 2026-12-06). With the weights packed where they fill whole
     * blocks ({@link FusedLinearCode.Weights#PACKED_IN_WHOLE_BLOCKS}) they still win: 1.06x [1.00-1.15] at 4,096 rows, 1.05x
     * [1.04-1.08] at 8,192 (blocks of 1,024: 1.09x and 1.05x). MKL, which runs the model's own modules, measured
     * the other way on a Xeon ({@link #BLOCK_ROWS}). Models whose inputs have more than 784 values keep {@link
     * #blockRows(int)} ({@link #oneDnnBlockRows}).
     *
     * <p>Only where malloc keeps such blocks between calls ({@link #keptBytes}): without the launcher's settings the
     * same blocks of 2,048 ran at half the speed of blocks of 512 (58,000 against 120,000 seed-steps/s, CPU per
     * seed-step 27 against 15 µs: each call's activations faulted in again).
     */
    static final long ONEDNN_BLOCK_BYTES = 4L * 784 * 2048;
    static final int ONEDNN_BLOCK_ROWS = 2048;

    /**
     * Rows per block on the oneDNN modules: the system property {@value #BLOCK}; else {@link #ONEDNN_BLOCK_ROWS} where
     * {@link #blockRows(int)} is capped by rows, not bytes (inputs of at most 784 values: a model with big inputs, a
     * convolutional one with a linear layer say, keeps its blocks), and four times a block's decoded rows stay below
     * {@code keptBytes} (room for layers up to four times the input's width); else {@link #blockRows(int)}.
     */
    static int oneDnnBlockRows(int inputSize, long keptBytes) {
        int small = blockRows(inputSize);
        int big = rows(inputSize, ONEDNN_BLOCK_ROWS, ONEDNN_BLOCK_BYTES);
        boolean byRows = Integer.getInteger(BLOCK) == null && small == BLOCK_ROWS;
        return byRows && 4L * Float.BYTES * big * Math.max(1, inputSize) < keptBytes ? big : small;
    }

    /**
     * The size below which glibc's malloc keeps freed memory for the next call, from this process's environment: the
     * smaller of {@code MALLOC_MMAP_THRESHOLD_} (allocations at or above it are mapped afresh every time) and
     * {@code MALLOC_TRIM_THRESHOLD_} (free memory above it goes back to the kernel), both of which bin/latentlab sets
     * (32 and 64 MB) unless the user has. 0 (nothing assumed) off Linux, when either is unset or not a number, and when
     * the first is above 32 MiB, which glibc refuses on 64-bit machines: its thresholds then adapt, and blocks of
     * megabytes were measured to fault in again at every call.
     */
    static long keptBytes(String os, java.util.Map<String, String> env) {
        long mmap = bytes(env.get("MALLOC_MMAP_THRESHOLD_"));
        long trim = bytes(env.get("MALLOC_TRIM_THRESHOLD_"));
        if (os == null || !os.startsWith("Linux") || mmap > MMAP_THRESHOLD_MAX) {
            return 0;
        }
        return Math.min(mmap, trim);
    }

    /** glibc's largest {@code M_MMAP_THRESHOLD} on 64-bit machines (HEAP_MAX_SIZE / 2). */
    static final long MMAP_THRESHOLD_MAX = 32L << 20;

    private static long bytes(String value) {
        try {
            return value == null ? 0 : Math.max(0, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * {@code f} applied {@code steps} times to [n, k] latents inside one scope of {@code manager}: [steps, n, k].
     * Rows go {@code block} at a time, each block taking all its steps before the next (rows do not interact, so the
     * result is the same as one call per step on the whole batch). Each step's arrays (the decoded batch, the layers'
     * intermediates) are freed once the next step has its input.
     *
     * @param what names the network whose output is checked, for the message when it is not [n, k]
     */
    static Tensor steps(NDManager manager, Tensor latents, int steps, int k, int block,
            java.util.function.UnaryOperator<NDArray> f, String what) {
        return steps(manager, latents, steps, k, block, RowPadding.NONE, null, f, what);
    }

    /**
     * How a block's rows are padded with zero rows before the engine sees them (rows do not interact: the padding rows'
     * results are dropped), never beyond the block's size. oneDNN makes its kernels per shape, so a run whose calls each
     * have another row count (an analysis: seeds leave the batch as they converge) pays for a new kernel at nearly every
     * call, and fewer distinct shapes win.
     */
    enum RowPadding {
        /** The rows as they are. */
        NONE,
        /**
         * To the next power of two, at least 8: the bfloat16 version, whose kernels cost most to make (blocks of 824-1024
         * rows of varying count: 240,000 seed-steps/s against 466,000 at a fixed 1024).
         */
        POWER_OF_TWO,
        /**
         * Above 64 rows to the next multiple of 64, else to the next power of two (at least 8): the float32 oneDNN
         * modules ({@link OneDnnFloat32}). In an {@code anderson capture=true} analysis of 10^4 seeds, 999 of 2,529
         * oneDNN calls made a kernel (505 ms) unpadded, 194 (74 ms) padded, for 81 ms more arithmetic (AMD EPYC,
         * 2026-12-06, {@code ONEDNN_VERBOSE=profile_create,profile_exec}).
         */
        MULTIPLE_OF_64;

        /** The padded row count of a block of {@code rows} rows. */
        int rows(int rows) {
            if (this == NONE) {
                return rows;
            }
            int powerOfTwo = Math.max(8, Integer.highestOneBit(Math.max(1, rows - 1)) << 1);
            return this == MULTIPLE_OF_64 && rows > 64 ? Math.addExact(rows, 63) / 64 * 64 : powerOfTwo;
        }
    }

    /**
     * As {@link #steps(NDManager, Tensor, int, int, int, java.util.function.UnaryOperator, String)}, each block's rows
     * padded as {@code padding} says.
     */
    static Tensor steps(NDManager manager, Tensor latents, int steps, int k, int block, RowPadding padding,
            RowWorkers workers, java.util.function.UnaryOperator<NDArray> f, String what) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        int n = latents.rows();
        float[] out = Tensor.allocate("latent map steps", steps, n, k);
        float[] in = latents.data();
        // each part of the rows goes block by block; with workers, the parts run side by side (disjoint rows of out)
        RowWorkers.Part part = (lo, hi) -> blocks(manager, in, n, lo, hi, out, steps, k, block, padding, f, what);
        if (workers == null) {
            part.run(0, n);
        } else {
            workers.forEach(n, part);
        }
        return new Tensor(new int[] {steps, n, k}, out);
    }

    private static void blocks(NDManager manager, float[] in, int n, int lo, int hi, float[] out, int steps, int k, int block,
            RowPadding padding, java.util.function.UnaryOperator<NDArray> f, String what) {
        for (int from = lo; from < hi; from += block) {
            int rows = Math.min(block, hi - from);
            int padded = Math.max(rows, Math.min(padding.rows(rows), block)); // a whole block stays one shape, unpadded
            ByteBuffer rowsIn = input(in, from, rows, padded, k);
            try (NDManager scope = manager.newSubManager()) {
                NDArray z = scope.create(rowsIn, new Shape(padded, k), DataType.FLOAT32);
                for (int s = 0; s < steps; s++) {
                    try (NDManager step = scope.newSubManager()) {
                        z.attach(step); // z and everything computed from it belong to this step
                        NDArray y = f.apply(z);
                        if (y.size() != (long) padded * k) {
                            throw new LatentLabException(what + " returned shape " + y.getShape() + " for " + padded
                                    + " rows; model.json says latentDim " + k);
                        }
                        y.attach(scope); // kept: the next step's input
                        copyRows(y, out, (s * n + from) * k, rows * k);
                        z = y;
                    }
                }
            } finally {
                // libtorch may read the buffer in place (from_blob), and a map that returns a view of its input hands
                // it on to the next step: it must live until the block's last tensor is closed (a buffer too big to keep
                // is referenced from nowhere else)
                java.lang.ref.Reference.reachabilityFence(rowsIn);
            }
        }
    }

    /**
     * The direct buffer each thread fills with a block's rows, kept between calls. The engine copies a Java array into
     * a new direct buffer at every call (and {@code toFloatArray} copies the output twice, into two new arrays): in an
     * analysis, whose map calls take one step each, those buffers were a new megabyte or more per call, paid in page
     * faults and zeroing on the map's threads and in young collections (docs/performance.md, "Buffers kept").
     */
    private static final ThreadLocal<ByteBuffer> INPUT = new ThreadLocal<>();
    /** A thread keeps an input buffer of at most this many bytes (a model of latent 4096 at 512 rows: 8 MB). */
    static final int KEEP_INPUT_BYTES = 8 << 20;

    /** Rows [from, from + rows) of {@code in} in a direct buffer, zero rows after them up to {@code padded}. */
    static ByteBuffer input(float[] in, int from, int rows, int padded, int k) {
        int bytes = Math.multiplyExact(Math.multiplyExact(padded, k), Float.BYTES);
        ByteBuffer b = INPUT.get();
        if (b == null || b.capacity() < bytes) {
            b = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
            if (bytes <= KEEP_INPUT_BYTES) {
                INPUT.set(b);
            }
        }
        b.clear();
        FloatBuffer values = b.asFloatBuffer();
        values.put(in, from * k, rows * k);
        for (int i = rows * k; i < padded * k; i++) {
            values.put(0f); // padding rows
        }
        b.limit(bytes);
        return b;
    }

    /** The first {@code count} values of a float32 array into {@code out} at {@code offset}, read in place. */
    static void copyRows(NDArray y, float[] out, int offset, int count) {
        if (y.getDataType() != DataType.FLOAT32) {
            System.arraycopy(y.toFloatArray(), 0, out, offset, count); // (DJL's own message for other types)
            return;
        }
        y.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().get(out, offset, count);
    }

    /**
     * With the PyTorch engine: autograd through the TorchScript modules. Each point is repeated k
     * times; row i of copy a keeps only output i, so one backward pass of their sum yields every row
     * of every Jacobian. Other engines (ONNX Runtime) have no autodiff: empty.
     */
    @Override
    public java.util.Optional<Tensor> latentJacobian(Tensor points) {
        if (!"PyTorch".equals(engine)) {
            return java.util.Optional.empty();
        }
        // DJL runs TorchScript without autograd unless asked for a training forward; the engine checks the
        // result against a finite-difference directional derivative (train-mode layers would differ).
        return java.util.Optional.of(withEngine(() -> {
            freeze();
            return AutogradJacobian.of(engine, manager, points, z -> {
                ai.djl.training.ParameterStore ps = new ai.djl.training.ParameterStore(z.getManager(), false);
                NDArray x = decoderModel.getBlock().forward(ps, new NDList(z), true).singletonOrThrow();
                return encoderModel.getBlock().forward(ps, new NDList(x), true).singletonOrThrow();
            });
        }, "Jacobian of " + spec.name()));
    }

    private boolean frozen;
    private AutogradLinearization.Grad grad;

    /**
     * The TorchScript modules' parameters stop requiring gradients (they were loaded as trainable tensors so autograd
     * can pass through them): Jacobians need gradients with respect to the latents only, and weight gradients cost a
     * weight-sized buffer and a third of every backward pass. Once per model; engine thread.
     */
    private void freeze() {
        if (!frozen) {
            for (ai.djl.nn.Block b : new ai.djl.nn.Block[] {decoderModel.getBlock(), encoderModel.getBlock()}) {
                b.getParameters().values().forEach(p -> p.getArray().setRequiresGradient(false));
            }
            frozen = true;
        }
    }

    /**
     * With the PyTorch engine: JVPs and VJPs by autograd through both TorchScript modules, run in inference mode
     * (eval: dropout off, batch norm on its running statistics) with grad mode on, parameters frozen ({@link #freeze}).
     * Other engines: empty.
     */
    @Override
    public java.util.Optional<org.latentlab.api.model.LinearizedMap> linearize(Tensor points) {
        if (!"PyTorch".equals(engine)) {
            return java.util.Optional.empty();
        }
        if (points.width() != spec.latentDim()) {
            throw new LatentLabException("latents of width " + points.width() + " do not match latentDim " + spec.latentDim());
        }
        return java.util.Optional.of(withEngine(() -> {
            ai.djl.pytorch.engine.PtSymbolBlock dec = (ai.djl.pytorch.engine.PtSymbolBlock) decoderModel.getBlock();
            ai.djl.pytorch.engine.PtSymbolBlock enc = (ai.djl.pytorch.engine.PtSymbolBlock) encoderModel.getBlock();
            freeze();
            if (grad == null) {
                grad = AutogradLinearization.Grad.load(manager);
            }
            ai.djl.pytorch.jni.JniUtils.enableInferenceMode(dec);
            ai.djl.pytorch.jni.JniUtils.enableInferenceMode(enc);
            return AutogradLinearization.open("latent map of " + spec.name(), manager, grad, points, z -> {
                // isTrain = true only keeps autograd on; the modules stay in eval mode
                NDArray x = ai.djl.pytorch.jni.IValueUtils.forward(dec, new NDList(z), true).singletonOrThrow();
                return ai.djl.pytorch.jni.IValueUtils.forward(enc, new NDList(x), true).singletonOrThrow();
            });
        }, "linearising " + spec.name()));
    }

    private java.util.Optional<DjlLowPrecisionModel> low;

    /**
     * With the PyTorch engine: the bfloat16 version of both TorchScript modules ({@link DjlLowPrecisionModel}), made on
     * first use when the CPU has bfloat16 matrix instructions and it agrees with this model on a probe batch; closed
     * with this model. Other engines: empty (ONNX Runtime's CPU kernels have no bfloat16 matrix products on x86).
     */
    @Override
    public synchronized java.util.Optional<LatentModel> lowPrecision() {
        if (!"PyTorch".equals(engine)) {
            return java.util.Optional.empty();
        }
        if (low == null) {
            low = withEngine(() -> DjlLowPrecisionModel.create(spec, this, manager, blockRows, workers),
                    "bfloat16 version of " + spec.name());
        }
        return low.map(m -> m);
    }

    @Override
    public void close() {
        if (workers != null) {
            workers.close(); // first: it waits for a part still running in libtorch, on modules closed below
        }
        if (low != null) {
            low.ifPresent(DjlLowPrecisionModel::close);
        }
        if (grad != null) {
            grad.close();
        }
        if (onednn != null) {
            onednn.close();
        }
        encoder.close();
        decoder.close();
        manager.close();
        encoderModel.close();
        decoderModel.close();
    }

    @Override
    public String toString() {
        return "DjlLatentModel[" + engine + ", " + spec.name() + "]";
    }
}
