package org.latentlab.api.attractor;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.latentlab.api.result.FieldValue;

/**
 * One distinct fixed point found by an analysis. Immutable: arrays are copied in and out, and metric
 * fields are attached by building a new attractor ({@link #withFields(Map)}).
 *
 * @param id              index, stable within one result
 * @param latent          position z*
 * @param basinSize       number of seeds whose trajectory ended here
 * @param spectralRadius  max |λ| of J_f(z*)
 * @param spectralNorm    ‖J_f(z*)‖₂, which bounds the convergence rate
 * @param stable          all |λ| &lt; 1
 * @param kind            attractor, saddle or repeller
 * @param meanSteps       mean observed steps of the seeds in its basin
 * @param predictedSteps  mean over the basin of log(ε/‖e₀‖)/log ρ, with ρ the spectral radius, e₀ = seed − z*
 *                        and ε = √tolerance/(1 − ρ) (the error at which the residual rule stops)
 * @param eigenvaluesReal real parts of the eigenvalues of J_f(z*); empty when not computed
 * @param eigenvaluesImag imaginary parts, in the same order
 * @param jacobian        how J_f(z*) was obtained ({@code autodiff}, {@code central-differences}); null when not computed
 * @param fields          per-attractor values added by metrics, by field name, in the order they were added
 */
public record Attractor(int id, float[] latent, int basinSize, double spectralRadius, double spectralNorm,
        boolean stable, FixedPointKind kind, double meanSteps, double predictedSteps, double[] eigenvaluesReal,
        double[] eigenvaluesImag, String jacobian, Map<String, FieldValue> fields) {

    public Attractor {
        latent = latent.clone();
        eigenvaluesReal = eigenvaluesReal == null ? new double[0] : eigenvaluesReal.clone();
        eigenvaluesImag = eigenvaluesImag == null ? new double[0] : eigenvaluesImag.clone();
        if (eigenvaluesReal.length != eigenvaluesImag.length) {
            throw new IllegalArgumentException("attractor " + id + ": " + eigenvaluesReal.length + " real parts but "
                    + eigenvaluesImag.length + " imaginary parts");
        }
        fields = copy(fields);
    }

    /** An attractor without eigenvalues or metric fields (e.g. for tests and plain latent maps). */
    public Attractor(int id, float[] latent, int basinSize, double spectralRadius, double spectralNorm, boolean stable,
            FixedPointKind kind, double meanSteps, double predictedSteps) {
        this(id, latent, basinSize, spectralRadius, spectralNorm, stable, kind, meanSteps, predictedSteps, null, null, null,
                Map.of());
    }

    /**
     * This attractor with {@code more} fields added after its own; a field already present keeps its
     * place and takes the new value.
     */
    public Attractor withFields(Map<String, FieldValue> more) {
        Map<String, FieldValue> merged = new LinkedHashMap<>(fields);
        merged.putAll(more);
        return new Attractor(id, latent, basinSize, spectralRadius, spectralNorm, stable, kind, meanSteps, predictedSteps,
                eigenvaluesReal, eigenvaluesImag, jacobian, merged);
    }

    @Override
    public float[] latent() {
        return latent.clone();
    }

    @Override
    public double[] eigenvaluesReal() {
        return eigenvaluesReal.clone();
    }

    @Override
    public double[] eigenvaluesImag() {
        return eigenvaluesImag.clone();
    }

    /** The dimension of the latent space. */
    public int latentDim() {
        return latent.length;
    }

    private static Map<String, FieldValue> copy(Map<String, FieldValue> fields) {
        if (fields == null || fields.isEmpty()) {
            return Map.of();
        }
        Map<String, FieldValue> out = new LinkedHashMap<>();
        fields.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new IllegalArgumentException("an attractor field needs a name and a value, got " + k + "=" + v);
            }
            out.put(k, v);
        });
        return Collections.unmodifiableMap(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attractor a && id == a.id && basinSize == a.basinSize
                && Double.compare(spectralRadius, a.spectralRadius) == 0 && Double.compare(spectralNorm, a.spectralNorm) == 0
                && stable == a.stable && kind == a.kind && Double.compare(meanSteps, a.meanSteps) == 0
                && Double.compare(predictedSteps, a.predictedSteps) == 0 && Arrays.equals(latent, a.latent)
                && Arrays.equals(eigenvaluesReal, a.eigenvaluesReal) && Arrays.equals(eigenvaluesImag, a.eigenvaluesImag)
                && java.util.Objects.equals(jacobian, a.jacobian) && fields.equals(a.fields);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * id + Arrays.hashCode(latent)) + fields.hashCode();
    }

    @Override
    public String toString() {
        return "Attractor#" + id + "[" + kind + ", basin " + basinSize + ", ρ " + spectralRadius + ", fields " + fields.keySet() + "]";
    }
}
