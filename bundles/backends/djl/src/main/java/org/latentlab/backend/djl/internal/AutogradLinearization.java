package org.latentlab.backend.djl.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.util.function.UnaryOperator;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.model.LinearizedMap;

/**
 * Jacobian-vector and vector-Jacobian products of a latent map by libtorch autograd, for n points at once, without
 * forming a Jacobian. Two graphs are recorded once and kept:
 * <ul>
 * <li>y = f(z₁): each VJP is the gradient of y·w with respect to z₁;</li>
 * <li>g(u) = ∂(f(z₂)·u)/∂z₂ = Jᵀu, recorded with {@code create_graph} at a leaf u: g is linear in u, so the gradient
 * of g·v with respect to u is J v (the "double backward" trick: libtorch through DJL has no forward mode).</li>
 * </ul>
 * Every gradient is taken with {@code torch.autograd.grad} through a tiny TorchScript module ({@link Grad},
 * autograd-grad.pt, made by src/main/python/make_autograd_grad.py): DJL's own backward() would leave each gradient
 * in its leaf's .grad, and a .grad that carries a graph back to its leaf is a reference cycle libtorch never frees.
 * Grad mode is thread-local in libtorch: it is switched on around each call and restored after. Everything lives in
 * one sub-manager of the model's, freed by {@link #close()}.
 */
final class AutogradLinearization implements LinearizedMap {

    /** torch.autograd.grad(output, input, grad_output, retain_graph = True, create_graph) as a TorchScript module. */
    static final class Grad implements AutoCloseable {
        private final PtSymbolBlock module;

        private Grad(PtSymbolBlock module) {
            this.module = module;
        }

        /** Loads the module into {@code manager} (a PyTorch manager); closed with it or by {@link #close()}. */
        static Grad load(NDManager manager) {
            try (java.io.InputStream in = AutogradLinearization.class.getResourceAsStream("autograd-grad.pt")) {
                if (in == null) {
                    throw new LatentLabException("autograd-grad.pt is missing from the backend bundle");
                }
                return new Grad(JniUtils.loadModule((PtNDManager) manager, in, true, false));
            } catch (java.io.IOException e) {
                throw new LatentLabException("autograd-grad.pt could not be read: " + e.getMessage(), e);
            }
        }

        /** ∂(output·gradOutput)/∂input, attached to input's manager; with a graph when createGraph. */
        NDArray apply(NDArray output, NDArray input, NDArray gradOutput, boolean createGraph) {
            try (NDArray flag = input.getManager().create(createGraph)) {
                return IValueUtils.forward(module, new NDList(output, input, gradOutput, flag), true).singletonOrThrow();
            }
        }

        @Override
        public void close() {
            module.close();
        }
    }

    private final Tensor points;
    private final String what;
    private final Grad grad;
    private final NDManager scope;
    private final NDArray z1;
    private final NDArray y1;
    private final NDArray u;
    private final NDArray g;
    private final int n;
    private final int k;

    private AutogradLinearization(Tensor points, String what, Grad grad, NDManager scope, NDArray z1, NDArray y1, NDArray u,
            NDArray g) {
        this.points = points;
        this.what = what;
        this.grad = grad;
        this.scope = scope;
        this.z1 = z1;
        this.y1 = y1;
        this.u = u;
        this.g = g;
        this.n = points.rows();
        this.k = points.width();
    }

    /**
     * Records both graphs at the points.
     *
     * @param f the map on a [n, k] array, recording autograd operations when grad mode is on
     */
    static AutogradLinearization open(String what, NDManager manager, Grad grad, Tensor points, UnaryOperator<NDArray> f) {
        int n = points.rows();
        int k = points.width();
        NDManager scope = manager.newSubManager();
        boolean mode = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try {
            NDArray z1 = scope.create(points.data(), new Shape(n, k));
            z1.setRequiresGradient(true);
            NDArray y1 = output(f.apply(z1), n, k, what);
            NDArray z2 = scope.create(points.data(), new Shape(n, k));
            z2.setRequiresGradient(true);
            NDArray y2 = output(f.apply(z2), n, k, what);
            NDArray u = scope.zeros(new Shape(n, k));
            u.setRequiresGradient(true);
            NDArray g = grad.apply(y2, z2, u, true); // Jᵀu as a function of u: its graph reaches u
            return new AutogradLinearization(points, what, grad, scope, z1, y1, u, g);
        } catch (RuntimeException e) {
            scope.close();
            throw e;
        } finally {
            JniUtils.setGradMode(mode);
        }
    }

    private static NDArray output(NDArray y, int n, int k, String what) {
        if (y.size() != (long) n * k) {
            throw new LatentLabException(what + " returned shape " + y.getShape() + " for " + n + " latents of width " + k);
        }
        return y.reshape(n, k);
    }

    @Override
    public Tensor points() {
        return points;
    }

    @Override
    public Tensor jvp(Tensor directions) {
        return product(g, u, directions, "Jacobian-vector products of ");
    }

    @Override
    public boolean hasVjp() {
        return true;
    }

    @Override
    public Tensor vjp(Tensor cotangents) {
        return product(y1, z1, cotangents, "vector-Jacobian products of ");
    }

    /** ∂(output·x)/∂input for the rows of x. */
    private Tensor product(NDArray output, NDArray input, Tensor x, String label) {
        if (x.rows() != n || x.width() != k) {
            throw new IllegalArgumentException("products of a linearisation at [" + n + ", " + k + "] need [" + n + ", " + k
                    + "], got " + java.util.Arrays.toString(x.shape()));
        }
        return DjlLatentModel.withEngine(() -> {
            boolean mode = JniUtils.isGradMode();
            JniUtils.setGradMode(true);
            try (NDManager call = scope.newSubManager()) {
                NDArray w = call.create(x.data(), new Shape(n, k));
                try (NDArray r = grad.apply(output, input, w, false)) {
                    return Tensor.matrix(n, k, r.toFloatArray());
                }
            } finally {
                JniUtils.setGradMode(mode);
            }
        }, label + what);
    }

    @Override
    public String method() {
        return "autodiff";
    }

    @Override
    public void close() {
        scope.close();
    }
}
