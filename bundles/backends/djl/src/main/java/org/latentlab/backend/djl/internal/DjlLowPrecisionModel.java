package org.latentlab.backend.djl.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.rowworkers.CpuInfo;
import org.latentlab.rowworkers.RowWorkers;

/**
 * The bfloat16 version of a TorchScript model ({@link LatentModel#lowPrecision()}): both archives rewritten by
 * {@link Bfloat16Archive} and loaded as modules of their own, float32 latents converted on the way in and out by
 * precision-cast.pt (DJL's JNI has no bfloat16). On a CPU with bfloat16 matrix instructions (AMX, AVX512-BF16)
 * libtorch's oneDNN runs its matrix products four to five times faster than float32 at batches of 1024 and more
 * (784-512-256-32 MLP, 2026-12-05: 466,000 against 118,000 seed-steps/s at 1024 rows; 2.6x at 256, 1.8x at 64).
 *
 * <p>Whether it is used ({@link #create}): the system property {@value #PROPERTY} = {@code auto} (default: where
 * /proc/cpuinfo lists amx_bf16 or avx512_bf16), {@code on} (any CPU; slow without those instructions, for tests) or
 * {@code off}; and the converted map must agree with the model on a probe batch within {@link #PROBE_TOLERANCE}
 * (relative), so a module whose code builds float32 tensors of its own (mixed types) or misbehaves in bfloat16 is not
 * used. Why not is kept in {@link #unavailable}.
 */
final class DjlLowPrecisionModel implements LatentModel {

    static final String PROPERTY = "latentlab.bfloat16";
    /** System property: {@code false} keeps the bfloat16 modules' code as it is (no {@link FusedLinearCode}). */
    static final String FUSE = "latentlab.bfloat16.fuse";
    /** Largest relative difference ‖h(z) − f(z)‖ / ‖f(z)‖ on the probe rows (bfloat16 keeps about 3 digits: ~0.3%). */
    static final double PROBE_TOLERANCE = 0.05;
    static final int PROBE_ROWS = 16;

    private final ModelSpec spec;
    private final NDManager manager;
    private final PtSymbolBlock decoder;
    private final PtSymbolBlock encoder;
    private final PtSymbolBlock cast;
    private final NDArray toLow;
    private final NDArray toFloat;
    private final int blockRows;
    /** The exact model's row workers (closed with it). */
    private final RowWorkers workers;
    /** Whether the modules run with linear layers and activations fused ({@link FusedLinearCode}). */
    private final boolean fused;

    /** Whether this version runs with linear layers and their activations fused, for tests. */
    boolean fused() {
        return fused;
    }

    private DjlLowPrecisionModel(ModelSpec spec, NDManager manager, PtSymbolBlock decoder, PtSymbolBlock encoder,
            PtSymbolBlock cast, int blockRows, RowWorkers workers, boolean fused) {
        this.fused = fused;
        this.spec = spec;
        this.manager = manager;
        this.decoder = decoder;
        this.encoder = encoder;
        this.cast = cast;
        this.toLow = manager.create(true);
        this.toFloat = manager.create(false);
        this.blockRows = blockRows;
        this.workers = workers;
    }

    /** System property: rows per libtorch call of the bfloat16 version (default: {@link #blockRows(int)}). */
    static final String BLOCK = "latentlab.libtorch.bfloat16BlockRows";

    /**
     * Rows per libtorch call: eight times the float32 model's (4,096 for the MLP, so a call of 4,096 rows is one block
     * per row worker). Smaller blocks measured no better with the row workers (784-512-256-32 MLP, 2026-12-06): at 4,096
     * rows JMH picardIteration put blocks of 1,024 at 1.10x blocks of 2,048 (forks minutes apart), runtime/benchmarks'
     * roundrobin put them at 0.93x (one process, round by round: 0.86-0.97x), and a whole `anderson capture=true
     * mixedPrecision=true` analysis of 10^4 seeds took 3.3-3.9 s with either (four interleaved pairs); 512 rows lost
     * in both benchmarks (0.88x).
     */
    static int blockRows(int float32BlockRows) {
        Integer set = Integer.getInteger(BLOCK);
        if (set != null) {
            return Math.max(1, set);
        }
        return Math.max(1, 8 * float32BlockRows);
    }

    /** Why the last {@link #create} gave nothing, for messages and tests. */
    static volatile String unavailable = "";

