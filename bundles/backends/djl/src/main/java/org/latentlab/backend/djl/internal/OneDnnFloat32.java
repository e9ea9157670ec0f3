package org.latentlab.backend.djl.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.backend.djl.internal.FusedLinearCode.Weights;
import org.latentlab.rowworkers.Float32OneDnn;
import org.latentlab.rowworkers.RowWorkers;

/**
 * A float32 TorchScript model's modules with each Linear that feeds a ReLU or Sigmoid run as one oneDNN operation
 * ({@link Weights#PACKED_IN_WHOLE_BLOCKS}: {@code mkldnn::_linear_pointwise}, bias and activation fused, the
 * weights packed once where their out-features fill oneDNN's blocks, as they are elsewhere; when those disagree with the
 * model, {@link Weights#AS_THEY_ARE}: all weights as they are). Still float32, the same map up to rounding
 * (checked on probe rows within {@link #PROBE_TOLERANCE}).
 *
 * <p>Why: libtorch computes float32 linear layers with MKL, whose fast kernels are chosen on Intel CPUs only. On an AMD
 * EPYC (Zen 5, AVX-512) libtorch's 1024×1024 sgemm ran 143 GFLOP/s and the 784-512-256-32 MLP's map 36,000-48,000
 * seed-steps/s, below PyTorch eager with OpenBLAS (62,000) and a third of ONNX Runtime (115,000-147,000); oneDNN, which
 * picks its kernels by instruction set, ran the same map at 105,000-115,000 (2026-12-06, JMH picardIteration).
 *
 * <p>When ({@link #create}): the system property {@value #PROPERTY} = {@code auto} (default: CPUs whose vendor is not
 * GenuineIntel; on Intel CPUs MKL's kernels are the fast ones), {@code on} or {@code off}; the model's code must have
 * such a layer in the form {@code torch.jit.trace} writes; the fused modules must load and agree with the model on probe
 * rows (the packed form first, then the unpacked one). Otherwise nothing changes, and why is kept in {@link
 * #unavailable}. Autograd (Jacobians, JVPs) keeps the model's own modules: oneDNN's fused operation has no derivative.
 */
final class OneDnnFloat32 implements AutoCloseable {

    static final String PROPERTY = Float32OneDnn.PROPERTY;
    /** Largest relative difference ‖g(z) − f(z)‖ / ‖f(z)‖ on the probe rows: float32 rounding is ~1e-7. */
    static final double PROBE_TOLERANCE = 1e-4;

    /**
     * System property: {@code true} (default) tries the weights packed in whole blocks first, {@code false} or {@code off}
     * only the weights as they are (to compare the two, or should a packed form pass the probe and still be wrong).
     */
    static final String PACK = "latentlab.float32.onednn.pack";

    /** Why the last {@link #create} gave nothing, for messages and tests. */
    static volatile String unavailable = "";

    private final NDManager manager;
    /** The networks f runs: rewritten ones, or the model's own where its code had nothing to fuse (not closed here). */
    final PtSymbolBlock encoder;
    final PtSymbolBlock decoder;
    private final boolean ownEncoder;
    private final boolean ownDecoder;
    private final ModelSpec spec;
    /** How the fused layers take their weights: packed in whole blocks, or (when that disagreed) as they are. */
    private final Weights weights;
    /** Why the packed form was refused (the probe's or the loader's words), or null. */
    private final String packedRefused;

    private OneDnnFloat32(NDManager manager, PtSymbolBlock encoder, boolean ownEncoder, PtSymbolBlock decoder,
            boolean ownDecoder, ModelSpec spec, Weights weights, String packedRefused) {
        this.manager = manager;
        this.encoder = encoder;
        this.decoder = decoder;
        this.ownEncoder = ownEncoder;
        this.ownDecoder = ownDecoder;
        this.spec = spec;
        this.weights = weights;
        this.packedRefused = packedRefused;
    }

    /** How the fused layers take their weights, for tests. */
    Weights weights() {
        return weights;
    }

    /** Why the packed form was refused, or null (it serves, or was never tried). */
    String packedRefused() {
        return packedRefused;
    }

    /** Whether the encoder / decoder run rewritten (else the model's own module), for tests. */
    boolean[] rewritten() {
        return new boolean[] {ownEncoder, ownDecoder};
    }

    /** Whether the setting (and, for {@code auto}, the CPU) asks for oneDNN's float32 linear layers ({@link Float32OneDnn}). */
    static boolean wanted() {
        String refused = Float32OneDnn.refusal();
        if (refused != null) {
            unavailable = refused;
        }
        return refused == null;
    }

