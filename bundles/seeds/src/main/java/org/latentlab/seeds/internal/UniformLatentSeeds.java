package org.latentlab.seeds.internal;

import java.util.List;
import java.util.SplittableRandom;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.Tensor;
import org.latentlab.api.data.SeedSource;
import org.latentlab.api.model.LatentModel;
import org.osgi.service.component.annotations.Component;

/** Uniform noise in a latent box [low, high]^k, reproducible from {@code seed}. */
@Component(property = {ServiceProperties.ID + "=uniform",
        ServiceProperties.DESCRIPTION + "=uniform noise in the latent box [low, high]^k"})
public class UniformLatentSeeds implements SeedSource {

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.integer("count", 1000, 1, Integer.MAX_VALUE, "number of seeds"),
                ParameterSpec.real("low", -1, -1e6, 1e6, "lower bound of every coordinate"),
                ParameterSpec.real("high", 1, -1e6, 1e6, "upper bound of every coordinate"),
                ParameterSpec.integer("seed", 0, Long.MIN_VALUE, Long.MAX_VALUE, "random seed"));
    }

    @Override
    public Tensor seeds(LatentModel model, Parameters p) {
        int n = p.getInt("count", 1000);
        int k = model.spec().latentDim();
        double lo = p.getDouble("low", -1);
        double hi = p.getDouble("high", 1);
        if (hi < lo) {
            throw new org.latentlab.api.LatentLabException("uniform seeds: high " + hi + " is below low " + lo);
        }
        SplittableRandom r = new SplittableRandom(p.getLong("seed", 0));
        float[] z = org.latentlab.api.Tensor.allocate("uniform seeds", n, k);
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return Tensor.matrix(n, k, z);
    }
}
