package org.latentlab.api.data;

import org.latentlab.api.Capability;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.model.LatentModel;
import org.osgi.annotation.versioning.ConsumerType;

/** Makes latent seeds for a model: latent noise, encoded noise images, grids, encoded data. */
@ConsumerType
public interface SeedSource extends Capability {

    /** [n, latentDim] seeds for the model. */
    Tensor seeds(LatentModel model, Parameters params);
}
