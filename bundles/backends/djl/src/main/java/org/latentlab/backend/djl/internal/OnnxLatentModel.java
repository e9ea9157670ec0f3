package org.latentlab.backend.djl.internal;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.rowworkers.RowWorkers;

/**
 * An autoencoder of two {@code .onnx} files on ONNX Runtime's own Java API (its jar is on the launcher class path
 * and exported by the system bundle). DJL's NDArray layer copied every batch twice more and allocated a fresh
 * direct buffer per call, and cannot pass session options such as spinning. Here values cross between Java and the
 * engine through direct buffers the model owns and reuses: inputs are copied in once, outputs out once.
 * {@link #latentSteps} has the decoder write into a buffer the encoder reads in place (ONNX Runtime's pre-allocated
 * outputs), so the decoded batch never reaches Java and each step's latents feed the next step where they are.
 * Batches run in blocks of {@value #BLOCK_ROWS} rows (fewer for big inputs, {@link #blockRows(int)}): measured, ONNX Runtime spends about a quarter more CPU per row
 * on 4096 rows than on 128 to 1024 (its intermediates leave the cache), and on a busy machine short runs keep both
 * threads scheduled (whole batches of 1024 to 8192 ran 2-4x slower than the same rows in blocks of 256).
 * Loading checks both networks (one float32 input each with a batch dimension that may vary, then a one-row probe
 * against the shapes in model.json) so a wrong file is reported, by name, before any analysis starts.
 */
final class OnnxLatentModel implements LatentModel {

    static final String ENGINE = "OnnxRuntime";

    /**
     * System property: intra-op threads per session; default: 1 when the rows run side by side ({@value #ROW_WORKERS}),
     * else the processors Java may use; 0: ONNX Runtime's choice. Setting it turns the side-by-side rows off.
     */
    static final String THREADS = "latentlab.onnx.threads";
    /**
     * System property: threads the rows of a call are split across, each running the sessions with one intra-op thread
     * (default: the processors Java may use; 1: one caller, {@value #THREADS} threads in the session). As for libtorch
     * ({@link RowWorkers}): ONNX Runtime's pool, its spinning off, wakes a sleeping thread at every operation. Measured
     * on the 784-512-256-32 MLP at 4096 rows: 170,100 seed-steps/s against 123,800–126,800 with one caller.
     */
    static final String ROW_WORKERS = "latentlab.onnx.rowWorkers";

    /** Row workers for a new model: none when {@value #THREADS} is set or {@value #ROW_WORKERS} is 1 or less. */
    static int rowWorkers() {
        if (System.getProperty(THREADS) != null) {
            return 1;
        }
        return Math.max(1, Integer.getInteger(ROW_WORKERS, Runtime.getRuntime().availableProcessors()));
    }
    /** System property: {@code true} lets idle intra-op threads spin (ONNX Runtime's default); off unless set. */
    static final String SPINNING = "latentlab.onnx.spinning";
    /** System property: more session config entries, {@code key=value,key=value} (ONNX Runtime's names), applied last. */
    static final String CONFIG = "latentlab.onnx.sessionConfig";
    /**
     * Rows per run for inputs of {@code inputSize} values: the system property {@value #BLOCK}, else {@value #BLOCK_ROWS}
     * rows and at most {@link DjlLatentModel#BLOCK_BYTES} of decoded input (8 rows of a 3×128×128 model: 1.09–1.12x
     * against 256 on the conv fixture, runtime/benchmarks/run.sh roundrobin --prefix conv-large).
     */
    static int blockRows(int inputSize) {
        Integer set = Integer.getInteger(BLOCK);
        if (set != null) {
            return Math.max(1, set);
        }
        return (int) Math.max(1, Math.min(BLOCK_ROWS, DjlLatentModel.BLOCK_BYTES / (4L * Math.max(1, inputSize))));
    }

    /** System property: rows per run (default {@link #blockRows(int)}); larger batches run block by block. */
    static final String BLOCK = "latentlab.onnx.blockRows";
    static final int BLOCK_ROWS = 256;

