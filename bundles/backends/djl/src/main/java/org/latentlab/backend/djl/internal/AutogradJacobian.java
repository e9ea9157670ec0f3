package org.latentlab.backend.djl.internal;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.function.UnaryOperator;
import org.latentlab.api.Tensor;

/**
 * Jacobians of a latent map by reverse-mode autodiff in one backward pass: each of the m points is
 * repeated k times, row i of copy a keeps only output i, so the gradient of the sum holds every row
 * of every Jacobian.
 */
final class AutogradJacobian {

    /** Rows (points × k) per backward pass at most. */
    static final int ROWS_PER_PASS = 4096;

    private AutogradJacobian() {}

    /**
     * @param f      the map on a [rows, k] array (must record autograd operations)
     * @param points [m, k]
     * @return [m, k, k] with J[a][i][j] = ∂f_i/∂z_j at point a
     */
    public static Tensor of(String engine, NDManager manager, Tensor points, UnaryOperator<NDArray> f) {
        int m = points.rows();
        int k = points.width();
        int per = Math.max(1, ROWS_PER_PASS / Math.max(1, k));
        if (m > per) { // in groups, so that the recorded graph stays small (1000 points of k = 32: 300 MB in one pass)
            float[] out = Tensor.allocate("Jacobians", m, k, k);
            for (int from = 0; from < m; from += per) {
                int to = Math.min(m, from + per);
                float[] part = of(engine, manager, points.slice(from, to), f).data();
                System.arraycopy(part, 0, out, from * k * k, part.length);
            }
            return new Tensor(new int[] {m, k, k}, out);
        }
        float[] rep = org.latentlab.api.Tensor.allocate("Jacobian rows", m, k, k);
        float[] mask = org.latentlab.api.Tensor.allocate("Jacobian rows", m, k, k);
        for (int a = 0; a < m; a++) {
            for (int i = 0; i < k; i++) {
                System.arraycopy(points.data(), a * k, rep, (a * k + i) * k, k);
                mask[(a * k + i) * k + i] = 1;
            }
        }
        try (NDManager scope = manager.newSubManager(); GradientCollector gc = Engine.getEngine(engine).newGradientCollector()) {
            NDArray z = scope.create(rep, new Shape(m * k, k));
            z.setRequiresGradient(true);
            NDArray y = f.apply(z).reshape(m * k, k);
            gc.backward(y.mul(scope.create(mask, new Shape(m * k, k))).sum());
            return new Tensor(new int[] {m, k, k}, z.getGradient().toFloatArray());
        }
    }
}
