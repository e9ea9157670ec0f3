package org.latentlab.strategies.internal;

import java.util.List;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.dynamics.StreamingIteration;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.dynamics.Trajectory;
import org.osgi.service.component.annotations.Component;

/**
 * Damped (Krasnosel'skii–Mann) iteration z ← (1 − α) z + α f(z): an Euler step of dz/dt = f(z) − z.
 * Same fixed points as f; converges where plain iteration oscillates (eigenvalues of J near −1). A point
 * within tolerance is checked by one plain step (the paper's rule), so the end point is an image of f.
 */
@Component(service = IterationStrategy.class, property = {ServiceProperties.ID + "=damped",
        ServiceProperties.DESCRIPTION + "=damped iteration z <- (1-alpha) z + alpha f(z)"})
public class DampedIteration implements StreamingIteration {

    @Override
    public List<ParameterSpec> parameters() {
        return FixedPointLoop.with(ParameterSpec.real("alpha", 0.5, 1e-6, 1, "step fraction towards f(z)"), MixedPrecision.SPEC);
    }

    @Override
    public List<Trajectory> iterate(LatentMap map, Tensor seeds, Parameters params, Progress progress) {
        return iterate(map, seeds, Math.max(1, seeds.rows()), params, progress);
    }

    @Override
    public List<Trajectory> iterate(LatentMap map, Tensor seeds, int batch, Parameters params, Progress progress) {
        float alpha = (float) params.getDouble("alpha", 0.5);
        FixedPointLoop.Scheme damped = (f, rows, z, fz, k, next, plain, evals) -> {
            for (int i = 0, end = rows.length * k; i < end; i++) {
                next[i] = (1 - alpha) * z[i] + alpha * fz[i];
            }
            if (alpha == 1) {
                java.util.Arrays.fill(plain, true);
            }
        };
        return MixedPrecision.run(map, seeds, batch, params, progress, damped,
                (f, starts) -> FixedPointLoop.run(f, starts, batch, params, progress, damped, FixedPointLoop.Rule.PLAIN_IMAGE));
    }
}
