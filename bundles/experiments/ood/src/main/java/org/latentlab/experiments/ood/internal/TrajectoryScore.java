package org.latentlab.experiments.ood.internal;

import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.ood.OodBatch;
import org.latentlab.api.ood.OodScore;
import org.osgi.service.component.annotations.Component;

/** The paper's score (Fumero et al. 2025): mean over t = 0..T of the distance from z_t to the nearest training attractor. */
@Component(property = {ServiceProperties.ID + "=trajectory",
        ServiceProperties.DESCRIPTION + "=mean over t = 0..T of the Euclidean distance from z_t to the nearest training attractor (the paper's score)"})
public class TrajectoryScore implements OodScore {

    @Override
    public double[] score(OodBatch batch, Parameters params) {
        double[] sum = new double[batch.size()];
        for (int t = 0; t <= batch.steps(); t++) {
            double[] d = batch.reference().nearestAttractor(batch.path(t));
            for (int i = 0; i < sum.length; i++) {
                sum[i] += d[i];
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= batch.steps() + 1;
        }
        return sum;
    }
}
