package org.latentlab.strategies.internal;

import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.LatentMap;

/** Small helpers for flat row-major batches. */
final class Maps {
    private Maps() {}

    /** f on rows of a flat [n × k] array, checking the map kept the shape. */
    static float[] apply(LatentMap f, float[] z, int n, int k) {
        if (n == 0) {
            return new float[0];
        }
        Tensor out = f.apply(Tensor.matrix(n, k, z));
        if (out.rows() != n || out.width() != k) {
            throw new LatentLabException("the latent map returned shape " + java.util.Arrays.toString(out.shape())
                    + " for a [" + n + ", " + k + "] batch");
        }
        return out.data();
    }

    static float[] gather(float[] src, int[] rows, int k) {
        float[] out = new float[rows.length * k];
        for (int a = 0; a < rows.length; a++) {
            System.arraycopy(src, rows[a] * k, out, a * k, k);
        }
        return out;
    }
}
