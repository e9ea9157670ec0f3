package org.latentlab.api.attractor;

/** Local type of a fixed point z* of f, from the moduli of the eigenvalues of J_f(z*). */
public enum FixedPointKind {
    /** All |λ| &lt; 1: nearby trajectories converge to it. */
    ATTRACTOR,
    /** Some |λ| &lt; 1, some &gt; 1. */
    SADDLE,
    /** All |λ| &gt; 1. */
    REPELLER,
    /** Some |λ| = 1 within tolerance, or the Jacobian could not be computed. */
    UNDETERMINED;

    /** Classifies from eigenvalue moduli, treating |λ| within {@code eps} of 1 as undetermined. */
    public static FixedPointKind of(double[] moduli, double eps) {
        boolean in = false, out = false;
        for (double m : moduli) {
            if (Double.isNaN(m) || Math.abs(m - 1) <= eps) {
                return UNDETERMINED;
            }
            if (m < 1) {
                in = true;
            } else {
                out = true;
            }
        }
        return in && out ? SADDLE : out ? REPELLER : in ? ATTRACTOR : UNDETERMINED;
    }
}
