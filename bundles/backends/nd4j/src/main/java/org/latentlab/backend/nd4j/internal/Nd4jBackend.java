package org.latentlab.backend.nd4j.internal;

import org.latentlab.api.ServiceProperties;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelBackend;
import org.latentlab.api.model.ModelSpec;
import org.osgi.service.component.annotations.Component;

/** Dense layer stacks on ND4J / OpenBLAS: an engine independent of libtorch for the same model files. */
@Component(property = {ServiceProperties.ID + "=nd4j",
        ServiceProperties.DESCRIPTION + "=ND4J (OpenBLAS): dense layer stacks (.layers.json), independent of libtorch"})
public class Nd4jBackend implements ModelBackend {

    @Override
    public boolean accepts(ModelSpec spec) {
        return org.latentlab.layerstack.LayerStack.isLayerStack(spec);
    }

    @Override
    public LatentModel load(ModelSpec spec) {
        return Nd4jLatentModel.load(spec);
    }
}
