package org.latentlab.backend.djl.internal;

import org.latentlab.api.ServiceProperties;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelBackend;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.layerstack.LayerStack;
import org.osgi.service.component.annotations.Component;

/** Runs models in LatentLab's layer-stack format ({@code .layers.json}), as {@code latentlab train} writes them. */
@Component(property = {ServiceProperties.ID + "=layers",
        ServiceProperties.DESCRIPTION + "=LatentLab layer stacks (encoder.layers.json + .npy weights) on libtorch via DJL"})
public class LayersBackend implements ModelBackend {

    @Override
    public boolean accepts(ModelSpec spec) {
        return LayerStack.isLayerStack(spec);
    }

    @Override
    public LatentModel load(ModelSpec spec) {
        return LayersLatentModel.load(spec);
    }
}
