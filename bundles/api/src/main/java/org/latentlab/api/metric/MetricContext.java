package org.latentlab.api.metric;

import java.util.List;
import java.util.Optional;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.model.LatentModel;
import org.osgi.annotation.versioning.ProviderType;

/** Everything a metric may read about a finished run. Provided by the engine. */
@ProviderType
public interface MetricContext {

    /** The model, still open while metrics run; empty for runs on a plain latent map. */
    Optional<LatentModel> model();

    /** The seeds [n, k] in latent space. */
    Tensor seeds();

    /** One trajectory per seed. */
    List<Trajectory> trajectories();

    /** The distinct attractors found. */
    List<Attractor> attractors();

    /** Attractor id of each seed, -1 when it did not converge. */
    int[] labels();

    /** Training inputs [n, ...inputShape] when the run was given a training set. */
    Optional<Tensor> trainingInputs();
}
