package org.latentlab.backend.djl.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EngineMessagesTest {

    @Test
    void aTorchScriptErrorIsItsRuntimeErrorLine() {
        // as DJL reports a traced encoder given 17 values where it takes 16 (shortened traceback)
        String djl = """
                ai.djl.engine.EngineException: The following operation failed in the TorchScript interpreter.
                Traceback of TorchScript, serialized code (most recent call last):
                  File "code/__torch__/torch/nn/modules/linear.py", line 12, in forward
                    return torch.linear(input, weight, bias)
                           ~~~~~~~~~~~~ <--- HERE

                Traceback of TorchScript, original code (most recent call last):
                /usr/lib/python3/dist-packages/torch/nn/modules/linear.py(114): forward
                make_memorizer.py(48): <module>
                RuntimeError: mat1 and mat2 shapes cannot be multiplied (1x17 and 16x32)
                """;
        assertEquals("RuntimeError: mat1 and mat2 shapes cannot be multiplied (1x17 and 16x32)",
                EngineMessages.summary(new RuntimeException(djl)));
    }

    @Test
    void anOnnxRuntimeDimensionErrorKeepsTheIndexLine() {
        String ort = "Error code - ORT_INVALID_ARGUMENT - message: Got invalid dimensions for input: input for the following indices\n"
                + " index: 1 Got: 16 Expected: 4\n Please fix either the inputs or the model.";
        assertEquals("Error code - ORT_INVALID_ARGUMENT - message: Got invalid dimensions for input: input for the following "
                + "indices index: 1 Got: 16 Expected: 4", EngineMessages.summary(new RuntimeException(ort)));
    }

    @Test
    void otherMessagesAreTheirFirstLine() {
        assertEquals("PytorchStreamReader failed reading zip archive: failed finding central directory", EngineMessages.summary(
                new RuntimeException("PytorchStreamReader failed reading zip archive: failed finding central directory\n"
                        + "Exception raised from valid at ../caffe2/serialize/inline_container.cc:236")));
        assertEquals("RuntimeError: one line", EngineMessages.summary(new RuntimeException("RuntimeError: one line")));
        assertEquals("IllegalStateException", EngineMessages.summary(new IllegalStateException()));
    }
}