    /**
     * The bfloat16 version of the TorchScript model {@code exact}, or empty (the reason in {@link #unavailable}).
     * Runs on the engine thread context ({@link DjlLatentModel#withEngine}).
     */
    static Optional<DjlLowPrecisionModel> create(ModelSpec spec, LatentModel exact, NDManager parent, int blockRows,
            RowWorkers workers) {
        String setting = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        if (setting.equals("off") || setting.equals("false")) {
            unavailable = PROPERTY + "=" + setting;
            return Optional.empty();
        }
        if (!setting.equals("on") && !setting.equals("true") && !cpuHasBfloat16()) {
            unavailable = "this CPU has no bfloat16 matrix instructions (amx_bf16 or avx512_bf16 in /proc/cpuinfo)";
            return Optional.empty();
        }
        String shortfall = Bfloat16Archive.heapShortfall(spec, "in bfloat16");
        if (shortfall != null) {
            unavailable = shortfall;
            return Optional.empty();
        }
        Map<String, byte[]> decoderEntries;
        Map<String, byte[]> encoderEntries;
        try {
            decoderEntries = Bfloat16Archive.entries(spec.decoderFile());
            encoderEntries = Bfloat16Archive.entries(spec.encoderFile());
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            unavailable = "the bfloat16 version of " + spec.name() + " could not be made: " + EngineMessages.summary(e);
            return Optional.empty();
        }
        // first with linear layers and their activations fused (FusedLinearCode), where the code allows it; when that
        // does not load or disagrees, as the archives are
        if (!System.getProperty(FUSE, "true").trim().equalsIgnoreCase("false")) {
            Map<String, byte[]> dec = FusedLinearCode.of(decoderEntries);
            Map<String, byte[]> enc = FusedLinearCode.of(encoderEntries);
            if (dec != decoderEntries || enc != encoderEntries) {
                Optional<DjlLowPrecisionModel> fused = attempt(spec, exact, parent, blockRows, workers, dec, enc, true);
                if (fused.isPresent()) {
                    return fused;
                }
                if (cpuHasBfloat16()) { // where it should have worked: say so once per model, the run is slower for it
                    System.err.println("latentlab: the bfloat16 version of " + spec.name() + " runs unfused (about 1.4x slower): "
                            + unavailable);
                }
            }
        }
        return attempt(spec, exact, parent, blockRows, workers, decoderEntries, encoderEntries, false);
    }

    private static Optional<DjlLowPrecisionModel> attempt(ModelSpec spec, LatentModel exact, NDManager parent, int blockRows,
            RowWorkers workers, Map<String, byte[]> decoderEntries, Map<String, byte[]> encoderEntries, boolean fused) {
        NDManager m = parent.newSubManager();
        DjlLowPrecisionModel low = null;
        String how = fused ? " (linear layers fused with their activations)" : "";
        try {
            PtSymbolBlock cast = load(m, resource("precision-cast.pt"), "precision-cast.pt");
            PtSymbolBlock dec = load(m, Bfloat16Archive.rewrite(decoderEntries, spec.decoderFile().toString()),
                    spec.decoderFile() + how);
            PtSymbolBlock enc = load(m, Bfloat16Archive.rewrite(encoderEntries, spec.encoderFile().toString()),
                    spec.encoderFile() + how);
            low = new DjlLowPrecisionModel(spec, m, dec, enc, cast, blockRows(blockRows), workers, fused);
            String disagreement = low.probe(exact);
            if (disagreement != null) {
                unavailable = disagreement + how;
                low.close();
                return Optional.empty();
            }
            unavailable = "";
            return Optional.of(low);
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            unavailable = "the bfloat16 version of " + spec.name() + how + " could not be made: " + EngineMessages.summary(e);
            if (System.getenv("LATENTLAB_DEBUG") != null) {
                e.printStackTrace();
            }
            if (low != null) {
                low.close();
            } else {
                m.close();
            }
            return Optional.empty();
        }
    }

