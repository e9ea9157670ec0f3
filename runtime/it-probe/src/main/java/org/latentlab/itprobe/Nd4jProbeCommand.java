package org.latentlab.itprobe;

import java.io.PrintStream;
import java.util.List;
import org.latentlab.launcher.spi.Subcommand;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.osgi.service.component.annotations.Component;

/**
 * {@code probe-nd4j}: multiplies [[1, 2], [3, 4]] by itself with ND4J (OpenBLAS, from the launcher
 * class path) and prints the result row by row: {@code [7.0, 10.0, 15.0, 22.0]}.
 */
@Component(property = {Subcommand.NAME + "=probe-nd4j", Subcommand.SUMMARY + "=test probe: a matrix product via ND4J"})
public class Nd4jProbeCommand implements Subcommand {

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        Thread t = Thread.currentThread();
        ClassLoader saved = t.getContextClassLoader();
        t.setContextClassLoader(Nd4j.class.getClassLoader()); // ND4J finds its backend through the context loader
        try {
            INDArray a = Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}});
            out.println(java.util.Arrays.toString(a.mmul(a).data().asFloat()));
        } finally {
            t.setContextClassLoader(saved);
        }
        return 0;
    }
}
