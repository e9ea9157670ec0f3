package org.latentlab.experiments.ood.internal;

import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.ood.OodBatch;
import org.latentlab.api.ood.OodScore;
import org.osgi.service.component.annotations.Component;

/** Length of the latent path, Σ_{t<T} ‖z_{t+1} − z_t‖; reads no training data. */
@Component(property = {ServiceProperties.ID + "=path-length",
        ServiceProperties.DESCRIPTION + "=length of the latent path, sum over t < T of ||z_{t+1} - z_t|| (needs no training data)"})
public class PathLengthScore implements OodScore {

    @Override
    public boolean needsTraining() {
        return false;
    }

    @Override
    public double[] score(OodBatch batch, Parameters params) {
        double[] sum = new double[batch.size()];
        for (int t = 0; t < batch.steps(); t++) {
            double[] d = Rows.distances(batch.path(t + 1), batch.path(t));
            for (int i = 0; i < sum.length; i++) {
                sum[i] += d[i];
            }
        }
        return sum;
    }
}
