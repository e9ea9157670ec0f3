package org.latentlab.backend.djl.internal;

import java.nio.file.Path;
import org.latentlab.api.Tensor;
import org.latentlab.api.model.LatentModel;

/**
 * Run in a JVM of its own by {@link OnnxLatentModelTest}: the 'onnx' backend is the first to use ONNX Runtime in the
 * process, then DJL's OnnxRuntime engine must still load the same files (DJL fails for good when it does not create
 * ONNX Runtime's environment itself). Prints the largest difference between the two decodings.
 */
public final class OnnxFirstProcess {
    public static void main(String[] args) {
        DjlBackendsTest.offlineEngines();
        Path folder = Path.of(args[0]);
        Tensor z = LatentStepsTest.gaussian(5, 4, 1, 9);
        try (LatentModel fresh = new OnnxBackend().load(DjlBackendsTest.spec(folder, 4, ".onnx"));
                LatentModel djl = DjlLatentModel.load(DjlBackendsTest.spec(folder, 4, ".onnx"), "OnnxRuntime")) {
            float[] a = fresh.decode(z).data();
            float[] b = djl.decode(z).data();
            double max = 0;
            for (int i = 0; i < a.length; i++) {
                max = Math.max(max, Math.abs(a[i] - b[i]));
            }
            System.out.println("max difference " + max);
        }
    }
}