    /** One network: its session, input and output names, and how messages name it ("encoder /path/encoder.onnx"). */
    private record Net(OrtSession session, String input, String output, String what) {}

    /** The first output of a run: its values and its shape. */
    private record Output(float[] values, long[] shape) {}

    private final ModelSpec spec;
    private final OrtEnvironment env;
    private final OrtSession.SessionOptions options;
    private final Net encoder;
    private final Net decoder;
    /** The shape of one row of each network's output, as the one-row probe found it (sizes as in model.json). */
    private long[] encodedRow;
    private long[] decodedRow;
    /**
     * Reused direct buffers of one block, per thread that runs blocks (the caller, or each row worker): 0 and 1 hold
     * latents (steps alternate), 2 the decoded rows, 3 inputs.
     */
    private final java.util.concurrent.ConcurrentHashMap<Thread, ByteBuffer[]> buffers = new java.util.concurrent.ConcurrentHashMap<>();
    private final int block;
    /** Rows side by side, each worker with one intra-op thread in the sessions; null: all on the caller. */
    private final RowWorkers workers;
    private boolean closed;

    private OnnxLatentModel(ModelSpec spec, OrtEnvironment env, OrtSession.SessionOptions options, Net encoder, Net decoder) {
        this.spec = spec;
        this.block = blockRows(spec.inputSize());
        this.env = env;
        this.options = options;
        this.encoder = encoder;
        this.decoder = decoder;
        int w = rowWorkers();
        this.workers = w > 1 ? new RowWorkers(w, "onnx", () -> { }) : null;
    }

    /** {@code part} on [0, n): split across the row workers, or on this thread when there are none. */
    private void forRows(int n, RowWorkers.Part part) {
        if (workers == null) {
            part.run(0, n);
        } else {
            workers.forEach(n, part);
        }
    }

    /**
     * The one set of session options, chosen by measurement (docs/performance.md, "ONNX Runtime"): all graph
     * optimisations, sequential execution, ONNX Runtime's CPU arena and memory patterns (its defaults), and
     * <ul>
     * <li>as many intra-op threads as Java has processors, stated explicitly: left at 0, ONNX Runtime takes one per
     * physical core and pins each worker to a core, so on a shared machine a worker waits for its own busy core
     * (measured: 2-3x slower at every batch size under load);</li>
     * <li>idle intra-op threads that sleep at once instead of spinning: the encoder and the decoder have a pool each,
     * and a pool spinning after its run takes a core from the other's run; on a busy machine spinning threads also
     * wait for descheduled ones (libgomp's problem for libtorch; measured 3x slower under load).</li>
     * </ul>
     * {@value #THREADS} and {@value #SPINNING} override the two, {@value #CONFIG} adds or replaces config entries.
     */
    static OrtSession.SessionOptions options() throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        try {
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            o.setIntraOpNumThreads(rowWorkers() > 1 ? 1
                    : Math.max(0, Integer.getInteger(THREADS, Runtime.getRuntime().availableProcessors())));
            o.addConfigEntry("session.intra_op.allow_spinning", Boolean.getBoolean(SPINNING) ? "1" : "0");
            o.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            for (String entry : System.getProperty(CONFIG, "").split(",")) {
                int eq = entry.indexOf('=');
                if (eq > 0) {
                    o.addConfigEntry(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
                }
            }
            return o;
        } catch (OrtException | RuntimeException e) {
            o.close();
            throw e;
        }
    }

