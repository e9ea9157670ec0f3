package org.latentlab.api.sweep;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latentlab.api.training.TrainingConfig;

/**
 * One cell of a sweep: a training recipe and what to measure, as plain values so that any executor can
 * run it anywhere. The same cell always gives the same model (training is deterministic from its seed).
 *
 * @param id          stable name of the cell within its sweep, also its folder name, e.g. {@code c003}
 * @param index       position in the grid (row-major over the axes in spec order)
 * @param axes        the swept values of this cell, axis name to value as written in the spec
 * @param dataset     data set id; training uses the first {@code training.trainSize()} inputs of its train split
 * @param training    the full training configuration
 * @param checkpoints steps after which the model is also measured (ascending, below the last step); the final
 *                    model is always measured
 * @param analysis    what to measure
 * @param specHash    hash of the spec parts that shape this cell; a finished cell is reused only when it matches
 */
public record SweepCell(String id, int index, Map<String, String> axes, String dataset, TrainingConfig training,
        List<Integer> checkpoints, CellAnalysis analysis, String specHash) implements Serializable {

    private static final long serialVersionUID = 1L;

    public SweepCell {
        axes = Collections.unmodifiableMap(new LinkedHashMap<>(axes));
        checkpoints = List.copyOf(checkpoints);
    }
}
