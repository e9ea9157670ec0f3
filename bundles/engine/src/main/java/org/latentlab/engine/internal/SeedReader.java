package org.latentlab.engine.internal;

import java.io.IOException;
import java.util.Arrays;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.data.SeedSource;
import org.latentlab.api.data.StreamingSeedSource;
import org.latentlab.api.engine.SeedSpec;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.io.LatentPoints;
import org.latentlab.npy.Npy;

/** Turns a {@link SeedSpec} into latent seeds [n, latentDim], checking shapes and finiteness. */
final class SeedReader {

    private SeedReader() {}

    /** @param source the seed source bound when the job was accepted (for {@link SeedSpec.Kind#SOURCE}) */
    static Tensor latentSeeds(SeedSpec seeds, LatentModel model, Analysis.Choice<SeedSource> source, ModelBatch encodeBatch) {
        ModelSpec spec = model.spec();
        Tensor out = switch (seeds.kind()) {
            case LATENTS -> {
                Npy.FloatArray a = read(seeds);
                LatentPoints.requireShape(latentsWhat(seeds, spec), a.shape(), -1, spec.latentDim());
                LatentPoints.requireFinite(latentsWhat(seeds, spec), a.data(), spec.latentDim(), 0);

                yield Tensor.matrix(a.shape()[0], spec.latentDim(), a.data());
            }
            case INPUTS -> {
                if (!org.latentlab.io.InputFiles.isNpy(seeds.file())) {
                    yield otherInputs(seeds, model, encodeBatch);
                }
                // Streamed: only one batch of inputs (e.g. 1024 images) is in memory at a time.
                Npy.Header h = header(seeds);
                int rowSize = spec.inputSize();
                int[] shape = h.shape();
                checkInputShape(seeds, spec, shape);
                yield encodeInBatches(model, shape[0], encodeBatch, (from, to) -> {
                    float[] x = readRows(seeds, h, from, to).data();
                    checkFinite(seeds.file().toString(), x, rowSize, from);
                    return new Tensor(spec.batchShape(to - from), x);
                });
            }
            case SOURCE -> {
                Tensor z = source.service().seeds(model, source.params());
                if (z == null || z.shape().length != 2 || z.width() != spec.latentDim()) {
                    throw new LatentLabException("seed source '" + source.id() + "' returned " + z + " for model '" + spec.name()
                            + "'; latent seeds must be [n, " + spec.latentDim() + "]");
                }
                yield z;
            }
        };
        if (out.rows() == 0) {
            throw new LatentLabException("no seeds: " + seeds.origin() + " holds 0 rows");
        }
        checkFinite(seeds.origin() + " (encoded)", out.data(), out.width());
        return out;
    }

    /**
     * The seeds as a {@link SeedInput}: read whole as by {@link #latentSeeds} when there are at most {@code inMemory}
     * of them (or they cannot be read otherwise); else a latent .npy file is read, an input .npy file encoded and a
     * {@link StreamingSeedSource} asked, one block at a time, each block checked as it comes.
     */
    static SeedInput latentSeedInput(SeedSpec seeds, LatentModel model, Analysis.Choice<SeedSource> source, ModelBatch encodeBatch,
            int inMemory) {
        ModelSpec spec = model.spec();
        int k = spec.latentDim();
        boolean npy = seeds.kind() != SeedSpec.Kind.SOURCE && org.latentlab.io.InputFiles.isNpy(seeds.file());
        if (npy) {
            Npy.Header h = header(seeds);
            int n = h.shape().length == 0 ? 0 : h.shape()[0];
            if (n > inMemory && seeds.kind() == SeedSpec.Kind.LATENTS) {
                LatentPoints.requireShape(latentsWhat(seeds, spec), h.shape(), -1, k);
                return SeedInput.of(n, k, (from, to) -> {
                    float[] z = readRows(seeds, h, from, to).data();
                    LatentPoints.requireFinite(latentsWhat(seeds, spec), z, k, from);
                    return Tensor.matrix(to - from, k, z);
                });
            }
            if (n > inMemory && seeds.kind() == SeedSpec.Kind.INPUTS) {
                checkInputShape(seeds, spec, h.shape());
                int rowSize = spec.inputSize();
                return SeedInput.of(n, k, (from, to) -> {
                    Tensor z = encodeInBatches(model, to - from, encodeBatch, (a, b) -> {
                        float[] x = readRows(seeds, h, from + a, from + b).data();
                        checkFinite(seeds.file().toString(), x, rowSize, from + a);
                        return new Tensor(spec.batchShape(b - a), x);
                    });
                    checkFinite(seeds.origin() + " (encoded)", z.data(), k, from);
                    return z;
                });
            }
        }
        if (seeds.kind() == SeedSpec.Kind.SOURCE && source.service() instanceof StreamingSeedSource streaming) {
            int n = streaming.count(model, source.params());
            if (n > inMemory) {
                String what = "seed source '" + source.id() + "'";
                java.util.Iterator<Tensor> blocks = streaming.blocks(model, source.params(), 1 << 16);
                SeedInput in = SeedInput.of(n, k, blocks, what);
                return SeedInput.of(n, k, (from, to) -> { // read in order: each block checked as it comes
                    Tensor z = in.next(to - from);
                    checkFinite(seeds.origin(), z.data(), k, from);
                    return z;
                });
            }
        }
        return SeedInput.of(latentSeeds(seeds, model, source, encodeBatch));
    }