    /**
     * Loads both files and probes them.
     *
     * @throws LatentLabException naming the file and the problem
     */
    static OnnxLatentModel load(ModelSpec spec) {
        Path ef = spec.encoderFile();
        Path df = spec.decoderFile();
        for (Path f : new Path[] {ef, df}) {
            if (!Files.isRegularFile(f)) {
                throw new LatentLabException((f == ef ? "encoder" : "decoder") + " file " + f + " does not exist");
            }
        }
        OrtEnvironment env;
        OrtSession.SessionOptions options;
        try {
            env = environment();
            options = options();
        } catch (OrtException | RuntimeException | LinkageError e) {
            throw new LatentLabException("ONNX Runtime could not start: " + firstLine(e), e);
        }
        Net enc = null;
        Net dec = null;
        try {
            enc = open(env, options, ef, "encoder");
            dec = open(env, options, df, "decoder");
            OnnxLatentModel m = new OnnxLatentModel(spec, env, options, enc, dec);
            try {
                m.probe();
            } catch (RuntimeException e) {
                if (m.workers != null) {
                    m.workers.close(); // the sessions and options are closed below
                }
                throw e;
            }
            return m;
        } catch (RuntimeException e) {
            closeQuietly(enc);
            closeQuietly(dec);
            options.close();
            throw e;
        }
    }

    /**
     * ONNX Runtime has one environment per process, and DJL's engine fails for good unless it is the one that creates
     * it (it passes thread options, which ONNX Runtime accepts only on creation). So DJL's engine starts first and
     * this model uses the environment it made; DJL's OnnxRuntime engine stays usable in the same process (the doctor,
     * plugins). Should DJL fail (someone else created the environment), the existing one serves.
     */
    static OrtEnvironment environment() {
        try {
            DjlLatentModel.withEngine(() -> ai.djl.engine.Engine.getEngine(ENGINE), null);
        } catch (RuntimeException | LinkageError e) {
            // DJL's engine is unusable in this process; ONNX Runtime's own environment is all this model needs
        }
        return OrtEnvironment.getEnvironment();
    }

    private static Net open(OrtEnvironment env, OrtSession.SessionOptions options, Path file, String role) {
        OrtSession s;
        try {
            s = env.createSession(file.toString(), options);
        } catch (OrtException | RuntimeException e) {
            throw new LatentLabException(role + " file " + file + " could not be loaded by " + ENGINE + ": " + firstLine(e), e);
        }
        String what = role + " " + file;
        try {
            if (s.getNumInputs() != 1 || s.getNumOutputs() < 1) {
                throw new LatentLabException(what + " has " + s.getNumInputs() + " inputs and " + s.getNumOutputs()
                        + " outputs; LatentLab feeds one float32 tensor and reads the first output");
            }
            Map.Entry<String, NodeInfo> in = s.getInputInfo().entrySet().iterator().next();
            if (!(in.getValue().getInfo() instanceof TensorInfo t) || t.type != OnnxJavaType.FLOAT) {
                throw new LatentLabException(what + " takes input '" + in.getKey() + "' of type " + in.getValue().getInfo()
                        + "; LatentLab feeds float32 tensors");
            }
            long[] shape = t.getShape();
            if (shape.length > 1 && shape[0] > 0) { // a fixed batch of 1 would pass the probe, then fail in the first batch
                throw new LatentLabException(what + " takes a fixed batch of " + shape[0] + (shape[0] == 1 ? " row" : " rows")
                        + " (input '" + in.getKey() + "' has shape " + Arrays.toString(shape) + "); export it with a "
                        + "variable first dimension (torch.onnx.export: dynamic_axes={'" + in.getKey() + "': {0: 'batch'}})");
            }
            return new Net(s, in.getKey(), s.getOutputNames().iterator().next(), what);
        } catch (OrtException e) {
            closeQuietly(s);
            throw new LatentLabException(role + " file " + file + " could not be loaded by " + ENGINE + ": " + firstLine(e), e);
        } catch (RuntimeException e) {
            closeQuietly(s);
            throw e;
        }
    }

