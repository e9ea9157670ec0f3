package org.latentlab.experiments.ood.internal;

import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.ood.OodBatch;
import org.latentlab.api.ood.OodScore;
import org.osgi.service.component.annotations.Component;

/** The latent field at the start, ‖f(z0) − z0‖ = ‖z1 − z0‖; reads no training data. */
@Component(property = {ServiceProperties.ID + "=field-norm",
        ServiceProperties.DESCRIPTION + "=the latent field at the start, ||f(z0) - z0|| (needs no training data)"})
public class FieldNormScore implements OodScore {

    @Override
    public boolean needsTraining() {
        return false;
    }

    @Override
    public double[] score(OodBatch batch, Parameters params) {
        return Rows.distances(batch.path(1), batch.path(0));
    }
}
