package org.latentlab.api.sweep;

import java.io.Serializable;
import java.util.List;

/**
 * The measures of one model of a cell: a checkpoint or the final model (definitions: docs/sweeps.md).
 *
 * @param step                 optimiser steps the model was trained for
 * @param isFinal              true for the final model
 * @param trainLoss            mean squared error per input value of D(E(x)) over the cell's training set
 * @param testLoss             the same over the test inputs
 * @param memorizationBaseline mean over the test inputs of max_j cos(x, x_j) over the training set: what
 *                             memorization a model that returns test images would score
 * @param contractionMean      mean over training encodings of ‖J_f(E(x))‖₂
 * @param contractionMedian    median of the same
 * @param contractionMax       maximum of the same
 * @param seedSets             one entry per seed set, in the order train, test, noise
 */
public record CellMeasures(int step, boolean isFinal, double trainLoss, double testLoss, double memorizationBaseline,
        double contractionMean, double contractionMedian, double contractionMax, List<SeedSetMeasures> seedSets)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    public CellMeasures {
        seedSets = List.copyOf(seedSets);
    }

    /** The measures of one seed set, if it was iterated. */
    public java.util.Optional<SeedSetMeasures> seedSet(String seeds) {
        return seedSets.stream().filter(s -> s.seeds().equals(seeds)).findFirst();
    }
}
