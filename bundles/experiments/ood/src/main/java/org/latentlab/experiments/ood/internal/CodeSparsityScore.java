package org.latentlab.experiments.ood.internal;

import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.Tensor;
import org.latentlab.api.ood.OodBatch;
import org.latentlab.api.ood.OodScore;
import org.latentlab.numerics.Sparsity;
import org.osgi.service.component.annotations.Component;

/**
 * Hoyer's sparsity of z0 = E(x), in [0, 1]: networks are observed to fall back to sparse codes on
 * unfamiliar inputs, so a sparser code counts as more out-of-distribution.
 */
@Component(property = {ServiceProperties.ID + "=code-sparsity",
        ServiceProperties.DESCRIPTION + "=Hoyer sparsity of z0 = E(x), (sqrt(k) - |z0|_1/|z0|_2)/(sqrt(k) - 1) (needs no training data)"})
public class CodeSparsityScore implements OodScore {

    @Override
    public boolean needsTraining() {
        return false;
    }

    @Override
    public double[] score(OodBatch batch, Parameters params) {
        Tensor z0 = batch.path(0);
        return Sparsity.hoyerRows(z0.data(), z0.rows(), z0.width());
    }
}