    /**
     * The fused modules of {@code spec}'s TorchScript files, or empty (the reason in {@link #unavailable}). {@code exact}
     * is the model's own map, one step, for the probe; {@code blockRows} and {@code workers} are how the model runs it
     * (the probe runs the fused map the same way); {@code modelEncoder} and {@code modelDecoder} are the model's own
     * modules, used as they are for a network with nothing to fuse (its weights are then not held twice). Runs on the
     * engine thread context.
     */
    static Optional<OneDnnFloat32> create(ModelSpec spec, UnaryOperator<Tensor> exact, NDManager parent, int blockRows,
            RowWorkers workers, PtSymbolBlock modelEncoder, PtSymbolBlock modelDecoder) {
        return create(spec, exact, parent, blockRows, workers, modelEncoder, modelDecoder, forms());
    }

    /** As above, trying the given forms in order (tests). */
    static Optional<OneDnnFloat32> create(ModelSpec spec, UnaryOperator<Tensor> exact, NDManager parent, int blockRows,
            RowWorkers workers, PtSymbolBlock modelEncoder, PtSymbolBlock modelDecoder, Weights... forms) {
        if (!wanted()) {
            return Optional.empty();
        }
        Map<String, byte[]> encoderEntries;
        Map<String, byte[]> decoderEntries;
        try {
            String shortfall = Bfloat16Archive.heapShortfall(spec, "for oneDNN");
            if (shortfall != null) {
                unavailable = shortfall;
                return Optional.empty();
            }
            encoderEntries = Bfloat16Archive.entries(spec.encoderFile());
            decoderEntries = Bfloat16Archive.entries(spec.decoderFile());
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            unavailable = "the model files could not be read: " + EngineMessages.summary(e);
            return Optional.empty();
        }
        String packedRefused = null;
        for (Weights weights : forms) {
            Map<String, byte[]> enc = FusedLinearCode.of(encoderEntries, weights);
            Map<String, byte[]> dec = FusedLinearCode.of(decoderEntries, weights);
            boolean encFused = enc != encoderEntries;
            boolean decFused = dec != decoderEntries;
            if (!encFused && !decFused) {
                unavailable = "no linear layer feeding a ReLU or Sigmoid in the traced form";
                return Optional.empty();
            }
            Attempt a = attempt(spec, exact, parent, blockRows, workers, encFused ? enc : null, modelEncoder,
                    decFused ? dec : null, modelDecoder, weights, packedRefused);
            if (a.modules() != null) {
                if (packedRefused != null) { // works, a little slower: say why
                    System.err.println("latentlab: " + spec.name() + " runs its float32 linear layers on oneDNN with "
                            + "unpacked weights: the packed ones were refused: " + packedRefused);
                }
                unavailable = "";
                return Optional.of(a.modules());
            }
            unavailable = a.refusal();
            packedRefused = a.refusal();
        }
        // tried where it should work (wanted, fusable code): say so
        System.err.println("latentlab: " + spec.name() + " runs its float32 linear layers on libtorch's own kernels: "
                + unavailable);
        return Optional.empty();
    }

    /** The forms tried, in order: packed in whole blocks, then as they are ({@value #PACK} = false/off: only the second). */
    static Weights[] forms() {
        String pack = System.getProperty(PACK, "true").trim().toLowerCase(Locale.ROOT);
        return pack.equals("false") || pack.equals("off") ? new Weights[] {Weights.AS_THEY_ARE}
                : new Weights[] {Weights.PACKED_IN_WHOLE_BLOCKS, Weights.AS_THEY_ARE};
    }

    /** One form's modules, or (null) why they were refused. */
    private record Attempt(OneDnnFloat32 modules, String refusal) {}

    /**
     * The modules of {@code enc} and {@code dec} (null: the model's own module serves) if they load and pass the probe,
     * else why not (whatever was made is closed again).
     */
    private static Attempt attempt(ModelSpec spec, UnaryOperator<Tensor> exact, NDManager parent,
            int blockRows, RowWorkers workers, Map<String, byte[]> enc, PtSymbolBlock modelEncoder,
            Map<String, byte[]> dec, PtSymbolBlock modelDecoder, Weights weights, String packedRefused) {
        NDManager m = null;
        OneDnnFloat32 fused = null;
        String refusal;
        try {
            m = parent.newSubManager();
            PtSymbolBlock e = enc != null ? load(m, enc) : modelEncoder;
            PtSymbolBlock d = dec != null ? load(m, dec) : modelDecoder;
            fused = new OneDnnFloat32(m, e, enc != null, d, dec != null, spec, weights, packedRefused);
            String disagreement = fused.probe(exact, blockRows, workers);
            if (disagreement == null) {
                return new Attempt(fused, null);
            }
            refusal = disagreement;
        } catch (IOException | RuntimeException | LinkageError | StackOverflowError | OutOfMemoryError | AssertionError e) {
            refusal = "the fused float32 modules could not be made: " + EngineMessages.summary(e);
        }
        try {
            if (fused != null) {
                fused.close();
            } else if (m != null) {
                m.close();
            }
        } catch (RuntimeException e) {
            // nothing more to free: the model runs as it is
        }
        return new Attempt(null, refusal);
    }

