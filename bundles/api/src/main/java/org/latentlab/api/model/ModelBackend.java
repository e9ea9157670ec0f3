package org.latentlab.api.model;

import org.latentlab.api.Capability;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Loads model folders for one inference engine (ONNX Runtime, TorchScript, ND4J weights, ...).
 * Registered as a service with a {@code latentlab.id}; the engine picks a backend by the
 * {@code backend} field of {@code model.json}, else by the first that {@link #accepts} the files.
 */
@ConsumerType
public interface ModelBackend extends Capability {

    /** Whether this backend can run the encoder and decoder files the spec names (by extension). */
    boolean accepts(ModelSpec spec);

    /**
     * Loads the model. The caller closes the returned model.
     *
     * @throws org.latentlab.api.LatentLabException naming the file and the problem when a file is
     *         missing or corrupt, or its input / output shapes disagree with the spec
     */
    LatentModel load(ModelSpec spec);
}
