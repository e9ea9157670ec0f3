package org.latentlab.experiments.ood.internal;

import java.util.List;
import org.latentlab.api.Tensor;
import org.latentlab.api.ood.OodBatch;
import org.latentlab.api.ood.OodReference;

/**
 * One batch as every score sees it.
 *
 * @param inputs          x [b, ...inputShape]
 * @param path            z_0 .. z_T, each [b, latentDim]
 * @param reconstructions D(E(x)) [b, ...inputShape]
 * @param reference       the training side
 */
record Batch(Tensor inputs, List<Tensor> path, Tensor reconstructions, OodReference reference) implements OodBatch {

    Batch {
        path = List.copyOf(path);
    }

    @Override
    public int size() {
        return inputs.rows();
    }

    @Override
    public int steps() {
        return path.size() - 1;
    }

    @Override
    public Tensor path(int t) {
        return path.get(t);
    }
}
