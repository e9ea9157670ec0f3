package org.latentlab.backend.djl.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.Tensor;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.LinearizedMap;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.layerstack.Layer;
import org.latentlab.layerstack.LayerStack;
import org.latentlab.layerstack.WeightedLayer;

/**
 * Jacobian-vector and vector-Jacobian products by libtorch autograd against Jacobians known in closed form (a
 * layer-stack f(z) = tanh(W z + b), J = diag(1 − tanh²(W z + b)) W at any z) and against the dense autograd Jacobian
 * of a trained TorchScript model.
 */
class LinearizationTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void offline() {
        DjlBackendsTest.offlineEngines();
    }

    /** Folder of f(z) = tanh(W z + b): decoder = linear (W, b), encoder = tanh; latent = input = k. */
    static ModelSpec tanhModel(Path folder, double[][] w, double[] b) throws Exception {
        int k = b.length;
        float[] wf = new float[k * k];
        float[] bf = new float[k];
        for (int i = 0; i < k; i++) {
            bf[i] = (float) b[i];
            for (int j = 0; j < k; j++) {
                wf[i * k + j] = (float) w[i][j];
            }
        }
        Files.createDirectories(folder);
        LayerStack.write(folder, "decoder", List.of(new WeightedLayer(Layer.linear(k, k), wf, bf)));
        LayerStack.write(folder, "encoder", List.of(WeightedLayer.of(Layer.activation("tanh"))));
        return new ModelSpec(folder, "tanh", new int[] {k}, k, "encoder.layers.json", "decoder.layers.json", null);
    }

    static double[] jacobianTimes(double[][] w, double[] b, float[] z, float[] v, boolean transpose) {
        int k = b.length;
        double[] d = new double[k];
        for (int i = 0; i < k; i++) {
            double s = b[i];
            for (int j = 0; j < k; j++) {
                s += w[i][j] * z[j];
            }
            double t = Math.tanh(s);
            d[i] = 1 - t * t;
        }
        double[] out = new double[k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                if (transpose) {
                    out[j] += d[i] * w[i][j] * v[i]; // (D W)ᵀ v = Wᵀ D v
                } else {
                    out[i] += d[i] * w[i][j] * v[j];
                }
            }
        }
        return out;
    }

    static float[] gaussian(int n, Random r, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (scale * r.nextGaussian());
        }
        return x;
    }

    @Test
    void layerStackProductsMatchTheClosedFormJacobianAtManyPointsCallAfterCall() throws Exception {
        Random r = new Random(3);
        int k = 24;
        int n = 5;
        double[][] w = new double[k][k];
        double[] b = new double[k];
        for (int i = 0; i < k; i++) {
            b[i] = r.nextGaussian();
            for (int j = 0; j < k; j++) {
                w[i][j] = r.nextGaussian() / Math.sqrt(k);
            }
        }
        ModelSpec spec = tanhModel(dir.resolve("tanh"), w, b);
        float[] z = gaussian(n * k, r, 1);
        try (LatentModel m = new LayersBackend().load(spec); LinearizedMap lin = m.linearize(Tensor.matrix(n, k, z)).orElseThrow()) {
            assertEquals("autodiff", lin.method());
            assertTrue(lin.hasVjp());
            for (int call = 0; call < 3; call++) { // the leaves' gradients are reset between calls
                float[] v = gaussian(n * k, r, 1);
                float[] jv = lin.jvp(Tensor.matrix(n, k, v)).data();
                float[] jtv = lin.vjp(Tensor.matrix(n, k, v)).data();
                for (int a = 0; a < n; a++) {
                    float[] za = java.util.Arrays.copyOfRange(z, a * k, a * k + k);
                    float[] va = java.util.Arrays.copyOfRange(v, a * k, a * k + k);
                    double[] expect = jacobianTimes(w, b, za, va, false);
                    double[] expectT = jacobianTimes(w, b, za, va, true);
                    for (int i = 0; i < k; i++) {
                        assertEquals(expect[i], jv[a * k + i], 2e-5, "J v, call " + call + ", point " + a + ", row " + i);
                        assertEquals(expectT[i], jtv[a * k + i], 2e-5, "Jᵀ v, call " + call + ", point " + a + ", row " + i);
                    }
                }
            }
            assertThrows(IllegalArgumentException.class, () -> lin.jvp(Tensor.matrix(1, k, new float[k])));
        }
    }

    @Test
    void torchScriptProductsMatchItsDenseAutogradJacobian() {
        ModelSpec spec = DjlBackendsTest.spec(DjlBackendsTest.MODELS.resolve("memorizer-torchscript"), 4, ".pt");
        Random r = new Random(8);
        try (LatentModel m = new TorchScriptBackend().load(spec)) {
            Tensor z = m.encode(DjlBackendsTest.inputs(3, 16, 4));
            float[] jac = m.latentJacobian(z).orElseThrow().data();
            float[] v = gaussian(3 * 4, r, 1);
            try (LinearizedMap lin = m.linearize(z).orElseThrow()) {
                float[] jv = lin.jvp(Tensor.matrix(3, 4, v)).data();
                float[] jtv = lin.vjp(Tensor.matrix(3, 4, v)).data();
                for (int a = 0; a < 3; a++) {
                    for (int i = 0; i < 4; i++) {
                        double e = 0;
                        double et = 0;
                        for (int j = 0; j < 4; j++) {
                            e += jac[(a * 4 + i) * 4 + j] * v[a * 4 + j];
                            et += jac[(a * 4 + j) * 4 + i] * v[a * 4 + j];
                        }
                        assertEquals(e, jv[a * 4 + i], 1e-4 * Math.max(1, Math.abs(e)), "J v at " + a + ", " + i);
                        assertEquals(et, jtv[a * 4 + i], 1e-4 * Math.max(1, Math.abs(et)), "Jᵀ v at " + a + ", " + i);
                    }
                }
            }
            // the model still maps as before (inference, no gradients left behind)
            Tensor again = m.encode(m.decode(z));
            assertEquals(z.rows(), again.rows());
        }
    }

    static org.latentlab.api.dynamics.LatentMap map(LatentModel m) {
        return z -> {
            Tensor y = m.latentSteps(z, 1);
            return Tensor.matrix(z.rows(), z.width(), y.data());
        };
    }

    @Test
    void matrixFreeSpectraOfALayerStackThroughAutogradMatchTheClosedForm() throws Exception {
        int k = 256;
        Random r = new Random(12);
        double[][] g = new double[k][k];
        for (double[] row : g) {
            for (int j = 0; j < k; j++) {
                row[j] = r.nextGaussian();
            }
        }
        double[][] q = new org.apache.commons.math3.linear.QRDecomposition(
                new org.apache.commons.math3.linear.Array2DRowRealMatrix(g, false)).getQ().getData();
        double[][] w = new double[k][k];
        double[] b = new double[k];
        for (int i = 0; i < k; i++) {
            b[i] = r.nextGaussian();
            for (int j = 0; j < k; j++) {
                w[i][j] = 0.5 * q[i][j];
            }
        }
        ModelSpec spec = tanhModel(dir.resolve("tanh256"), w, b);
        // the fixed point and J = diag(1 − z*²) W there, in double
        double[] z = new double[k];
        for (int it = 0; it < 300; it++) {
            double[] next = new double[k];
            for (int i = 0; i < k; i++) {
                double s = b[i];
                for (int j = 0; j < k; j++) {
                    s += w[i][j] * z[j];
                }
                next[i] = Math.tanh(s);
            }
            z = next;
        }
        double[][] jac = new double[k][k];
        double maxD = 0;
        float[] zf = new float[k];
        for (int i = 0; i < k; i++) {
            zf[i] = (float) z[i];
            maxD = Math.max(maxD, 1 - z[i] * z[i]);
            for (int j = 0; j < k; j++) {
                jac[i][j] = (1 - z[i] * z[i]) * w[i][j];
            }
        }
        org.apache.commons.math3.linear.EigenDecomposition eig = new org.apache.commons.math3.linear.EigenDecomposition(
                new org.apache.commons.math3.linear.Array2DRowRealMatrix(jac));
        double rho = 0;
        for (int i = 0; i < k; i++) {
            rho = Math.max(rho, Math.hypot(eig.getRealEigenvalue(i), eig.getImagEigenvalue(i)));
        }
        try (LatentModel m = new LayersBackend().load(spec)) {
            org.latentlab.engine.internal.Spectra.Spectrum s = org.latentlab.engine.internal.Spectra.of(map(m),
                    java.util.Optional.of(m), Tensor.matrix(1, k, zf), org.latentlab.engine.internal.Spectra.Settings.defaults(1e-3),
                    () -> {}, n -> {})[0];
            assertEquals("matrix-free autodiff", s.method());
            assertEquals(0.5 * maxD, s.spectralNorm(), 1e-4, "‖J‖ = max(1 − tanh²)/2 (Lanczos to a relative residual of 1e-3)");
            assertEquals(rho, s.spectralRadius(), 1e-4, "ρ against the dense eigenvalues of the exact Jacobian");
            assertTrue(s.matrixFree().resolved() >= 1 && s.matrixFree().residuals()[0] <= 1e-5, "leading eigenvalue resolved");
            assertTrue(s.matrixFree().normResolved());
            assertEquals(org.latentlab.api.attractor.FixedPointKind.ATTRACTOR, s.kind());
        }
    }

    @Test
    void torchScriptMatrixFreeAndDenseSpectraAgree() {
        ModelSpec spec = DjlBackendsTest.spec(DjlBackendsTest.MODELS.resolve("memorizer-torchscript"), 4, ".pt");
        try (LatentModel m = new TorchScriptBackend().load(spec)) {
            Tensor z = m.encode(DjlBackendsTest.inputs(3, 16, 4));
            org.latentlab.engine.internal.Spectra.Settings dense = org.latentlab.engine.internal.Spectra.Settings.defaults(1e-3);
            org.latentlab.engine.internal.Spectra.Settings free = new org.latentlab.engine.internal.Spectra.Settings(1, 6, 64,
                    1, 3000, 4096, 1e-3, 1024);
            var d = org.latentlab.engine.internal.Spectra.of(map(m), java.util.Optional.of(m), z, dense, () -> {}, n -> {});
            var f = org.latentlab.engine.internal.Spectra.of(map(m), java.util.Optional.of(m), z, free, () -> {}, n -> {});
            var blocked = org.latentlab.engine.internal.Spectra.of(map(m), java.util.Optional.of(m), z,
                    new org.latentlab.engine.internal.Spectra.Settings(1, 6, 64, 2, 3000, 4096, 1e-3, 1024), () -> {}, n -> {});
            for (int a = 0; a < 3; a++) {
                assertEquals("matrix-free autodiff", blocked[a].method());
                assertEquals(d[a].spectralRadius(), blocked[a].spectralRadius(), 1e-5, "blocks of 2, ρ at point " + a);
                assertEquals(d[a].spectralNorm(), blocked[a].spectralNorm(), 1e-5, "blocks of 2, ‖J‖ at point " + a);
                assertEquals("autodiff", d[a].method());
                assertEquals("matrix-free autodiff", f[a].method());
                assertEquals(d[a].spectralRadius(), f[a].spectralRadius(), 1e-5, "ρ at point " + a);
                assertEquals(d[a].spectralNorm(), f[a].spectralNorm(), 1e-5, "‖J‖ at point " + a);
                assertEquals(4, f[a].real().length, "k = 4 ≤ 6 wanted: the whole spectrum");
                assertEquals(d[a].kind(), f[a].kind());
            }
        }
    }

    @Test
    void onnxHasNoAutogradLinearization() {
        ModelSpec spec = DjlBackendsTest.spec(DjlBackendsTest.MODELS.resolve("memorizer"), 4, ".onnx");
        try (LatentModel m = new OnnxBackend().load(spec)) {
            assertFalse(m.linearize(Tensor.matrix(1, 4, new float[4])).isPresent());
        }
    }
}
