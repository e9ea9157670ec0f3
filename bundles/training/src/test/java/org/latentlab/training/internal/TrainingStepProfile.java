package org.latentlab.training.internal;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.latentlab.api.training.TrainingConfig;
import org.latentlab.layerstack.Layer;

/**
 * Not a test: where a training step's time goes, the op-by-op Adam update (as before FusedAdam) against the fused one,
 * alternating every 25 steps in one process on the default MLP recipe (784-512-256-32, batch 128, random inputs).
 * Run (see docs/performance.md#training-per-step):
 * <pre>
 *   mvn -o -q -B test-compile dependency:build-classpath -pl bundles/training -am -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 *   OMP_WAIT_POLICY=PASSIVE java -cp bundles/training/target/classes:bundles/training/target/test-classes:$(cat bundles/training/target/cp.txt) \
 *       org.latentlab.training.internal.TrainingStepProfile 400
 * </pre>
 */
public class TrainingStepProfile {
    public static void main(String[] a) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        Thread.currentThread().setContextClassLoader(Engine.class.getClassLoader());
        int steps = Integer.parseInt(a[0]);
        TrainingConfig c = new TrainingConfig("mlp", 32, new int[] {512, 256}, "relu", "kaiming-uniform", 1e-5, 0, 0, 20000, 1, 128, 1e-3, 0);
        int[] shape = {1, 28, 28};
        List<Layer> el = Architectures.encoder(c, shape), dl = Architectures.decoder(c, shape);
        Engine engine = Engine.getEngine("PyTorch");
        SplittableRandom rng = new SplittableRandom(1);
        float[] data = new float[20000 * 784];
        for (int i = 0; i < data.length; i++) data[i] = (float) rng.nextDouble();
        long[][] tt = new long[2][6]; int[] cnt = new int[2];
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            TrainableStack enc = TrainableStack.initialise(el, c.init(), 1.0, 1, m);
            TrainableStack dec = TrainableStack.initialise(dl, c.init(), 1.0, 2, m);
            List<NDArray> params = new ArrayList<>(enc.parameters());
            params.addAll(dec.parameters());
            for (NDArray p : params) { p.setRequiresGradient(true); }
            FusedAdam adam = new FusedAdam(params, m);
            List<NDArray[]> moments = new ArrayList<>();
            for (NDArray p : params) {
                moments.add(new NDArray[] {m.zeros(p.getShape()), m.zeros(p.getShape())});
            }
            for (int s = 1; s <= steps; s++) {
                long t0 = System.nanoTime();
                float[] clean = new float[128 * 784];
                int from = (s * 128) % (20000 - 128);
                System.arraycopy(data, from * 784, clean, 0, clean.length);
                try (NDManager step = m.newSubManager()) {
                    NDArray x = step.create(clean, new Shape(128, 1, 28, 28));
                    NDArray xi = x;
                    long t1 = System.nanoTime();
                    long t2;
                    long t3;
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        NDArray rec = dec.forward(enc.forward(xi));
                        NDArray l = rec.sub(x).square().mean();
                        t2 = System.nanoTime();
                        gc.backward(l);
                        t3 = System.nanoTime();
                        l.getFloat(); // as training reads the loss: waits for the step
                    }
                    long t4 = System.nanoTime();
                    int variant = (s / 25) % 2; // 0: op by op (before), 1: fused
                    if (variant == 0) FusedAdamTest.opByOp(params, moments, c, s, step); else adam.step(c, s, step);
                    long t5 = System.nanoTime();
                    if (s > 25 && s % 25 > 2) { long[] v = tt[variant]; cnt[variant]++; v[0] += t1 - t0; v[1] += t2 - t1; v[2] += t3 - t2; v[3] += t4 - t3; v[4] += t5 - t4; v[5] += t5 - t0; }
                }
            }
        }
        for (int v = 0; v < 2; v++) {
            long[] x = tt[v];
            int n = cnt[v];
            System.out.printf("%s (%d steps) per step ms: batch %.2f forward %.2f backward %.2f loss-read %.2f adam %.2f total %.2f%n",
                    v == 0 ? "op-by-op Adam" : "fused Adam", n, x[0] / 1e6 / n, x[1] / 1e6 / n, x[2] / 1e6 / n, x[3] / 1e6 / n,
                    x[4] / 1e6 / n, x[5] / 1e6 / n);
        }
    }
}
