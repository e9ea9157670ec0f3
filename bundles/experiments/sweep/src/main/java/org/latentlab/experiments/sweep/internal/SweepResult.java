package org.latentlab.experiments.sweep.internal;

import java.util.List;
import java.util.Map;
import org.latentlab.api.result.FieldValue;
import org.latentlab.api.sweep.CellResult;

/**
 * What a sweep found: every cell (finished or failed), the axes in spec order, and galleries of chosen
 * cells. The details of the sweep's {@link org.latentlab.api.experiment.ExperimentResult}, read by
 * {@link SweepSection}.
 *
 * @param name      the study's name (spec "name", or the file name)
 * @param dataset   data set id
 * @param axes      swept axis names in spec order, each with its values as written in the spec
 * @param cells     one per cell, in grid order
 * @param galleries decoded attractors of chosen cells beside their nearest training examples
 * @param settings  the spec's fixed parts (architecture, base recipe, analysis) for the report's table
 */
record SweepResult(String name, String dataset, Map<String, List<String>> axes, List<CellResult> cells,
        List<Gallery> galleries, Map<String, Object> settings) {

    SweepResult {
        axes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(axes));
        cells = List.copyOf(cells);
        galleries = List.copyOf(galleries);
        settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
    }

    /**
     * Attractors reached from noise on one cell's final model, largest basins first.
     *
     * @param cellId       the cell
     * @param label        the cell's axis values, e.g. "trainingSize=16, latentDim=32"
     * @param attractors   decoded attractors D(z*)
     * @param nearest      for each, the training example with the largest cosine similarity
     * @param memorization for each, that cosine similarity
     * @param basinShare   for each, the share of noise seeds that reached it
     */
    record Gallery(String cellId, String label, List<FieldValue.Image> attractors, List<FieldValue.Image> nearest,
            double[] memorization, double[] basinShare) {
        Gallery {
            attractors = List.copyOf(attractors);
            nearest = List.copyOf(nearest);
        }
    }
}
