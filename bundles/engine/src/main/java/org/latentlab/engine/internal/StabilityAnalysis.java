package org.latentlab.engine.internal;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.FixedPointKind;
import org.latentlab.api.dynamics.LatentMap;

/**
 * Local stability of fixed points: the Jacobian J_f(z*) by central differences (all points and
 * directions in one batched map call), its eigenvalues (Commons Math, real non-symmetric) and its
 * spectral norm ‖J‖₂ (largest singular value).
 */
final class StabilityAnalysis {

    /** Spectrum of one fixed point. */
    record Spectrum(double[] jacobian, double[] real, double[] imag, double spectralRadius, double spectralNorm,
            FixedPointKind kind) {
        boolean stable() {
            return spectralRadius < 1;
        }
    }

    private StabilityAnalysis() {}

    /**
     * @param points  [m, k] fixed points
     * @param relStep difference step relative to max(1, |z_j|)
     */
    static Spectrum[] analyse(LatentMap f, Tensor points, double relStep) {
        int m = points.rows();
        int k = points.width();
        if (m == 0) {
            return new Spectrum[0];
        }
        float[] z = points.data();
        float[] pts = new float[2 * m * k * k];
        float[] width = new float[m * k];
        for (int a = 0; a < m; a++) {
            for (int j = 0; j < k; j++) {
                int plus = (2 * (a * k + j)) * k;
                int minus = plus + k;
                System.arraycopy(z, a * k, pts, plus, k);
                System.arraycopy(z, a * k, pts, minus, k);
                float zj = z[a * k + j];
                float h = (float) (relStep * Math.max(1, Math.abs(zj)));
                pts[plus + j] = zj + h;
                pts[minus + j] = zj - h;
                width[a * k + j] = pts[plus + j] - pts[minus + j]; // the float32 difference actually taken
            }
        }
        float[] fp = f.apply(Tensor.matrix(2 * m * k, k, pts)).data();
        Spectrum[] out = new Spectrum[m];
        for (int a = 0; a < m; a++) {
            double[][] jac = new double[k][k];
            boolean finite = true;
            for (int j = 0; j < k; j++) {
                int plus = (2 * (a * k + j)) * k;
                int minus = plus + k;
                for (int i = 0; i < k; i++) {
                    jac[i][j] = ((double) fp[plus + i] - fp[minus + i]) / width[a * k + j];
                    finite &= Double.isFinite(jac[i][j]);
                }
            }
            out[a] = finite ? spectrum(jac) : undetermined(k);
        }
        return out;
    }

    static Spectrum spectrum(double[][] jac) {
        int k = jac.length;
        RealMatrix J = new Array2DRowRealMatrix(jac, false);
        EigenDecomposition eig = new EigenDecomposition(J);
        double[] re = eig.getRealEigenvalues();
        double[] im = eig.getImagEigenvalues();
        double[] moduli = new double[k];
        double rho = 0;
        for (int i = 0; i < k; i++) {
            moduli[i] = Math.hypot(re[i], im[i]);
            rho = Math.max(rho, moduli[i]);
        }
        double norm = new SingularValueDecomposition(J).getNorm();
        double[] flat = new double[k * k];
        for (int i = 0; i < k; i++) {
            System.arraycopy(jac[i], 0, flat, i * k, k);
        }
        return new Spectrum(flat, re, im, rho, norm, FixedPointKind.of(moduli, 1e-6));
    }

    private static Spectrum undetermined(int k) {
        double[] nan = new double[k];
        java.util.Arrays.fill(nan, Double.NaN);
        return new Spectrum(new double[k * k], nan, nan.clone(), Double.NaN, Double.NaN, FixedPointKind.UNDETERMINED);
    }

    /**
     * Steps plain iteration needs to bring an initial error ‖e₀‖ below ε at rate ρ:
     * log(ε/‖e₀‖) / log ρ; 0 when already within ε, infinite when ρ ≥ 1.
     */
    static double predictedSteps(double e0, double eps, double rho) {
        if (e0 <= eps) {
            return 0;
        }
        if (!(rho < 1)) {
            return Double.POSITIVE_INFINITY;
        }
        if (rho <= 0) {
            return 1;
        }
        return Math.log(eps / e0) / Math.log(rho);
    }
}
