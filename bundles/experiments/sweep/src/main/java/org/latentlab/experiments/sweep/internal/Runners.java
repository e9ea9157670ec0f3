package org.latentlab.experiments.sweep.internal;

import java.util.function.Function;
import org.latentlab.api.sweep.SweepCellRunner;
import org.osgi.service.component.ComponentServiceObjects;

/**
 * The cell runner, got when a sweep runs rather than when a component activates: the catalog binds the sweep
 * experiment and the local executor, the runner needs the engine, and the engine needs the catalog; holding the
 * runner directly would make that an activation cycle.
 */
final class Runners {

    private Runners() {}

    /** Runs {@code work} with {@code fixed} (tests) or with a runner got from {@code objects} and released after. */
    static <T> T with(SweepCellRunner fixed, ComponentServiceObjects<SweepCellRunner> objects, Function<SweepCellRunner, T> work) {
        if (fixed != null) {
            return work.apply(fixed);
        }
        SweepCellRunner r = objects.getService();
        try {
            return work.apply(r);
        } finally {
            objects.ungetService(r);
        }
    }
}
