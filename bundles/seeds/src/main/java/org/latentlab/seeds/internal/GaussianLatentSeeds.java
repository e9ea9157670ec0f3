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

/** Gaussian noise in latent space, z ~ N(mean, sigma² I), reproducible from {@code seed}. */
@Component(property = {ServiceProperties.ID + "=gaussian",
        ServiceProperties.DESCRIPTION + "=Gaussian noise in latent space, N(mean, sigma^2 I)"})
public class GaussianLatentSeeds implements SeedSource {

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.integer("count", 1000, 1, Integer.MAX_VALUE, "number of seeds"),
                ParameterSpec.real("mean", 0, -1e6, 1e6, "mean of every coordinate"),
                ParameterSpec.real("sigma", 1, 0, 1e6, "standard deviation of every coordinate"),
                ParameterSpec.integer("seed", 0, Long.MIN_VALUE, Long.MAX_VALUE, "random seed"));
    }

    @Override
    public Tensor seeds(LatentModel model, Parameters p) {
        return gaussian(p.getInt("count", 1000), model.spec().latentDim(), p.getDouble("mean", 0), p.getDouble("sigma", 1),
                p.getLong("seed", 0));
    }

    static Tensor gaussian(int n, int k, double mean, double sigma, long seed) {
        float[] z = org.latentlab.api.Tensor.allocate("gaussian seeds", n, k);
        org.latentlab.numerics.Gaussian.fill(new SplittableRandom(seed), z, mean, sigma);
        return Tensor.matrix(n, k, z);
    }
}
