package org.latentlab.api.dynamics;

import java.util.List;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * An {@link IterationStrategy} that runs a whole seed set with a bounded batch: at most {@code batch} seeds are
 * followed at a time and the next seed starts as soon as one finishes. Map calls stay full until the seeds run
 * out, and the slow seeds of the whole run share one tail instead of one tail per chunk. The engine uses it when
 * a strategy has it, and runs other strategies chunk after chunk.
 *
 * <p>The trajectories must be those {@link #iterate(LatentMap, Tensor, Parameters, Progress)} gives for the same
 * seeds (same end points, steps and flags, same seed numbering): only the batching differs.
 */
@ConsumerType
public interface StreamingIteration extends IterationStrategy {

    /**
     * Runs every seed, at most {@code batch} at a time.
     *
     * @param map      the latent map f
     * @param seeds    [n, k] starting points, all of the run
     * @param batch    how many seeds to follow at once (at least 1)
     * @param params   values of {@link #parameters()}, defaults filled in
     * @param progress where to report finished work and learn of cancellation
     * @return one trajectory per seed, in seed order, numbered 0 to n - 1
     */
    List<Trajectory> iterate(LatentMap map, Tensor seeds, int batch, Parameters params, Progress progress);
}
