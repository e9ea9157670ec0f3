package org.latentlab.engine.internal;

import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.model.LatentModel;

/** f = E∘D of a loaded model, applied in sub-batches so decoded inputs of a big batch never pile up. */
final class ModelLatentMap implements LatentMap {

    private final LatentModel model;
    private final int batch;

    ModelLatentMap(LatentModel model, int batch) {
        this.model = model;
        this.batch = batch;
    }

    @Override
    public Tensor apply(Tensor z) {
        int n = z.rows();
        if (n <= batch) {
            return model.encode(model.decode(z));
        }
        int k = z.width();
        float[] out = org.latentlab.api.Tensor.allocate("f(z)", n, k);
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            Tensor part = model.encode(model.decode(z.slice(from, to)));
            System.arraycopy(part.data(), 0, out, from * k, (to - from) * k);
        }
        return Tensor.matrix(n, k, out);
    }
}
