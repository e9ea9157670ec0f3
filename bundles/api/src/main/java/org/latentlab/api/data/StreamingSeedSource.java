package org.latentlab.api.data;

import java.util.Iterator;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.model.LatentModel;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A seed source that makes its seeds block by block: the same seeds, in the same order, as
 * {@link #seeds(LatentModel, Parameters)}, so a run of many seeds never holds them all. The engine uses it for runs
 * of more seeds than it keeps in memory.
 */
@ConsumerType
public interface StreamingSeedSource extends SeedSource {

    /** How many seeds {@link #seeds(LatentModel, Parameters)} makes with these parameters. */
    int count(LatentModel model, Parameters params);

    /** The seeds in order, [at most {@code rows}, latentDim] per block; only the last block may be shorter. */
    Iterator<Tensor> blocks(LatentModel model, Parameters params, int rows);
}
