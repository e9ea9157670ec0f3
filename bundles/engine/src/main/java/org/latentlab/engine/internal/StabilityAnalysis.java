package org.latentlab.engine.internal;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.FixedPointKind;
import org.latentlab.api.dynamics.LatentMap;

/**
 * Local stability of fixed points, the dense path (latent dimensions up to {@link Spectra.Settings#denseMax()}):
 * the Jacobian J_f(z*) by central differences (all points and directions in one batched map call) or automatic
 * differentiation, all its eigenvalues (Commons Math, real non-symmetric) and its spectral norm ‖J‖₂ (largest
 * singular value). Larger latents go through {@link Spectra}'s matrix-free path.
 */
final class StabilityAnalysis {

    private StabilityAnalysis() {}

    /**
     * Spectra from Jacobians given as [m, k, k] (e.g. by automatic differentiation).
     */
    /** |λ| this close to 1 is "undetermined": autodiff Jacobians are exact to float precision. */
    static final double AUTODIFF_BAND = 1e-5;
    /** Central differences in float32 are accurate to about 1e-4: a wider band. */
    static final double FINITE_DIFFERENCE_BAND = 1e-3;

    static Spectra.Spectrum[] fromJacobians(Tensor jacobians) {
        int m = jacobians.shape()[0];
        int k = jacobians.shape()[1];
        Spectra.Spectrum[] out = new Spectra.Spectrum[m];
        java.util.stream.IntStream.range(0, m).parallel().forEach(a -> { // independent small eigenproblems
            double[][] jac = new double[k][k];
            boolean finite = true;
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    jac[i][j] = jacobians.data()[(a * k + i) * k + j];
                    finite &= Double.isFinite(jac[i][j]);
                }
            }
            out[a] = finite ? spectrum(jac) : undetermined(k);
        });
        return out;
    }

    /**
     * Whether Jacobians from automatic differentiation agree with the map: J·e against the central
     * difference of f along one fixed pseudo-random unit direction e per point, within 1e-2 relative
     * (plus an absolute 1e-4 for tiny derivatives), at all but {@link #DISAGREEING_SHARE} of the points. Guards
     * against models whose layers behave differently in the mode autodiff ran in (dropout, batch norm: every point
     * differs); a few points may differ because a ReLU's kink lies within the difference step.
     */
    static boolean agrees(LatentMap f, Tensor points, Tensor jacobians, double relStep) {
        int m = points.rows();
        int k = points.width();
        java.util.Random r = new java.util.Random(42);
        float[] pts = org.latentlab.api.Tensor.allocate("Jacobian points", 2, m, k);
        double[][] e = new double[m][k];
        double[] h = new double[m];
        for (int a = 0; a < m; a++) {
            double norm = 0;
            for (int j = 0; j < k; j++) {
                e[a][j] = r.nextGaussian();
                norm += e[a][j] * e[a][j];
            }
            double zn = 0;
            for (int j = 0; j < k; j++) {
                e[a][j] /= Math.sqrt(norm);
                zn = Math.max(zn, Math.abs(points.data()[a * k + j]));
            }
            h[a] = relStep * Math.max(1, zn);
            for (int j = 0; j < k; j++) {
                pts[(2 * a) * k + j] = (float) (points.data()[a * k + j] + h[a] * e[a][j]);
                pts[(2 * a + 1) * k + j] = (float) (points.data()[a * k + j] - h[a] * e[a][j]);
            }
        }
        float[] fp = f.apply(Tensor.matrix(2 * m, k, pts)).data();
        int disagreeing = 0;
        for (int a = 0; a < m; a++) {
            for (int i = 0; i < k; i++) {
                double fd = ((double) fp[(2 * a) * k + i] - fp[(2 * a + 1) * k + i]) / (2 * h[a]);
                double je = 0;
                for (int j = 0; j < k; j++) {
                    je += jacobians.data()[(a * k + i) * k + j] * e[a][j];
                }
                if (!(Math.abs(fd - je) <= 1e-2 * Math.abs(fd) + 1e-4)) {
                    disagreeing++;
                    break;
                }
            }
        }
        return disagreeing <= DISAGREEING_SHARE * m;
    }

    /** Share of points whose autodiff derivative may disagree with the difference before autodiff is dropped. */
    static final double DISAGREEING_SHARE = 0.1;

    /**
     * @param points  [m, k] fixed points
     * @param relStep difference step relative to max(1, |z_j|)
     */
    static Spectra.Spectrum[] analyse(LatentMap f, Tensor points, double relStep) {
        int m = points.rows();
        int k = points.width();
        if (m == 0) {
            return new Spectra.Spectrum[0];
        }
        double[][][] jacobians = org.latentlab.numerics.FiniteDifferences.central(f, points.data(), m, k, relStep);
        Spectra.Spectrum[] out = new Spectra.Spectrum[m];
        java.util.stream.IntStream.range(0, m).parallel().forEach(a -> {
            double[][] jac = jacobians[a];
            boolean finite = true;
            for (double[] row : jac) {
                for (double v : row) {
                    finite &= Double.isFinite(v);
                }
            }
            out[a] = finite ? spectrum(jac, FINITE_DIFFERENCE_BAND) : undetermined(k);
        });
        return out;
    }

    static Spectra.Spectrum spectrum(double[][] jac) {
        return spectrum(jac, AUTODIFF_BAND);
    }

    /** @param band |λ| within this of 1 is classified undetermined (the Jacobian's own error) */
    static Spectra.Spectrum spectrum(double[][] jac, double band) {
        int k = jac.length;
        RealMatrix J = new Array2DRowRealMatrix(jac, false);
        double[] re;
        double[] im;
        if (J.getNorm() <= 1e-12) { // Commons Math refuses a (numerically) zero matrix: its eigenvalues are 0
            re = new double[k];
            im = new double[k];
        } else {
            try {
                EigenDecomposition eig = new EigenDecomposition(J);
                re = eig.getRealEigenvalues();
                im = eig.getImagEigenvalues();
            } catch (RuntimeException e) { // no convergence: say so rather than fail the analysis
                return undetermined(k);
            }
        }
        double[] moduli = new double[k];
        double rho = 0;
        for (int i = 0; i < k; i++) {
            moduli[i] = Math.hypot(re[i], im[i]);
            rho = Math.max(rho, moduli[i]);
        }
        double norm = new SingularValueDecomposition(J).getNorm();
        return new Spectra.Spectrum(re, im, rho, norm, FixedPointKind.of(moduli, band), band == AUTODIFF_BAND ? "autodiff"
                : "central-differences", null);
    }

    static Spectra.Spectrum undetermined(int k) {
        double[] nan = new double[k];
        java.util.Arrays.fill(nan, Double.NaN);
        return new Spectra.Spectrum(nan, nan.clone(), Double.NaN, Double.NaN, FixedPointKind.UNDETERMINED, null, null);
    }

    /**
     * Steps plain iteration needs to bring an initial error ‖e₀‖ below ε at rate ρ:
     * log(ε/‖e₀‖) / log ρ; 0 when already within ε, infinite when ρ ≥ 1.
     */
    static double predictedSteps(double e0, double eps, double rho) {
        if (!(rho < 1)) {
            return Double.POSITIVE_INFINITY;
        }
        if (e0 <= eps) {
            return 0;
        }
        if (rho <= 0) {
            return 1;
        }
        return Math.log(eps / e0) / Math.log(rho);
    }
}
