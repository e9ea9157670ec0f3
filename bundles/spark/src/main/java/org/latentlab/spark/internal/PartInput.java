package org.latentlab.spark.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.latentlab.api.engine.SeedPartExecutor;

/**
 * One seed part as a Spark task carries it to {@code latentlab analyze-part}: plain JSON (paths as text), the model and the
 * part's seed file at paths the worker can read.
 */
record PartInput(String modelFolder, String strategy, Map<String, String> strategyParams, int chunkSize, int modelBatch, int index,
        long from, int count, String seeds) {

    static PartInput of(SeedPartExecutor.PartJob job, SeedPartExecutor.SeedPart part) {
        return new PartInput(job.modelFolder().toString(), job.strategy(), job.strategyParams(), job.chunkSize(), job.modelBatch(),
                part.index(), part.from(), part.count(), part.seeds().toString());
    }

    SeedPartExecutor.SeedPart part() {
        return new SeedPartExecutor.SeedPart(index, from, count, Path.of(seeds));
    }

    /** A job of this one part whose folder is {@code out}. */
    SeedPartExecutor.PartJob job(Path out) {
        return new SeedPartExecutor.PartJob(Path.of(modelFolder), strategy, strategyParams, chunkSize, modelBatch, List.of(part()),
                out.toAbsolutePath().getParent());
    }
}
