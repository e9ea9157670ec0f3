package org.latentlab.api.sweep;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What is measured on each model of a sweep (the final one and every checkpoint).
 *
 * @param trainSeeds      encodings of the first min(trainSeeds, trainSize) training inputs are iterated
 * @param testSeeds       encodings of the first testSeeds test inputs are iterated; they also give the test
 *                        loss and the memorization baseline
 * @param noiseSeeds      Gaussian latent seeds N(0, noiseSigma² I) are iterated
 * @param noiseSigma      standard deviation of the noise seeds
 * @param noiseSeed       random seed of the noise seeds
 * @param jacobianPoints  the spectral norm of J_f is taken at the first min(jacobianPoints, trainSize) training
 *                        encodings
 * @param gallery         decoded attractors (largest basins first) kept per cell for the report, with their
 *                        nearest training examples
 * @param strategy        iteration strategy id
 * @param strategyParams  its parameters as text
 * @param clusterer       clusterer id
 * @param clustererParams its parameters as text
 */
public record CellAnalysis(int trainSeeds, int testSeeds, int noiseSeeds, double noiseSigma, long noiseSeed,
        int jacobianPoints, int gallery, String strategy, Map<String, String> strategyParams, String clusterer,
        Map<String, String> clustererParams) implements Serializable {

    private static final long serialVersionUID = 1L;

    public CellAnalysis {
        strategyParams = Collections.unmodifiableMap(new LinkedHashMap<>(strategyParams));
        clustererParams = Collections.unmodifiableMap(new LinkedHashMap<>(clustererParams));
    }
}
