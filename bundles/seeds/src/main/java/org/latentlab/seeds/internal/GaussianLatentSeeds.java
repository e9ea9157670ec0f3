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

/**
 * Gaussian noise in latent space, z ~ N(mean, sigma² I), reproducible from {@code seed}; made whole or block by
 * block (the same numbers: Box–Muller pairs are drawn in order and a pair split by a block's end carries over).
 */
@Component(service = SeedSource.class, property = {ServiceProperties.ID + "=gaussian",
        ServiceProperties.DESCRIPTION + "=Gaussian noise in latent space, N(mean, sigma^2 I)"})
public class GaussianLatentSeeds implements StreamingSeedSource {

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

    @Override
    public int count(LatentModel model, Parameters p) {
        return p.getInt("count", 1000);
    }

    @Override
    public java.util.Iterator<Tensor> blocks(LatentModel model, Parameters p, int rows) {
        int n = count(model, p);
        int k = model.spec().latentDim();
        double mean = p.getDouble("mean", 0);
        double sigma = p.getDouble("sigma", 1);
        SplittableRandom r = new SplittableRandom(p.getLong("seed", 0));
        return new java.util.Iterator<>() {
            int at;
            float carry = Float.NaN; // the second value of a pair whose first ended the last block

            public boolean hasNext() {
                return at < n;
            }

            public Tensor next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                int m = Math.min(rows, n - at);
                float[] z = new float[m * k];
                int from = 0;
                if (!Float.isNaN(carry) && z.length > 0) {
                    z[0] = carry;
                    carry = Float.NaN;
                    from = 1;
                }
                int rest = z.length - from;
                float[] draw = new float[rest + rest % 2];
                org.latentlab.numerics.Gaussian.fill(r, draw, mean, sigma);
                System.arraycopy(draw, 0, z, from, rest);
                if (rest % 2 == 1) {
                    carry = draw[rest];
                }
                at += m;
                return Tensor.matrix(m, k, z);
            }
        };
    }

    static Tensor gaussian(int n, int k, double mean, double sigma, long seed) {
        float[] z = org.latentlab.api.Tensor.allocate("gaussian seeds", n, k);
        org.latentlab.numerics.Gaussian.fill(new SplittableRandom(seed), z, mean, sigma);
        return Tensor.matrix(n, k, z);
    }
}
