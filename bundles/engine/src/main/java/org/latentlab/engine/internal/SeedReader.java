package org.latentlab.engine.internal;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.latentlab.api.Catalog;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.data.SeedSource;
import org.latentlab.api.engine.SeedSpec;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.npy.Npy;

/** Turns a {@link SeedSpec} into latent seeds [n, latentDim], checking shapes and finiteness. */
final class SeedReader {

    private SeedReader() {}

    static Tensor latentSeeds(SeedSpec seeds, LatentModel model, Catalog catalog, int encodeBatch) {
        ModelSpec spec = model.spec();
        Tensor out = switch (seeds.kind()) {
            case LATENTS -> {
                Npy.FloatArray a = read(seeds);
                if (a.shape().length != 2 || a.shape()[1] != spec.latentDim()) {
                    throw new LatentLabException("seeds " + seeds.file() + " have shape " + Arrays.toString(a.shape())
                            + "; latent seeds for model '" + spec.name() + "' must be [n, " + spec.latentDim() + "]");
                }
                checkFinite(seeds.file().toString(), a.data(), spec.latentDim());
                yield Tensor.matrix(a.shape()[0], spec.latentDim(), a.data());
            }
            case INPUTS -> {
                Npy.FloatArray a = read(seeds);
                int[] want = spec.inputShape();
                int rowSize = spec.inputSize();
                boolean exact = a.shape().length == want.length + 1
                        && Arrays.equals(Arrays.copyOfRange(a.shape(), 1, a.shape().length), want);
                boolean flat = a.shape().length == 2 && a.shape()[1] == rowSize;
                if (!exact && !flat) {
                    throw new LatentLabException("inputs " + seeds.file() + " have shape " + Arrays.toString(a.shape())
                            + "; model '" + spec.name() + "' takes [n, " + Arrays.toString(want).replaceAll("[\\[\\]]", "") + "]");
                }
                checkFinite(seeds.file().toString(), a.data(), rowSize);
                int n = a.shape()[0];
                int[] shape = new int[want.length + 1];
                shape[0] = n;
                System.arraycopy(want, 0, shape, 1, want.length);
                yield encodeAll(model, new Tensor(shape, a.data()), encodeBatch);
            }
            case SOURCE -> {
                SeedSource source = catalog.require(SeedSource.class, seeds.source());
                Parameters p = Parameters.resolve("seed source '" + seeds.source() + "'", source.parameters(),
                        seeds.params() == null ? Map.of() : seeds.params());
                yield source.seeds(model, p);
            }
        };
        if (out.rows() == 0) {
            throw new LatentLabException("no seeds: " + seeds.origin() + " holds 0 rows");
        }
        checkFinite(seeds.origin() + " (encoded)", out.data(), out.width());
        return out;
    }

    private static Npy.FloatArray read(SeedSpec seeds) {
        try {
            return Npy.readFloats(seeds.file());
        } catch (IOException e) {
            throw new LatentLabException("cannot read seeds: " + e.getMessage());
        }
    }

    static Tensor encodeAll(LatentModel model, Tensor inputs, int batch) {
        int n = inputs.rows();
        int k = model.spec().latentDim();
        float[] z = new float[n * k];
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            Tensor part = model.encode(inputs.slice(from, to));
            System.arraycopy(part.data(), 0, z, from * k, (to - from) * k);
        }
        return Tensor.matrix(n, k, z);
    }

    static void checkFinite(String what, float[] data, int width) {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                throw new LatentLabException(what + ": row " + i / width + ", column " + i % width + " is "
                        + (Float.isNaN(data[i]) ? "NaN" : "infinite") + "; seeds must be finite");
            }
        }
    }
}
