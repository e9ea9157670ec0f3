package org.latentlab.api.attractor;

import java.util.Map;

/**
 * One distinct fixed point found by an analysis.
 *
 * @param id             index, stable within one result
 * @param latent         position z*
 * @param basinSize      number of seeds whose trajectory ended here
 * @param spectralRadius max |λ| of J_f(z*)
 * @param spectralNorm   ‖J_f(z*)‖₂, which bounds the convergence rate
 * @param stable         all |λ| &lt; 1
 * @param kind           attractor, saddle or repeller
 * @param meanSteps      mean observed steps of the seeds in its basin
 * @param predictedSteps mean over the basin of log(ε/‖e₀‖)/log ρ, with ρ the spectral radius, e₀ = seed − z*
 *                       and ε = √tolerance/(1 − ρ) (the error at which the residual rule stops)
 * @param metrics        per-attractor fields added by metrics, by field name
 */
public record Attractor(int id, float[] latent, int basinSize, double spectralRadius, double spectralNorm,
        boolean stable, FixedPointKind kind, double meanSteps, double predictedSteps, Map<String, Object> metrics) {
}