    /** Whether /proc/cpuinfo lists bfloat16 matrix instructions (Linux; elsewhere: no). */
    static boolean cpuHasBfloat16() {
        return Arrays.asList(CpuInfo.field("flags").split("\\s+")).stream()
                .anyMatch(f -> f.equals("amx_bf16") || f.equals("avx512_bf16"));
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = DjlLowPrecisionModel.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is missing from the backend bundle");
            }
            return in.readAllBytes();
        }
    }

    private static PtSymbolBlock load(NDManager m, byte[] archive, String what) {
        try {
            PtSymbolBlock block = JniUtils.loadModule((PtNDManager) m, new ByteArrayInputStream(archive), true, false);
            JniUtils.enableInferenceMode(block);
            return block;
        } catch (IOException | RuntimeException e) {
            throw new LatentLabException(what + " in bfloat16 could not be loaded by libtorch: " + EngineMessages.summary(e), e);
        }
    }

    /** Null when h agrees with f on fixed Gaussian rows, else what differs. */
    private String probe(LatentModel exact) {
        int k = spec.latentDim();
        java.util.Random random = new java.util.Random(20261205L);
        float[] z = new float[PROBE_ROWS * k];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) random.nextGaussian();
        }
        Tensor seeds = Tensor.matrix(PROBE_ROWS, k, z);
        float[] f = exact.latentSteps(seeds, 1).data();
        float[] h = latentSteps(seeds, 1).data();
        double worst = worstRelative(f, h, PROBE_ROWS, k);
        if (!(worst <= PROBE_TOLERANCE)) {
            return String.format(Locale.ROOT, "the bfloat16 version of %s differs from it by %.3g (relative) on %d probe rows, "
                    + "above %.2g", spec.name(), worst, PROBE_ROWS, PROBE_TOLERANCE);
        }
        return null;
    }

    /** The largest ‖h_r − f_r‖ / ‖f_r‖ over rows r of width k (NaN when any is NaN). */
    static double worstRelative(float[] f, float[] h, int rows, int k) {
        double worst = 0;
        for (int r = 0; r < rows; r++) {
            double d2 = 0;
            double n2 = 0;
            for (int j = 0; j < k; j++) {
                double d = (double) h[r * k + j] - f[r * k + j];
                d2 += d * d;
                n2 += (double) f[r * k + j] * f[r * k + j];
            }
            double rel = Math.sqrt(d2) / Math.max(Math.sqrt(n2), 1e-6);
            if (!(rel <= worst)) {
                worst = rel; // NaN sticks
            }
        }
        return worst;
    }

    private NDArray forward(PtSymbolBlock block, NDArray x) {
        NDList out = IValueUtils.forward(block, new NDList(x), false);
        if (out.isEmpty()) {
            throw new LatentLabException("the bfloat16 module produced no output");
        }
        return out.get(0);
    }

    private NDArray cast(NDArray x, boolean low) {
        return IValueUtils.forward(cast, new NDList(x, low ? toLow : toFloat), false).get(0);
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public Tensor latentSteps(Tensor latents, int steps) {
        int k = spec.latentDim();
        if (latents.width() != k) {
            throw new LatentLabException("latents of width " + latents.width() + " do not match latentDim " + k);
        }
        return DjlLatentModel.withEngine(() -> DjlLatentModel.steps(manager, latents, steps, k, blockRows,
                DjlLatentModel.RowPadding.POWER_OF_TWO, workers,
                z -> cast(forward(encoder, forward(decoder, cast(z, true))), false),
                "bfloat16 encoder " + spec.encoderFile()), "bfloat16 latent map of " + spec.name());
    }

    @Override
    public Tensor encode(Tensor inputs) {
        int[] shape = spec.batchShape(inputs.rows());
        return run(encoder, inputs.data(), shape, new int[] {inputs.rows(), spec.latentDim()});
    }

    @Override
    public Tensor decode(Tensor latents) {
        return run(decoder, latents.data(), new int[] {latents.rows(), spec.latentDim()}, spec.batchShape(latents.rows()));
    }

    private Tensor run(PtSymbolBlock block, float[] data, int[] in, int[] out) {
        return DjlLatentModel.withEngine(() -> {
            try (NDManager scope = manager.newSubManager()) {
                NDArray x = scope.create(data, new Shape(Arrays.stream(in).asLongStream().toArray()));
                NDArray y = cast(forward(block, cast(x, true)), false);
                y.attach(scope);
                float[] values = y.toFloatArray();
                if (values.length != Arrays.stream(out).asLongStream().reduce(1, (a, b) -> a * b)) {
                    throw new LatentLabException("the bfloat16 module returned shape " + y.getShape() + ", expected "
                            + Arrays.toString(out));
                }
                return new Tensor(out, values);
            }
        }, "bfloat16 version of " + spec.name());
    }

    @Override
    public void close() {
        decoder.close();
        encoder.close();
        cast.close();
        manager.close();
    }
}
