package org.latentlab.seeds.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.data.StreamingSeedSource;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelSpec;
import org.junit.jupiter.api.Test;

class SeedSourcesTest {

    @Test
    void gridIsRowMajorWithEndpointsIncluded() {
        Tensor g = GridLatentSeeds.grid(-1, 1, 3, 0, 2, 2);
        assertArrayEquals(new float[] {-1, 0, 0, 0, 1, 0, -1, 2, 0, 2, 1, 2}, g.data());
    }

    @Test
    void gaussianSeedsHaveTheAskedMomentsAndRepeatFromTheSeed() {
        Tensor a = GaussianLatentSeeds.gaussian(20000, 2, 1.5, 2, 7);
        double mean = 0;
        double var = 0;
        for (float v : a.data()) {
            mean += v / a.data().length;
        }
        for (float v : a.data()) {
            var += (v - mean) * (v - mean) / a.data().length;
        }
        assertEquals(1.5, mean, 0.05);
        assertEquals(4.0, var, 0.15);
        assertArrayEquals(a.data(), GaussianLatentSeeds.gaussian(20000, 2, 1.5, 2, 7).data());
    }

    /** A model of latent dimension k that is only asked for its spec. */
    static LatentModel latent(int k) {
        ModelSpec spec = new ModelSpec(Path.of("/m"), "m", new int[] {1}, k, "e", "d", null);
        return (LatentModel) java.lang.reflect.Proxy.newProxyInstance(LatentModel.class.getClassLoader(),
                new Class<?>[] {LatentModel.class}, (proxy, m, args) -> {
                    if (m.getName().equals("spec")) {
                        return spec;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    @Test
    void blocksAreTheSeedsMadeWholeForAnyBlockSize() {
        // latent dimension 3 and blocks of 7 rows: 21 values, so Gaussian pairs are split across blocks
        LatentModel m = latent(3);
        for (StreamingSeedSource s : new StreamingSeedSource[] {new GaussianLatentSeeds(), new UniformLatentSeeds()}) {
            Parameters p = Parameters.resolve("seeds", s.parameters(), Map.of("count", "101", "seed", "5"));
            Tensor whole = s.seeds(m, p);
            assertEquals(101, s.count(m, p));
            for (int rows : new int[] {1, 7, 50, 101, 1000}) {
                float[] got = new float[whole.data().length];
                int at = 0;
                Iterator<Tensor> it = s.blocks(m, p, rows);
                while (it.hasNext()) {
                    Tensor b = it.next();
                    assertEquals(3, b.width());
                    System.arraycopy(b.data(), 0, got, at, b.data().length);
                    at += b.data().length;
                }
                assertEquals(whole.data().length, at);
                assertArrayEquals(whole.data(), got, s.getClass().getSimpleName() + " in blocks of " + rows);
            }
        }
    }
}
