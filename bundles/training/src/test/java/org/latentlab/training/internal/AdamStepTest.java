package org.latentlab.training.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.latentlab.api.training.TrainingConfig;

/** One Adam step leaves nothing behind in the training's long-lived manager (a leak once grew by ~17 MB a step). */
class AdamStepTest {

    @BeforeAll
    static void offlineEngine() {
        System.setProperty("ai.djl.offline", "true");
        String cache = Path.of(System.getProperty("java.io.tmpdir"), "latentlab-test-djl").toString();
        System.setProperty("DJL_CACHE_DIR", cache);
        System.setProperty("ENGINE_CACHE_DIR", cache);
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
    }

    @Test
    void stepsDoNotGrowTheLongLivedManager() {
        Thread.currentThread().setContextClassLoader(Engine.class.getClassLoader());
        TrainingConfig c = TrainingConfig.defaults();
        for (double decay : new double[] {0, 1e-4}) {
            TrainingConfig cfg = new TrainingConfig(c.architecture(), c.latentDim(), c.hidden(), c.activation(), c.init(), decay,
                    0, 0, 16, 1, 16, 1e-3, 0);
            try (NDManager m = NDManager.newBaseManager("PyTorch")) {
                List<NDArray> params = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    NDArray p = m.randomNormal(new Shape(8, 4));
                    p.setRequiresGradient(true);
                    params.add(p);
                }
                FusedAdam adam = new FusedAdam(params, m);
                int before = -1;
                for (int t = 1; t <= 5; t++) {
                    try (NDManager step = m.newSubManager()) {
                        try (var gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                            NDArray x = step.ones(new Shape(2, 8)); // computed from x: everything lives in the step's scope
                            NDArray loss = x.matMul(params.get(0)).square().sum().add(x.matMul(params.get(1)).sum())
                                    .add(x.matMul(params.get(2)).abs().sum());
                            gc.backward(loss);
                        }
                        adam.step(cfg, t, step);
                    }
                    int now = m.getManagedArrays().size();
                    if (before >= 0) {
                        assertEquals(before, now, "arrays in the training's manager after step " + t + " (weight decay " + decay + ")");
                    }
                    before = now;
                }
            }
        }
    }
}
