package org.latentlab.experiments.dictionary.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.latentlab.api.result.FieldValue;

/**
 * What the {@code dictionary} experiment found, typed for {@link DictionarySection} and written to
 * dictionary.json by {@link DictionaryJson}.
 *
 * @param settings          the settings in force, in order (parameters, seeds of each random part, counts)
 * @param atoms             number of attractor atoms m (also the size of the random and k-means dictionaries)
 * @param latentDim         k
 * @param inputs            number of test inputs n
 * @param sparsities        the sparsity levels s, ascending
 * @param reconstructionMse mean over inputs and pixels of (D(E(x)) − x)²: the floor of every pixel error
 * @param curves            one per method, in {@link Method} order
 * @param decodedAtoms      D(z*) of the attractor behind each atom, in atom order
 */
record DictionaryResult(Map<String, Object> settings, int atoms, int latentDim, int inputs, List<Integer> sparsities,
        double reconstructionMse, List<Curve> curves, List<FieldValue.Image> decodedAtoms) {

    DictionaryResult {
        settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
        sparsities = List.copyOf(sparsities);
        curves = List.copyOf(curves);
        decodedAtoms = List.copyOf(decodedAtoms);
    }

    /**
     * One method's errors at each sparsity (same order as {@link DictionaryResult#sparsities()}).
     *
     * @param method     which
     * @param skipped    why the method did not run (e.g. no training inputs), or empty; then both arrays are empty
     * @param latentMse  mean over inputs and latent coordinates of (ŷ − y)²
     * @param pixelMse   mean over inputs and pixels of (D(ŷ) − x)²
     */
    record Curve(Method method, Optional<String> skipped, double[] latentMse, double[] pixelMse) {
        Curve {
            latentMse = latentMse.clone();
            pixelMse = pixelMse.clone();
        }

        static Curve skipped(Method method, String why) {
            return new Curve(method, Optional.of(why), new double[0], new double[0]);
        }
    }

    Curve curve(Method m) {
        return curves.stream().filter(c -> c.method() == m).findFirst().orElseThrow();
    }
}
