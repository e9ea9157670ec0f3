package org.latentlab.engine.internal;

import java.util.Arrays;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.model.LatentModel;

/**
 * f = E∘D of a loaded model, applied in sub-batches of the job's {@link ModelBatch} so decoded inputs of a big batch
 * never pile up (and lowered there when the engine runs out of memory). Every call
 * goes through {@link LatentModel#latentSteps}: a backend that runs the decoder and the encoder back to back in its
 * engine (libtorch) does one native call per sub-batch and keeps the decoded inputs there.
 */
final class ModelLatentMap implements LatentMap {

    private final LatentModel model;
    private final ModelBatch batch;
    /** Rows passed through this map. */
    private final java.util.concurrent.atomic.AtomicLong rows = new java.util.concurrent.atomic.AtomicLong();
    private ModelLatentMap low;
    private boolean lowTried;

    ModelLatentMap(LatentModel model, ModelBatch batch) {
        this.model = model;
        this.batch = batch;
    }

    /**
     * The model's low-precision version ({@link LatentModel#lowPrecision()}) as a map of its own, made on first use and
     * kept: its rows are counted apart ({@link #lowPrecisionRows()}).
     */
    @Override
    public synchronized java.util.Optional<LatentMap> lowPrecision() {
        if (!lowTried) {
            lowTried = true;
            low = model.lowPrecision().map(m -> new ModelLatentMap(m, batch)).orElse(null);
        }
        return java.util.Optional.ofNullable(low);
    }

    /** Rows the low-precision version evaluated so far (0 when there is none or it was not used). */
    synchronized long lowPrecisionRows() {
        return low == null ? 0 : low.rows.get();
    }

    @Override
    public Tensor apply(Tensor z) {
        Tensor out = applySteps(z, 1);
        return Tensor.matrix(z.rows(), z.width(), out.data());
    }

    @Override
    public Tensor applySteps(Tensor z, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        int n = z.rows();
        int k = z.width();
        rows.addAndGet((long) n * steps);
        if (n <= batch.size()) { // one call, no copy (the common case; a call that fails for memory goes below)
            try {
                return checked(model.latentSteps(z, steps), n, k, steps);
            } catch (RuntimeException | OutOfMemoryError e) {
                if (!ModelBatch.isAllocationFailure(e) || n <= 1) {
                    throw e;
                }
            }
        }
        float[] out = Tensor.allocate("f(z)", steps, n, k);
        batch.forEach(n, (from, to) -> {
            float[] part = checked(model.latentSteps(z.slice(from, to), steps), to - from, k, steps).data();
            for (int s = 0; s < steps; s++) { // part is [steps, rows, k]: each step's block goes to its place
                System.arraycopy(part, s * (to - from) * k, out, (s * n + from) * k, (to - from) * k);
            }
        });
        return new Tensor(new int[] {steps, n, k}, out);
    }

    private Tensor checked(Tensor out, int n, int k, int steps) {
        if (out.data().length != (long) steps * n * k) {
            throw new LatentLabException("model '" + model.spec().name() + "' returned " + Arrays.toString(out.shape())
                    + " for " + steps + " steps of the latent map on [" + n + ", " + k + "]");
        }
        return out.shape().length == 3 ? out : new Tensor(new int[] {steps, n, k}, out.data());
    }
}
