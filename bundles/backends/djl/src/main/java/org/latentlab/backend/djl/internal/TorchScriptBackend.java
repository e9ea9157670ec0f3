package org.latentlab.backend.djl.internal;

import org.latentlab.api.ServiceProperties;
import org.latentlab.api.model.ModelBackend;
import org.osgi.service.component.annotations.Component;

/** Runs TorchScript {@code .pt} encoders and decoders with libtorch (through DJL). */
@Component(service = ModelBackend.class, property = {ServiceProperties.ID + "=torchscript",
        ServiceProperties.DESCRIPTION + "=PyTorch (libtorch) through DJL: TorchScript encoder.pt / decoder.pt"})
public class TorchScriptBackend extends DjlBackend {
    public TorchScriptBackend() {
        super("PyTorch", ".pt");
    }
}
