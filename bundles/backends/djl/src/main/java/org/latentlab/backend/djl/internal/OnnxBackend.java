package org.latentlab.backend.djl.internal;

import org.latentlab.api.ServiceProperties;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelBackend;
import org.latentlab.api.model.ModelSpec;
import org.osgi.service.component.annotations.Component;

/**
 * Runs {@code .onnx} encoders and decoders with ONNX Runtime, through its own Java API ({@link OnnxLatentModel}):
 * DJL's layer over it cost copies per call and hid the session options that matter (docs/performance.md).
 */
@Component(service = ModelBackend.class, property = {ServiceProperties.ID + "=onnx",
        ServiceProperties.DESCRIPTION + "=ONNX Runtime: encoder.onnx / decoder.onnx"})
public class OnnxBackend extends DjlBackend {
    public OnnxBackend() {
        super(OnnxLatentModel.ENGINE, ".onnx");
    }

    @Override
    public LatentModel load(ModelSpec spec) {
        return OnnxLatentModel.load(spec);
    }
}
