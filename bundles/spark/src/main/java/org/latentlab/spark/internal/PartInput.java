package org.latentlab.spark.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.latentlab.api.engine.SeedPartExecutor;

/**
 * One seed part as a Spark task carries it to {@code latentlab analyze-part}: plain JSON without the seeds' path, and
 * without the model's when the model is shipped. The seeds travel inside the task (the driver reads them from the lab's
 * disk as it sends the task; the task writes them to a file of its own, given as {@code --seeds}); the model is the folder
 * given as {@code --model} (unpacked on the executor) or else {@link #modelFolder} (a path the workers share).
 *
 * @param modelFolder the model at a path the workers read, or null when it is shipped
 */
record PartInput(String modelFolder, String strategy, Map<String, String> strategyParams, int chunkSize, int modelBatch, int index,
        long from, int count) {

    static PartInput of(SeedPartExecutor.PartJob job, SeedPartExecutor.SeedPart part, boolean modelShipped) {
        return new PartInput(modelShipped ? null : job.modelFolder().toString(), job.strategy(), job.strategyParams(), job.chunkSize(),
                job.modelBatch(), part.index(), part.from(), part.count());
    }

    /** The part, its seeds in {@code seeds}. */
    SeedPartExecutor.SeedPart part(Path seeds) {
        return new SeedPartExecutor.SeedPart(index, from, count, seeds);
    }

    /** A job of this one part, its seeds in {@code seeds}, the model in {@code model} (null: {@link #modelFolder}), whose folder is {@code out}. */
    SeedPartExecutor.PartJob job(Path out, Path seeds, Path model) {
        return new SeedPartExecutor.PartJob(model != null ? model : Path.of(modelFolder), strategy, strategyParams, chunkSize, modelBatch,
                List.of(part(seeds)), out.toAbsolutePath().getParent());
    }
}
