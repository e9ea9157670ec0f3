package org.latentlab.api.dynamics;

/**
 * When a trajectory counts as converged: the squared step of the map ‖f(z_{t+1}) − f(z_t)‖² falls
 * below {@code tolerance}, or {@code maxSteps} is reached (not converged).
 */
public record StoppingRule(double tolerance, int maxSteps) {

    /** Fumero et al. 2025, small models: 1e-6 or 3000 steps. */
    public static final StoppingRule PAPER_SMALL = new StoppingRule(1e-6, 3000);
    /** Fumero et al. 2025, large models: 1e-5 or 500 steps. */
    public static final StoppingRule PAPER_LARGE = new StoppingRule(1e-5, 500);

    public StoppingRule {
        if (!(tolerance > 0) || maxSteps < 1) {
            throw new IllegalArgumentException("tolerance must be > 0 and maxSteps >= 1");
        }
    }
}
