package org.latentlab.numerics;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * Whether a fixed point attracts: every eigenvalue of its Jacobian strictly inside the unit circle (Commons Math's
 * dense eigendecomposition; meant for the small latents where a dense Jacobian is at hand). Newton's and chord steps
 * converge to saddles and repellers as well, so the strategies and the polishing ask this before they trust a point.
 */
public final class Attraction {

    private Attraction() {}

    /** True when every eigenvalue of J has modulus below 1; false when J is null or the decomposition fails (NaN entries). */
    public static boolean attracting(double[][] jacobian) {
        if (jacobian == null) {
            return false;
        }
        try {
            EigenDecomposition e = new EigenDecomposition(new Array2DRowRealMatrix(jacobian, false));
            double[] re = e.getRealEigenvalues();
            double[] im = e.getImagEigenvalues();
            for (int i = 0; i < re.length; i++) {
                if (!(Math.hypot(re[i], im[i]) < 1)) {
                    return false;
                }
            }
            return true;
        } catch (RuntimeException noConvergence) {
            return false;
        }
    }
}
