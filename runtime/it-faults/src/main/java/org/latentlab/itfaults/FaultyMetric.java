package org.latentlab.itfaults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.metric.Metric;
import org.latentlab.api.metric.MetricContext;
import org.latentlab.api.metric.MetricResult;
import org.osgi.service.component.annotations.Component;

/**
 * Test-only metric ({@code it-fault}) that misbehaves on purpose: throws an {@link Error}, runs out
 * of memory, or blocks until the test releases it. With {@code entered}, it first creates that file,
 * so a test knows the job has reached its metric stage (a condition to wait on, not a delay).
 */
@Component(property = {ServiceProperties.ID + "=it-fault",
        ServiceProperties.DESCRIPTION + "=test only: a metric that fails in a chosen way"})
public class FaultyMetric implements Metric {

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.text("mode", "error", "error | oom | stackoverflow | block | ok"),
                ParameterSpec.text("entered", "", "file created when compute starts"),
                ParameterSpec.text("release", "", "mode block: compute returns once this file exists (at most 120 s)"),
                ParameterSpec.integer("busyMillis", 0, 0, 60_000, "mode block: once released or interrupted, go on this long "
                        + "without answering interrupts, as a long native call does"));
    }

    @Override
    public MetricResult compute(MetricContext context, Parameters params) {
        String entered = params.getString("entered", "");
        if (!entered.isEmpty()) {
            try {
                Files.writeString(Path.of(entered), "entered");
            } catch (java.io.IOException e) {
                throw new LatentLabException("it-fault: cannot write " + entered);
            }
        }
        switch (params.getString("mode", "error")) {
            case "error" -> throw new AssertionError("it-fault: an Error thrown on purpose");
            case "oom" -> {
                long[][] hog = new long[1 << 20][];
                for (int i = 0; i < hog.length; i++) { // a real OutOfMemoryError from the heap, not a thrown one
                    hog[i] = new long[1 << 24];
                }
                return MetricResult.builder().put("never", hog.length).build();
            }
            case "stackoverflow" -> {
                return recurse(0);
            }
            case "block" -> {
                Path release = Path.of(params.getString("release", ""));
                long end = System.nanoTime() + 120_000_000_000L;
                while (!Files.exists(release) && System.nanoTime() < end) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                busy(params.getInt("busyMillis", 0));
                return MetricResult.builder().put("released", Files.exists(release)).build();
            }
            default -> {
                return MetricResult.builder().put("ok", true).build();
            }
        }
    }

    /** Spins for {@code millis} whatever interrupts come (an interrupt seen is kept for the caller). */
    private static void busy(long millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        boolean interrupted = false;
        while (System.nanoTime() < end) {
            try {
                Thread.sleep(Math.max(1, Math.min(20, (end - System.nanoTime()) / 1_000_000L)));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private MetricResult recurse(int depth) {
        return depth < 0 ? null : recurse(depth + 1);
    }
}
