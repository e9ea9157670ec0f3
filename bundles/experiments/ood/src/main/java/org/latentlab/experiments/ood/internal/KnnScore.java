package org.latentlab.experiments.ood.internal;

import java.util.List;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.ood.OodBatch;
import org.latentlab.api.ood.OodScore;
import org.osgi.service.component.annotations.Component;

/** The paper's baseline: distance from z0 to its k-th nearest training encoding (exact, blocked search). */
@Component(property = {ServiceProperties.ID + "=knn",
        ServiceProperties.DESCRIPTION + "=Euclidean distance from z0 = E(x) to its k-th nearest training encoding (the paper's baseline)"})
public class KnnScore implements OodScore {

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.integer("k", 50, 1, Integer.MAX_VALUE,
                "which neighbour: k = 1 is the nearest (the ood experiment sets it from its knn parameter)"));
    }

    @Override
    public double[] score(OodBatch batch, Parameters params) {
        return batch.reference().kthNearestTrainingCode(batch.path(0), params.getInt("k", 50));
    }
}