    /** One zero row through each network: sizes as model.json says, and the output row shapes latentSteps pre-allocates. */
    private void probe() {
        int[] in = spec.batchShape(1);
        try {
            encodedRow = rowShape(encoded(new Tensor(in, new float[spec.inputSize()])).shape);
        } catch (LatentLabException e) {
            throw rejected(e, "encoder " + spec.encoderFile() + " rejected an input of shape " + Arrays.toString(in)
                    + " (inputShape in model.json)");
        }
        int k = spec.latentDim();
        try {
            decodedRow = rowShape(decoded(Tensor.matrix(1, k, new float[k])).shape);
        } catch (LatentLabException e) {
            throw rejected(e, "decoder " + spec.decoderFile() + " rejected a latent of shape [1, " + k + "] (latentDim in model.json)");
        }
    }

    private static long[] rowShape(long[] shape) {
        return shape.length <= 1 ? new long[] {1} : Arrays.copyOfRange(shape, 1, shape.length);
    }

    private static LatentLabException rejected(LatentLabException e, String what) {
        if (e.getMessage().contains("returned shape") || !(e.getCause() instanceof OrtException)) {
            return e; // already says what is wrong
        }
        return new LatentLabException(what + ": " + firstLine(e.getCause()), e);
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public synchronized Tensor encode(Tensor inputs) {
        return Tensor.matrix(inputs.rows(), spec.latentDim(), encoded(inputs).values);
    }

    @Override
    public synchronized Tensor decode(Tensor latents) {
        return new Tensor(spec.batchShape(latents.rows()), decoded(latents).values);
    }

    private Output encoded(Tensor inputs) {
        if (inputs.width() != spec.inputSize()) {
            throw new LatentLabException("inputs of shape " + Arrays.toString(inputs.shape()) + " do not match model input "
                    + Arrays.toString(spec.inputShape()));
        }
        int n = inputs.rows();
        int k = spec.latentDim();
        Output z = run(encoder, inputs.data(), batch(n, spec.inputShape()));
        if (z.values.length != (long) n * k || z.shape.length == 0 || z.shape[0] != n) {
            throw new LatentLabException(encoder.what + " returned shape " + Arrays.toString(z.shape) + " for " + n
                    + " inputs; model.json says latentDim " + k);
        }
        return z;
    }

    private Output decoded(Tensor latents) {
        int k = spec.latentDim();
        if (latents.width() != k) {
            throw new LatentLabException("latents of width " + latents.width() + " do not match latentDim " + k);
        }
        int n = latents.rows();
        Output x = run(decoder, latents.data(), new long[] {n, k});
        if (x.values.length != (long) n * spec.inputSize() || x.shape.length == 0 || x.shape[0] != n) {
            throw new LatentLabException(decoder.what + " returned shape " + Arrays.toString(x.shape) + " for " + n
                    + " latents; model.json says inputShape " + Arrays.toString(spec.inputShape()));
        }
        return x;
    }

    /**
     * {@code net} on [n, ...] values, {@link #block} rows per run: each block's values are copied into a reused direct
     * buffer, its first output out once. The output has [n, ...] of the first block's row shape.
     */
    private Output run(Net net, float[] values, long[] shape) {
        int n = (int) shape[0];
        if (n == 0) { // ONNX Runtime refuses empty buffers; nothing to compute
            return new Output(new float[0], shape.clone());
        }
        int inRow = values.length / n;
        java.util.concurrent.ConcurrentSkipListMap<Integer, Output> parts = new java.util.concurrent.ConcurrentSkipListMap<>();
        forRows(n, (lo, hi) -> {
            long[] partShape = shape.clone();
            partShape[0] = hi - lo;
            float[] partValues = lo == 0 && hi == n ? values : Arrays.copyOfRange(values, lo * inRow, hi * inRow);
            parts.put(lo, runBlocks(net, partValues, partShape));
        });
        if (parts.size() == 1) {
            return parts.firstEntry().getValue();
        }
        // each part's output must be [rows, ...] of one row shape; the first that is not goes to the caller, which
        // reports it as it reports a whole run's
        long[] rowShape = null;
        int outRow = 0;
        for (Map.Entry<Integer, Output> e : parts.entrySet()) {
            Output o = e.getValue();
            Integer next = parts.higherKey(e.getKey());
            int rows = (next == null ? n : next) - e.getKey();
            if (o.shape.length == 0 || o.shape[0] != rows || o.values.length % rows != 0
                    || rowShape != null && !Arrays.equals(rowShape, Arrays.copyOfRange(o.shape, 1, o.shape.length))) {
                return o;
            }
            rowShape = Arrays.copyOfRange(o.shape, 1, o.shape.length);
            outRow = o.values.length / rows;
        }
        float[] out = Tensor.allocate(net.what + " output", n, outRow);
        for (Map.Entry<Integer, Output> e : parts.entrySet()) {
            float[] v = e.getValue().values;
            System.arraycopy(v, 0, out, e.getKey() * outRow, v.length);
        }
        long[] outShape = new long[rowShape.length + 1];
        outShape[0] = n;
        System.arraycopy(rowShape, 0, outShape, 1, rowShape.length);
        return new Output(out, outShape);
    }

    /** {@code net} on [n, ...] values in this thread's buffers, block by block. */
    private Output runBlocks(Net net, float[] values, long[] shape) {
        int n = (int) shape[0];
        int inRow = values.length / n;
        float[] out = null;
        long[] outShape = null;
        int outRow = 0;
        for (int from = 0; from < n; from += block) {
            int rows = Math.min(block, n - from);
            long[] blockShape = shape.clone();
            blockShape[0] = rows;
            FloatBuffer in = staged(3, values, from * inRow, rows * inRow);
            try (OnnxTensor t = OnnxTensor.createTensor(env, in, blockShape);
                    OrtSession.Result r = net.session.run(Map.of(net.input, t))) {
                OnnxValue v = r.get(0);
                if (!(v instanceof OnnxTensor y) || y.getInfo().type != OnnxJavaType.FLOAT) {
                    throw new LatentLabException(net.what + " returned " + v.getInfo() + "; LatentLab reads float32 tensors");
                }
                long[] ys = y.getInfo().getShape();
                FloatBuffer data = y.getFloatBuffer(); // a heap copy of exactly the output's values
                if (rows == n) {
                    return new Output(data.array(), ys); // one block: the caller checks the shape
                }
                if (out == null) {
                    if (ys.length == 0 || ys[0] != rows || data.remaining() % rows != 0) {
                        return new Output(data.array(), ys); // the caller reports it
                    }
                    outRow = data.remaining() / rows;
                    outShape = ys.clone();
                    outShape[0] = n;
                    out = Tensor.allocate(net.what + " output", n, outRow);
                } else if (ys.length == 0 || ys[0] != rows || data.remaining() != rows * outRow) {
                    throw new LatentLabException(net.what + " returned shape " + Arrays.toString(ys) + " for " + rows
                            + " rows, after " + outRow + " values per row for " + block + " rows");
                }
                data.get(0, out, from * outRow, rows * outRow);
            } catch (OrtException e) {
                throw new LatentLabException(net.what + ": " + firstLine(e), e);
            }
        }
        return new Output(out, outShape);
    }

    /**
     * f = E∘D {@code steps} times, [steps, n, k], {@link #block} rows at a time (each block takes all its steps before
     * the next starts, so its buffers stay in cache). A block's latents go in once; per step the decoder writes the
     * decoded block into a direct buffer that the encoder then reads in place (the decoder's output shape and the
     * encoder's input shape are two views of it, so an encoder taking [n, 1, 28, 28] reads a decoder's [n, 784]), and
     * the encoder writes into the latent buffer the next step reads; only each step's latents are copied out.
     */
    @Override
    public synchronized Tensor latentSteps(Tensor latents, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        int k = spec.latentDim();
        if (latents.width() != k) {
            throw new LatentLabException("latents of width " + latents.width() + " do not match latentDim " + k);
        }
        int n = latents.rows();
        float[] out = Tensor.allocate("latent map steps", steps, n, k);
        forRows(n, (lo, hi) -> steps(latents, steps, n, k, lo, hi, out));
        return new Tensor(new int[] {steps, n, k}, out);
    }

    /** Rows [lo, hi) of {@link #latentSteps}, block by block, in this thread's buffers; disjoint rows of out. */
    private void steps(Tensor latents, int steps, int n, int k, int lo, int hi, float[] out) {
        for (int from = lo; from < hi; from += block) {
            int rows = Math.min(block, hi - from);
            FloatBuffer[] z = {staged(0, latents.data(), from * k, rows * k), buffer(1, rows * k)};
            FloatBuffer x = buffer(2, rows * spec.inputSize());
            OnnxTensor[] zIn = new OnnxTensor[2];
            OnnxTensor[] zOut = new OnnxTensor[2];
            OnnxTensor xOut = null;
            OnnxTensor xIn = null;
            try {
                for (int i = 0; i < 2; i++) {
                    zIn[i] = OnnxTensor.createTensor(env, z[i], new long[] {rows, k});
                    zOut[i] = OnnxTensor.createTensor(env, z[i], batch(rows, encodedRow));
                }
                xOut = OnnxTensor.createTensor(env, x, batch(rows, decodedRow));
                xIn = OnnxTensor.createTensor(env, x, batch(rows, spec.inputShape()));
                for (int s = 0; s < steps; s++) {
                    int a = s % 2;
                    runInto(decoder, zIn[a], xOut);
                    runInto(encoder, xIn, zOut[1 - a]);
                    z[1 - a].get(0, out, (s * n + from) * k, rows * k); // absolute: the buffer stays at position 0
                }
            } catch (OrtException e) {
                throw new LatentLabException("latent map of " + spec.name() + ": " + firstLine(e), e);
            } finally {
                for (OnnxTensor t : new OnnxTensor[] {zIn[0], zIn[1], zOut[0], zOut[1], xOut, xIn}) {
                    if (t != null) {
                        t.close();
                    }
                }
            }
        }
    }

    private static void runInto(Net net, OnnxTensor in, OnnxTensor out) {
        try {
            net.session.run(Map.of(net.input, in), Map.of(net.output, out)).close(); // closes nothing it does not own
        } catch (OrtException e) {
            throw new LatentLabException(net.what + ": " + firstLine(e), e);
        }
    }

    /** Direct buffer {@code slot}, grown to at least {@code floats} values; a view of exactly that many from 0. */
    private FloatBuffer buffer(int slot, int floats) {
        ByteBuffer[] mine = buffers.computeIfAbsent(Thread.currentThread(), t -> new ByteBuffer[4]);
        ByteBuffer b = mine[slot];
        if (b == null || b.capacity() < floats * 4L) {
            b = ByteBuffer.allocateDirect(Math.multiplyExact(floats, 4)).order(ByteOrder.nativeOrder());
            mine[slot] = b;
        }
        return b.asFloatBuffer().limit(floats);
    }

    /** Direct buffer {@code slot} holding {@code count} values of {@code values} from {@code offset}. */
    private FloatBuffer staged(int slot, float[] values, int offset, int count) {
        FloatBuffer f = buffer(slot, count);
        f.put(0, values, offset, count);
        return f;
    }

    private static long[] batch(int n, long[] row) {
        long[] s = new long[row.length + 1];
        s[0] = n;
        System.arraycopy(row, 0, s, 1, row.length);
        return s;
    }

    private static long[] batch(int n, int[] row) {
        return batch(n, Arrays.stream(row).asLongStream().toArray());
    }

    private static String firstLine(Throwable e) {
        return EngineMessages.summary(e);
    }

    private static void closeQuietly(Net net) {
        if (net != null) {
            closeQuietly(net.session);
        }
    }

    private static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException | RuntimeException e) {
            // closing a session that failed its checks: nothing more to report
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (workers != null) {
            workers.close(); // waits for a running part: the sessions close next
        }
        closeQuietly(encoder);
        closeQuietly(decoder);
        options.close();
        buffers.clear();
    }

    @Override
    public String toString() {
        return "OnnxLatentModel[" + spec.name() + "]";
    }
}
