package org.latentlab.experiments.ood.internal;

import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.ood.OodBatch;
import org.latentlab.api.ood.OodScore;
import org.osgi.service.component.annotations.Component;

/** Squared reconstruction error ‖D(E(x)) − x‖², summed (not averaged) over all input values. */
@Component(property = {ServiceProperties.ID + "=reconstruction",
        ServiceProperties.DESCRIPTION + "=squared reconstruction error ||D(E(x)) - x||^2, summed over all input values (needs no training data)"})
public class ReconstructionScore implements OodScore {

    @Override
    public boolean needsTraining() {
        return false;
    }

    @Override
    public double[] score(OodBatch batch, Parameters params) {
        return Rows.squaredDistances(batch.reconstructions(), batch.inputs());
    }
}
