package org.latentlab.backend.djl.internal;

import org.latentlab.api.ServiceProperties;
import org.latentlab.api.model.ModelBackend;
import org.osgi.service.component.annotations.Component;

/** Runs {@code .onnx} encoders and decoders with ONNX Runtime (through DJL). */
@Component(service = ModelBackend.class, property = {ServiceProperties.ID + "=onnx",
        ServiceProperties.DESCRIPTION + "=ONNX Runtime through DJL: encoder.onnx / decoder.onnx"})
public class OnnxBackend extends DjlBackend {
    public OnnxBackend() {
        super("OnnxRuntime", ".onnx");
    }
}
