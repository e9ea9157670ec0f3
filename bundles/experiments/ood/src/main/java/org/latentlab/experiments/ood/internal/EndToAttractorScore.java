package org.latentlab.experiments.ood.internal;

import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.ood.OodBatch;
import org.latentlab.api.ood.OodScore;
import org.osgi.service.component.annotations.Component;

/** Distance from z_T, the end of the path, to the nearest training attractor. */
@Component(property = {ServiceProperties.ID + "=end-to-attractor",
        ServiceProperties.DESCRIPTION + "=Euclidean distance from z_T (after the experiment's steps) to the nearest training attractor"})
public class EndToAttractorScore implements OodScore {

    @Override
    public double[] score(OodBatch batch, Parameters params) {
        return batch.reference().nearestAttractor(batch.path(batch.steps()));
    }
}
