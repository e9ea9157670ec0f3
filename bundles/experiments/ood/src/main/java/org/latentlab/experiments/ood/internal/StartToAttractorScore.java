package org.latentlab.experiments.ood.internal;

import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.ood.OodBatch;
import org.latentlab.api.ood.OodScore;
import org.osgi.service.component.annotations.Component;

/** Distance from z0 to the nearest training attractor. */
@Component(property = {ServiceProperties.ID + "=start-to-attractor",
        ServiceProperties.DESCRIPTION + "=Euclidean distance from z0 = E(x) to the nearest training attractor"})
public class StartToAttractorScore implements OodScore {

    @Override
    public double[] score(OodBatch batch, Parameters params) {
        return batch.reference().nearestAttractor(batch.path(0));
    }
}
