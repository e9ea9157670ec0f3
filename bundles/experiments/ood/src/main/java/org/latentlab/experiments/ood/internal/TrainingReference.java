package org.latentlab.experiments.ood.internal;

import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.ood.OodReference;
import org.latentlab.numerics.NearestNeighbours;

/**
 * The training side of one run: the training encodings and the training attractors, each searched
 * exactly with {@link NearestNeighbours} (blocked, no query × reference matrix).
 */
final class TrainingReference implements OodReference {

    private final Tensor codes;
    private final Tensor attractors;
    private final NearestNeighbours codeSearch;
    private final NearestNeighbours attractorSearch;
    private final String noAttractors;

    /**
     * @param codes      training encodings [n, k]
     * @param attractors training attractors [m, k]; m may be 0, then attractor distances are refused
     * @param noAttractors the message for that refusal (why there are none)
     */
    TrainingReference(Tensor codes, Tensor attractors, String noAttractors) {
        this.noAttractors = noAttractors;
        this.codes = codes;
        this.attractors = attractors;
        this.codeSearch = NearestNeighbours.of(codes.data(), codes.rows(), codes.width());
        this.attractorSearch = attractors.rows() == 0 ? null
                : NearestNeighbours.of(attractors.data(), attractors.rows(), attractors.width());
    }

    @Override
    public Tensor trainingCodes() {
        return codes;
    }

    @Override
    public Tensor attractors() {
        return attractors;
    }

    @Override
    public double[] kthNearestTrainingCode(Tensor points, int k) {
        if (k < 1 || k > codes.rows()) {
            throw new LatentLabException("the " + k + "-th nearest training encoding does not exist: there are "
                    + codes.rows() + " training encodings");
        }
        return codeSearch.search(points.data(), points.rows(), k).kth();
    }

    @Override
    public double[] nearestAttractor(Tensor points) {
        if (attractorSearch == null) {
            throw new LatentLabException(noAttractors);
        }
        return attractorSearch.search(points.data(), points.rows(), 1).nearest();
    }
}
