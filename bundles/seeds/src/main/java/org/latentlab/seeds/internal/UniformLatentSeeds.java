package org.latentlab.seeds.internal;

import java.util.List;
import java.util.SplittableRandom;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.Tensor;
import org.latentlab.api.data.SeedSource;
import org.latentlab.api.data.StreamingSeedSource;
import org.latentlab.api.model.LatentModel;
import org.osgi.service.component.annotations.Component;

/** Uniform noise in a latent box [low, high]^k, reproducible from {@code seed}; made whole or block by block. */
@Component(service = SeedSource.class, property = {ServiceProperties.ID + "=uniform",
        ServiceProperties.DESCRIPTION + "=uniform noise in the latent box [low, high]^k"})
public class UniformLatentSeeds implements StreamingSeedSource {

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.integer("count", 1000, 1, Integer.MAX_VALUE, "number of seeds"),
                ParameterSpec.real("low", -1, -1e6, 1e6, "lower bound of every coordinate"),
                ParameterSpec.real("high", 1, -1e6, 1e6, "upper bound of every coordinate"),
                ParameterSpec.integer("seed", 0, Long.MIN_VALUE, Long.MAX_VALUE, "random seed"));
    }

    @Override
    public Tensor seeds(LatentModel model, Parameters p) {
        return blocks(model, p, count(model, p)).next();
    }

    @Override
    public int count(LatentModel model, Parameters p) {
        return p.getInt("count", 1000);
    }

    @Override
    public java.util.Iterator<Tensor> blocks(LatentModel model, Parameters p, int rows) {
        int n = count(model, p);
        int k = model.spec().latentDim();
        double lo = p.getDouble("low", -1);
        double hi = p.getDouble("high", 1);
        if (hi < lo) {
            throw new org.latentlab.api.LatentLabException("uniform seeds: high " + hi + " is below low " + lo);
        }
        SplittableRandom r = new SplittableRandom(p.getLong("seed", 0));
        return new java.util.Iterator<>() {
            int at;

            public boolean hasNext() {
                return at < n;
            }

            public Tensor next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                int m = Math.min(rows, n - at);
                float[] z = org.latentlab.api.Tensor.allocate("uniform seeds", m, k);
                for (int i = 0; i < z.length; i++) {
                    z[i] = (float) (lo + (hi - lo) * r.nextDouble());
                }
                at += m;
                return Tensor.matrix(m, k, z);
            }
        };
    }
}
