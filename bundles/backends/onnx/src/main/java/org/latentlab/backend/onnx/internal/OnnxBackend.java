package org.latentlab.backend.onnx.internal;

import org.latentlab.api.ServiceProperties;
import org.latentlab.api.model.ModelBackend;
import org.latentlab.backend.djl.AbstractDjlBackend;
import org.osgi.service.component.annotations.Component;

/** Runs {@code .onnx} encoders and decoders with ONNX Runtime (through DJL). */
@Component(service = ModelBackend.class, property = {ServiceProperties.ID + "=onnx",
        ServiceProperties.DESCRIPTION + "=ONNX Runtime through DJL: encoder.onnx / decoder.onnx"})
public class OnnxBackend extends AbstractDjlBackend {
    public OnnxBackend() {
        super("OnnxRuntime", ".onnx");
    }
}
