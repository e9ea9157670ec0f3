package org.latentlab.itprobe;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.experiment.Experiment;
import org.latentlab.api.experiment.ExperimentContext;
import org.latentlab.api.experiment.ExperimentResult;
import org.latentlab.api.result.FieldValue;
import org.osgi.service.component.annotations.Component;

/**
 * Experiment {@code it-latent-dim}: needs a model; writes {@code latent-dim.txt} with the model's
 * latent dimension, so the front ends' model handling (paths, model roots) can be tested.
 */
@Component(property = {ServiceProperties.ID + "=it-latent-dim",
        ServiceProperties.DESCRIPTION + "=test probe: writes the model's latent dimension to latent-dim.txt"})
public class LatentDimExperiment implements Experiment {

    @Override
    public ExperimentResult run(ExperimentContext context) throws Exception {
        int dim = context.model().orElseThrow().spec().latentDim();
        context.stage("measuring", 1, "latent dimension " + dim);
        Files.writeString(context.outDir().resolve("latent-dim.txt"), dim + "\n");
        context.progress().advance(1);
        return new ExperimentResult("it-latent-dim", "Latent dimension " + dim, Map.of("latentDim", new FieldValue.Int(dim)),
                List.of("latent-dim.txt"), null, 0);
    }
}
