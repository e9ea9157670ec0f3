package org.latentlab.itprobe;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.latentlab.launcher.spi.Subcommand;
import org.osgi.service.component.annotations.Component;

/**
 * {@code probe-djl ENGINE MODEL_DIR NAME v1,v2,...}: runs one row through {@code NAME.onnx} (engine
 * {@code OnnxRuntime}) or {@code NAME.pt} (engine {@code PyTorch}) with DJL from the launcher class
 * path, and prints the output values.
 */
@Component(property = {Subcommand.NAME + "=probe-djl", Subcommand.SUMMARY + "=test probe: run a model file via DJL"})
public class DjlProbeCommand implements Subcommand {

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        String engine = args.get(0);
        Path dir = Path.of(args.get(1));
        String name = args.get(2);
        String[] parts = args.get(3).split(",");
        float[] row = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            row[i] = Float.parseFloat(parts[i]);
        }
        Thread t = Thread.currentThread();
        ClassLoader saved = t.getContextClassLoader();
        t.setContextClassLoader(Engine.class.getClassLoader()); // DJL finds engines through the context loader
        try (Model model = Model.newInstance(name, engine)) {
            model.load(dir, name);
            try (Predictor<NDList, NDList> p = model.newPredictor(new NoopTranslator());
                    NDManager m = NDManager.newBaseManager(engine)) {
                NDArray x = m.create(row, new Shape(1, row.length));
                float[] y = p.predict(new NDList(x)).singletonOrThrow().toFloatArray();
                out.println(Arrays.toString(y));
            }
        } finally {
            t.setContextClassLoader(saved);
        }
        return 0;
    }
}