    private static void checkInputShape(SeedSpec seeds, ModelSpec spec, int[] shape) {
        int[] want = spec.inputShape();
        boolean exact = shape.length == want.length + 1 && Arrays.equals(Arrays.copyOfRange(shape, 1, shape.length), want);
        boolean flat = shape.length == 2 && shape[1] == spec.inputSize();
        if (!exact && !flat) {
            throw new LatentLabException("inputs " + seeds.file() + " have shape " + Arrays.toString(shape)
                    + "; model '" + spec.name() + "' takes [n, " + Arrays.toString(want).replaceAll("[\\[\\]]", "") + "]");
        }
    }

    /** Latent seed files up to this size are read (block by block) when a job is submitted, to refuse NaNs at once. */
    static final long CHECK_WHOLE_BYTES = 256L << 20;
    /** Rows checked at a time. */
    static final int CHECK_ROWS = 1 << 16;

    /**
     * What can be checked of a seed file before the model is loaded: its header against the model's
     * shapes, and (for latent seeds of moderate size) every value finite. Throws with the file name.
     */
    static void checkBeforeRun(SeedSpec seeds, ModelSpec spec) {
        if ((seeds.kind() != SeedSpec.Kind.LATENTS && seeds.kind() != SeedSpec.Kind.INPUTS)
                || !org.latentlab.io.InputFiles.isNpy(seeds.file())) {
            return;
        }
        Npy.Header h = header(seeds);
        int[] shape = h.shape();
        if (seeds.kind() == SeedSpec.Kind.LATENTS) {
            LatentPoints.requireShape(latentsWhat(seeds, spec), shape, -1, spec.latentDim());
        } else {
            int[] want = spec.inputShape();
            boolean exact = shape.length == want.length + 1 && Arrays.equals(Arrays.copyOfRange(shape, 1, shape.length), want);
            boolean flat = shape.length == 2 && shape[1] == spec.inputSize();
            if (!exact && !flat) {
                throw new LatentLabException("inputs " + seeds.file() + " have shape " + Arrays.toString(shape) + "; model '"
                        + spec.name() + "' takes [n, " + Arrays.toString(want).replaceAll("[\\[\\]]", "") + "]");
            }
        }
        if (shape[0] == 0) {
            throw new LatentLabException("no seeds: " + seeds.file() + " holds 0 rows");
        }
        if (seeds.kind() == SeedSpec.Kind.LATENTS && (long) shape[0] * shape[1] * h.itemSize() <= CHECK_WHOLE_BYTES) {
            for (int from = 0; from < shape[0]; from += CHECK_ROWS) { // in blocks: the heap need not hold the file
                int to = (int) Math.min(shape[0], (long) from + CHECK_ROWS);
                LatentPoints.requireFinite(latentsWhat(seeds, spec), readRows(seeds, h, from, to).data(), spec.latentDim(), from);
            }
        }
    }

    /** How seed files are named in messages: the file, and the model whose latentDim they must match. */
    private static String latentsWhat(SeedSpec seeds, ModelSpec spec) {
        return "seeds " + seeds.file() + " (for model '" + spec.name() + "', latentDim " + spec.latentDim() + " in model.json)";
    }

    /** CSV, IDX or a folder of PNG images: read whole, then encoded in batches. */
    private static Tensor otherInputs(SeedSpec seeds, LatentModel model, ModelBatch batch) {
        ModelSpec spec = model.spec();
        Tensor x;
        try {
            x = org.latentlab.io.InputFiles.read(seeds.file());
        } catch (IOException e) {
            throw new LatentLabException("cannot read inputs: " + e.getMessage());
        }
        if (x.width() != spec.inputSize()) {
            throw new LatentLabException("inputs " + seeds.file() + " have shape " + Arrays.toString(x.shape()) + "; model '"
                    + spec.name() + "' takes " + Arrays.toString(spec.inputShape()) + " per input");
        }
        checkFinite(seeds.file().toString(), x.data(), x.width());
        Tensor inputs = new Tensor(spec.batchShape(x.rows()), x.data());
        return encodeInBatches(model, x.rows(), batch, inputs::slice);
    }

    /** E of n inputs, {@code batch} rows at a time (fewer when the engine runs out of memory); {@code rows} gives inputs [from, to). */
    static Tensor encodeInBatches(LatentModel model, int n, ModelBatch batch, java.util.function.BiFunction<Integer, Integer, Tensor> rows) {
        int k = model.spec().latentDim();
        float[] z = Tensor.allocate("encoded inputs", n, k);
        batch.forEach(n, (from, to) ->
                System.arraycopy(model.encode(rows.apply(from, to)).data(), 0, z, from * k, (to - from) * k));
        return Tensor.matrix(n, k, z);
    }

    private static Npy.Header header(SeedSpec seeds) {
        try {
            return Npy.header(seeds.file());
        } catch (IOException e) {
            throw new LatentLabException("cannot read seeds: " + e.getMessage());
        }
    }

    private static Npy.FloatArray readRows(SeedSpec seeds, Npy.Header h, int from, int to) {
        try {
            return Npy.readRows(seeds.file(), h, from, to);
        } catch (IOException e) {
            throw new LatentLabException("cannot read seeds: " + e.getMessage());
        }
    }

    private static Npy.FloatArray read(SeedSpec seeds) {
        try {
            return Npy.readFloats(seeds.file());
        } catch (IOException e) {
            throw new LatentLabException("cannot read seeds: " + e.getMessage());
        }
    }

    static void checkFinite(String what, float[] data, int width) {
        checkFinite(what, data, width, 0);
    }

    static void checkFinite(String what, float[] data, int width, int firstRow) {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                throw new LatentLabException(what + ": row " + (firstRow + i / width) + ", column " + i % width + " is "
                        + (Float.isNaN(data[i]) ? "NaN" : "infinite") + "; seeds must be finite");
            }
        }
    }
}
