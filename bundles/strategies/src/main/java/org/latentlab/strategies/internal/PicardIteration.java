package org.latentlab.strategies.internal;

import java.util.List;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.dynamics.Trajectory;
import org.osgi.service.component.annotations.Component;

/** Plain iteration z ← f(z), as in Fumero et al. 2025. Finds attractors only. */
@Component(property = {ServiceProperties.ID + "=picard",
        ServiceProperties.DESCRIPTION + "=plain iteration z <- f(z) (the paper's method; finds attractors only)"})
public class PicardIteration implements IterationStrategy {

    @Override
    public List<ParameterSpec> parameters() {
        return FixedPointLoop.COMMON;
    }

    @Override
    public List<Trajectory> iterate(LatentMap map, Tensor seeds, Parameters params, Progress progress) {
        return FixedPointLoop.run(map, seeds, params, progress, FixedPointLoop.PLAIN);
    }
}
