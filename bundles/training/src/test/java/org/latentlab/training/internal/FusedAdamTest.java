package org.latentlab.training.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.latentlab.api.training.TrainingConfig;

/**
 * The fused Adam step computes the numbers of the op-by-op libtorch update it replaced (kept below as it was), over
 * several steps of a small network, with and without weight decay, for tensors small enough for one pass and large
 * enough to be split between threads: the moments bit for bit; the parameters to within the rounding of one square
 * root (libtorch's vectorised float square root is not always correctly rounded: about 0.7 % of its results are one
 * ulp off the exact root that Java computes).
 */
class FusedAdamTest {

    @BeforeAll
    static void offlineEngine() {
        System.setProperty("ai.djl.offline", "true");
        String cache = Path.of(System.getProperty("java.io.tmpdir"), "latentlab-test-djl").toString();
        System.setProperty("DJL_CACHE_DIR", cache);
        System.setProperty("ENGINE_CACHE_DIR", cache);
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
    }

    /** The update as DjlAutoencoderTraining ran it before FusedAdam: one libtorch operation at a time. */
    static void opByOp(List<NDArray> params, List<NDArray[]> moments, TrainingConfig c, long t, NDManager scope) {
        double b1 = 0.9;
        double b2 = 0.999;
        double lr = c.learningRate() * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
            NDArray grad = p.getGradient();
            grad.attach(scope);
            NDArray w = p.stopGradient();
            w.attach(scope);
            NDArray g = c.weightDecay() > 0 ? grad.add(w.mul(c.weightDecay())) : grad;
            NDArray[] mv = moments.get(i);
            mv[0].muli(b1).addi(g.mul(1 - b1));
            mv[1].muli(b2).addi(g.square().mul(1 - b2));
            NDArray root = mv[1].sqrt();
            root.attach(scope);
            NDArray ratio = mv[0].div(root.add(1e-8));
            ratio.attach(scope);
            w.subi(ratio.mul(lr));
            grad.muli(0);
        }
    }

    static TrainingConfig config(double decay, double lr) {
        TrainingConfig c = TrainingConfig.defaults();
        return new TrainingConfig(c.architecture(), c.latentDim(), c.hidden(), c.activation(), c.init(), decay, 0, 0, 16, 1,
                16, lr, 0);
    }

    /** Parameters of a two-layer network: a large weight (split between threads), a small one and a bias. */
    static List<NDArray> params(NDManager m, long seed) {
        Random r = new Random(seed);
        long[][] shapes = {{300, 400}, {400, 3}, {3}};
        List<NDArray> out = new ArrayList<>();
        for (long[] s : shapes) {
            int n = (int) new Shape(s).size();
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) (r.nextGaussian() * (i % 7 == 0 ? 3 : 0.05));
            }
            NDArray p = m.create(v, new Shape(s));
            p.setRequiresGradient(true);
            out.add(p);
        }
        return out;
    }

    static List<NDArray[]> zeroMoments(List<NDArray> params, NDManager m) {
        List<NDArray[]> out = new ArrayList<>();
        for (NDArray p : params) {
            out.add(new NDArray[] {m.zeros(p.getShape()), m.zeros(p.getShape())});
        }
        return out;
    }

    /**
     * Weights wa and wb stepped from w0 agree within a square root's rounding: the step is m / (sqrt(v) + eps) * lr, a
     * root one ulp off moves it by about one ulp and the new weight is rounded once more, so within a few ulps of each.
     * Returns the largest difference as a share of its tolerance.
     */
    static double assertWithinRootRounding(float[] w0, float[] wa, float[] wb, String at) {
        double worst = 0;
        for (int j = 0; j < wa.length; j++) {
            double stepA = (double) w0[j] - wa[j];
            float big = Math.max(Math.abs(w0[j]), Math.max(Math.abs(wa[j]), Math.abs(wb[j])));
            double tol = 4 * Math.ulp((float) Math.abs(stepA)) + 2 * Math.ulp(big);
            double diff = Math.abs((double) wa[j] - wb[j]);
            assertTrue(diff <= tol, at + "[" + j + "]: " + wa[j] + " and " + wb[j]);
            worst = Math.max(worst, diff / tol);
        }
        return worst;
    }

    static void backward(List<NDArray> p, NDManager scope, int step) {
        try (var gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray x = scope.randomNormal(new Shape(5, 300)).mul(step % 2 == 0 ? 1 : 1e-3);
            NDArray y = x.matMul(p.get(0)).tanh().matMul(p.get(1)).add(p.get(2));
            gc.backward(y.square().mean().add(y.sum().mul(0.1)));
        }
    }

    @Test
    void fusedStepsGiveTheOpByOpNumbers() {
        Thread.currentThread().setContextClassLoader(Engine.class.getClassLoader());
        for (double decay : new double[] {0, 1e-5, 0.3}) {
            for (double lr : new double[] {1e-3, 0.05}) {
                TrainingConfig c = config(decay, lr);
                try (NDManager m = NDManager.newBaseManager("PyTorch")) {
                    List<NDArray> a = params(m, 7);
                    List<NDArray> b = params(m, 7);
                    List<NDArray[]> ma = zeroMoments(a, m);
                    FusedAdam fused = new FusedAdam(b, m);
                    double worst = 0;
                    for (int t = 1; t <= 6; t++) {
                        // both start the step from the same state, so that rounding differences do not compound
                        for (int i = 0; i < a.size(); i++) {
                            FusedAdam.floats(b.get(i)).put(a.get(i).toFloatArray());
                            FusedAdam.floats(fused.moments(i)[0]).put(ma.get(i)[0].toFloatArray());
                            FusedAdam.floats(fused.moments(i)[1]).put(ma.get(i)[1].toFloatArray());
                        }
                        Engine.getEngine("PyTorch").setRandomSeed(t);
                        try (NDManager step = m.newSubManager()) {
                            backward(a, step, t);
                        }
                        Engine.getEngine("PyTorch").setRandomSeed(t);
                        try (NDManager step = m.newSubManager()) {
                            backward(b, step, t);
                        }
                        String at = "decay " + decay + ", lr " + lr + ", step " + t;
                        List<float[]> before = new ArrayList<>();
                        for (int i = 0; i < a.size(); i++) {
                            assertArrayEquals(a.get(i).getGradient().toFloatArray(), b.get(i).getGradient().toFloatArray(), 0f,
                                    at + ": the same gradient " + i);
                            before.add(a.get(i).toFloatArray());
                        }
                        try (NDManager step = m.newSubManager()) {
                            opByOp(a, ma, c, t, step);
                        }
                        try (NDManager step = m.newSubManager()) {
                            fused.step(c, t, step);
                        }
                        for (int i = 0; i < a.size(); i++) {
                            assertArrayEquals(ma.get(i)[0].toFloatArray(), fused.moments(i)[0].toFloatArray(), 0f, at + ": m " + i);
                            assertArrayEquals(ma.get(i)[1].toFloatArray(), fused.moments(i)[1].toFloatArray(), 0f, at + ": v " + i);
                            assertArrayEquals(a.get(i).getGradient().toFloatArray(), b.get(i).getGradient().toFloatArray(), 0f,
                                    at + ": gradient " + i + " after the step");
                            float[] wa = a.get(i).toFloatArray();
                            float[] wb = b.get(i).toFloatArray();
                            worst = Math.max(worst, assertWithinRootRounding(before.get(i), wa, wb, at + ": parameter " + i));
                        }
                    }
                    System.out.println("decay " + decay + ", lr " + lr + ": largest difference / tolerance " + worst);
                    float[] moved = b.get(0).toFloatArray();
                    float[] start = params(m, 7).get(0).toFloatArray();
                    int changed = 0;
                    for (int i = 0; i < moved.length; i++) {
                        changed += moved[i] != start[i] ? 1 : 0;
                    }
                    assertTrue(changed > moved.length / 2, "the steps moved the weights: " + changed);
                }
            }
        }
    }

    @Test
    void aGradientInPartsIsTheirSum() {
        // MlpStep's parts: the update with parts P and Q is the op-by-op update with the gradient P + Q (added in float)
        Thread.currentThread().setContextClassLoader(Engine.class.getClassLoader());
        TrainingConfig c = config(0.3, 0.05);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            List<NDArray> a = params(m, 11);
            List<NDArray> b = params(m, 11);
            List<NDArray[]> ma = zeroMoments(a, m);
            FusedAdam fused = new FusedAdam(b, m);
            Random r = new Random(3);
            for (int t = 1; t <= 3; t++) {
                List<float[]> before = new ArrayList<>();
                for (int i = 0; i < a.size(); i++) {
                    FusedAdam.floats(b.get(i)).put(a.get(i).toFloatArray());
                    before.add(a.get(i).toFloatArray());
                }
                NDArray[] pp = new NDArray[a.size()];
                NDArray[] qq = new NDArray[a.size()];
                try (NDManager step = m.newSubManager()) {
                    try (var gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                        NDArray loss = null;
                        for (int i = 0; i < a.size(); i++) {
                            int n = (int) a.get(i).size();
                            float[] p = new float[n];
                            float[] q = new float[n];
                            float[] sum = new float[n];
                            for (int j = 0; j < n; j++) {
                                p[j] = (float) r.nextGaussian();
                                q[j] = (float) (r.nextGaussian() * 1e-3);
                                sum[j] = p[j] + q[j];
                            }
                            pp[i] = m.create(p, a.get(i).getShape());
                            qq[i] = m.create(q, a.get(i).getShape());
                            NDArray term = a.get(i).mul(step.create(sum, a.get(i).getShape())).sum(); // gradient: sum
                            loss = loss == null ? term : loss.add(term);
                        }
                        gc.backward(loss);
                    }
                    opByOp(a, ma, c, t, step);
                }
                fused.step(c, t, List.of(pp, qq));
                for (int i = 0; i < a.size(); i++) {
                    assertArrayEquals(ma.get(i)[0].toFloatArray(), fused.moments(i)[0].toFloatArray(), 0f, "step " + t + ": m " + i);
                    assertArrayEquals(ma.get(i)[1].toFloatArray(), fused.moments(i)[1].toFloatArray(), 0f, "step " + t + ": v " + i);
                    float[] wa = a.get(i).toFloatArray();
                    float[] wb = b.get(i).toFloatArray();
                    assertWithinRootRounding(before.get(i), wa, wb, "step " + t + ": parameter " + i);
                    assertTrue(pp[i].toFloatArray()[0] != 0, "the parts are read, not zeroed");
                }
            }
        }
    }

    @Test
    void aStepUpdatesTheTensorsInPlaceAndZeroesTheGradient() {
        // one parameter, gradient 2 everywhere, no decay: m = 0.2, v = 0.004, lr_1 = lr * sqrt(0.001) / 0.1,
        // w -= lr_1 * 0.2 / (sqrt(0.004) + 1e-8) = lr * (almost exactly) 1
        Thread.currentThread().setContextClassLoader(Engine.class.getClassLoader());
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray p = m.create(new float[] {1, 2, 3});
            p.setRequiresGradient(true);
            FusedAdam adam = new FusedAdam(List.of(p), m);
            try (NDManager step = m.newSubManager()) {
                try (var gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    gc.backward(p.mul(2).sum());
                }
                adam.step(config(0, 0.01), 1, step);
            }
            assertArrayEquals(new float[] {0.99f, 1.99f, 2.99f}, p.toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0.2f, 0.2f, 0.2f}, adam.moments(0)[0].toFloatArray(), 1e-7f);
            assertArrayEquals(new float[] {0.004f, 0.004f, 0.004f}, adam.moments(0)[1].toFloatArray(), 1e-9f);
            assertArrayEquals(new float[] {0, 0, 0}, p.getGradient().toFloatArray(), 0f);
            assertEquals(3, p.getShape().size());
        }
    }
}
