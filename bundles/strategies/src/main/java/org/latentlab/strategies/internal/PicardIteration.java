package org.latentlab.strategies.internal;

import java.util.List;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.dynamics.StreamingIteration;
import org.latentlab.api.dynamics.Trajectory;
import org.osgi.service.component.annotations.Component;

/**
 * Plain iteration z ← f(z), as in Fumero et al. 2025. Finds attractors only. Runs as {@link PicardRun}: the
 * trajectories of {@link FixedPointLoop} with the identity update, batched for speed (a whole run streamed through
 * one bounded batch, several steps per map call in the tail).
 */
@Component(service = IterationStrategy.class, property = {ServiceProperties.ID + "=picard",
        ServiceProperties.DESCRIPTION + "=plain iteration z <- f(z) (the paper's method; finds attractors only)"})
public class PicardIteration implements StreamingIteration {

    @Override
    public List<ParameterSpec> parameters() {
        return FixedPointLoop.with(MixedPrecision.SPEC);
    }

    @Override
    public List<Trajectory> iterate(LatentMap map, Tensor seeds, Parameters params, Progress progress) {
        return iterate(map, seeds, Math.max(1, seeds.rows()), params, progress);
    }

    @Override
    public List<Trajectory> iterate(LatentMap map, Tensor seeds, int batch, Parameters params, Progress progress) {
        return MixedPrecision.run(map, seeds, batch, params, progress, FixedPointLoop.PLAIN,
                (f, starts) -> PicardRun.run(f, starts, batch, params, progress));
    }

    /**
     * The plain loop this strategy ran before {@link PicardRun} (one map call per step, chunk by chunk): the
     * reference the tests compare it with, here and on real models in the backends' tests.
     */
    public static List<Trajectory> plain(LatentMap map, Tensor seeds, Parameters params, Progress progress) {
        return FixedPointLoop.run(map, seeds, params, progress, FixedPointLoop.PLAIN);
    }
}