    private static PtSymbolBlock load(NDManager m, Map<String, byte[]> entries) throws IOException {
        PtSymbolBlock block = JniUtils.loadModule((PtNDManager) m, new ByteArrayInputStream(Bfloat16Archive.zip(entries)), true, false);
        JniUtils.enableInferenceMode(block);
        return block;
    }

    /**
     * Null when the fused map agrees with {@code exact} on fixed Gaussian rows (two scales), else what differs: 16, 40
     * and 1,370 rows on the caller's thread (shapes 16, 64 and 1,408 or blocks of {@code blockRows} after {@link
     * #ROW_PADDING}: a tail, a multiple of 64 that is no power of two), then 2 × {@code blockRows} + 3 rows (at most
     * 4,099) on the model's row workers in blocks of {@code blockRows}, the way the map runs (oneDNN picks its kernels
     * by shape and thread count). The model's own map, the slow one here, checks at most {@value #CHECKED_ROWS} rows of
     * the first and last call and {@value #SHAPE_CHECKED_ROWS} of the others, spread evenly over them (rows do not
     * interact, so a kernel that computes a shape wrongly shows in any of its rows).
     */
    private String probe(UnaryOperator<Tensor> exact, int blockRows, RowWorkers workers) {
        int k = spec.latentDim();
        java.util.Random random = new java.util.Random(20261206L);
        double worst = 0;
        int probed = 0;
        ProbeCall[] calls = {new ProbeCall(DjlLowPrecisionModel.PROBE_ROWS, CHECKED_ROWS, false),
            new ProbeCall(40, SHAPE_CHECKED_ROWS, false), new ProbeCall(1370, SHAPE_CHECKED_ROWS, false),
            new ProbeCall(Math.min(2 * blockRows + 3, 4099), CHECKED_ROWS, true)};
        for (ProbeCall call : calls) {
            int rows = call.rows();
            float[] z = new float[rows * k];
            for (int i = 0; i < z.length; i++) {
                z[i] = (float) (random.nextGaussian() * (i < z.length / 2 ? 1 : 4));
            }
            Tensor seeds = Tensor.matrix(rows, k, z);
            float[] g = DjlLatentModel.steps(manager, seeds, 1, k, blockRows, ROW_PADDING, call.onWorkers() ? workers : null,
                    this::map, "fused float32 encoder " + spec.encoderFile()).data();
            int checked = Math.min(rows, call.checked());
            float[] picked = new float[checked * k];
            float[] fusedPicked = new float[checked * k];
            for (int c = 0; c < checked; c++) { // row 0 and row rows - 1 among them
                int row = checked == 1 ? 0 : (int) ((long) c * (rows - 1) / (checked - 1));
                System.arraycopy(z, row * k, picked, c * k, k);
                System.arraycopy(g, row * k, fusedPicked, c * k, k);
            }
            float[] f = exact.apply(Tensor.matrix(checked, k, picked)).data();
            double w = DjlLowPrecisionModel.worstRelative(f, fusedPicked, checked, k);
            worst = Math.max(worst, w); // NaN sticks
            probed += checked;
        }
        if (!(worst <= PROBE_TOLERANCE)) {
            return String.format(Locale.ROOT, "the fused float32 modules of %s differ from it by %.3g (relative) on %d probe "
                    + "rows, above %.2g", spec.name(), worst, probed, PROBE_TOLERANCE);
        }
        return null;
    }

    /** One probe call: its rows, how many of them the model's own (slow) map checks, whether on the row workers. */
    private record ProbeCall(int rows, int checked, boolean onWorkers) {}

    /** How the map pads its blocks' rows ({@link DjlLatentModel#latentSteps} and the probe alike). */
    static final DjlLatentModel.RowPadding ROW_PADDING = DjlLatentModel.RowPadding.MULTIPLE_OF_64;

    /** Rows of the 40- and 1,370-row probe calls that the model's own map checks, spread evenly. */
    static final int SHAPE_CHECKED_ROWS = 64;

    /** Rows of one probe call that the model's own map checks: the 1,027 of blocks of 512 all, fewer of bigger ones. */
    static final int CHECKED_ROWS = 1027;

    /** f = E∘D on a block of latents. */
    NDArray map(NDArray z) {
        return forward(encoder, forward(decoder, z, spec.decoderFile()), spec.encoderFile());
    }

    private static NDArray forward(PtSymbolBlock block, NDArray x, Path file) {
        NDList out = IValueUtils.forward(block, new NDList(x), false);
        if (out.isEmpty()) {
            throw new LatentLabException(file + " (float32 on oneDNN) produced no output");
        }
        return out.get(0);
    }

    @Override
    public void close() {
        if (ownEncoder) {
            encoder.close();
        }
        if (ownDecoder) {
            decoder.close();
        }
        manager.close();
    }
}
