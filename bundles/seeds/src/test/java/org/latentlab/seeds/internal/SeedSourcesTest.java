package org.latentlab.seeds.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.latentlab.api.Tensor;
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
}
