package org.latentlab.itprobe;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.experiment.Experiment;
import org.latentlab.api.experiment.ExperimentContext;
import org.latentlab.api.experiment.ExperimentResult;
import org.latentlab.api.result.FieldValue;
import org.osgi.service.component.annotations.Component;

/**
 * Experiment {@code it-echo}: needs no model; writes {@code echo.txt} holding its message, one stage per
 * {@code stages}, and can be told to fail ({@code fail=true}) or to hold until cancelled
 * ({@code hold=true}), so the front ends' success, failure and cancel paths can be tested without a model.
 */
@Component(property = {ServiceProperties.ID + "=it-echo",
        ServiceProperties.DESCRIPTION + "=test probe: writes echo.txt with its message, in a few stages"})
public class EchoExperiment implements Experiment {

    /** How long {@code hold=true} waits for a cancel at most, so a forgotten job cannot hang a test run. */
    static final long HOLD_MILLIS = 120_000;

    @Override
    public boolean needsModel() {
        return false;
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.text("message", "hello", "the text written to echo.txt"),
                ParameterSpec.integer("stages", 3, 1, 20, "how many progress stages to report"),
                ParameterSpec.bool("fail", false, "fail after the stages, with a message naming this parameter"),
                ParameterSpec.bool("hold", false, "after the stages, wait until the job is cancelled"));
    }

    @Override
    public ExperimentResult run(ExperimentContext context) throws Exception {
        String message = context.params().getString("message", "hello");
        int stages = context.params().getInt("stages", 3);
        for (int s = 1; s <= stages; s++) {
            context.checkCancelled();
            context.stage("echo-" + s, 1, "stage " + s + " of " + stages);
            context.progress().advance(1);
        }
        Files.writeString(context.outDir().resolve("echo.txt"), message + "\n");
        if (context.params().getBoolean("fail", false)) {
            throw new LatentLabException("it-echo failed as asked (fail=true)");
        }
        if (context.params().getBoolean("hold", false)) {
            context.stage("holding", -1, "waiting to be cancelled");
            long end = System.currentTimeMillis() + HOLD_MILLIS;
            while (System.currentTimeMillis() < end) {
                context.checkCancelled();
                Thread.sleep(20);
            }
            throw new LatentLabException("it-echo held " + HOLD_MILLIS / 1000 + " s and was not cancelled");
        }
        Map<String, FieldValue> summary = new LinkedHashMap<>();
        summary.put("stages", new FieldValue.Int(stages));
        summary.put("message", new FieldValue.Text(message));
        return new ExperimentResult("it-echo", "Echo: " + message, summary, List.of("echo.txt"), null, 0);
    }
}
