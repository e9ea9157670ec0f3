package org.latentlab.api.engine;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.latentlab.api.Capability;
import org.latentlab.api.Parameters;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides where the seeds of an analysis are iterated: in the analysing lab itself ({@code local}, the engine's own
 * loop) or by any executor a bundle registers with its {@code latentlab.id} (e.g. {@code spark}: seed parts as tasks
 * of a cluster). An executor only iterates: the engine writes the latent seeds of each part, hands the parts over, and
 * reads back each part's per-seed results (the {@link org.latentlab.api.result.SeedColumn} files of a run, without
 * labels) to cluster, polish, measure and export them itself, so the result files are those of a local run.
 *
 * <p>A part's results go into {@code job.work()/<part name>/}: {@code endpoints.npy} (float32 [count, k]),
 * {@code steps.npy} (int32), {@code converged.npy}, {@code diverged.npy} (uint8), {@code path_lengths.npy},
 * {@code residuals.npy} (float64), {@code map_evaluations.npy} (int64), row i the seed {@code from + i}, and last
 * {@link #DONE_FILE} (written when the columns are whole). One part failing for good fails the analysis.
 *
 * @since 2.3
 */
@ConsumerType
public interface SeedPartExecutor extends Capability {

    /** The id under which the engine iterates in its own process (the request names no executor, or this one). */
    String LOCAL = "local";
    /** Written last into a part's folder: the part is whole. */
    String DONE_FILE = "part.json";

    /**
     * A contiguous range of the run's seeds.
     *
     * @param index position among the parts (0, 1, ...)
     * @param from  the run's index of its first seed
     * @param count seeds in it
     * @param seeds its latent seeds, float32 [count, k] (.npy)
     */
    record SeedPart(int index, long from, int count, Path seeds) {
        /** Its folder name under the job's work folder, e.g. {@code part-00003}. */
        public String name() {
            return String.format(Locale.ROOT, "part-%05d", index);
        }
    }

    /**
     * What to iterate.
     *
     * @param modelFolder    the model (model.json and its files), on the lab's disk; an executor on other machines ships it
     *                       or needs it at the same path (the spark executor ships folders up to shipModelMB)
     * @param strategy       the iteration strategy id
     * @param strategyParams its parameters as the request gave them
     * @param chunkSize      seeds iterated together (as the engine does: the same batches give the same floats)
     * @param modelBatch     rows per encoder / decoder call
     * @param parts          the parts, in seed order
     * @param work           where each part's folder goes
     */
    record PartJob(Path modelFolder, String strategy, Map<String, String> strategyParams, int chunkSize, int modelBatch,
            List<SeedPart> parts, Path work) {
        public PartJob {
            strategyParams = strategyParams == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(strategyParams));
            parts = List.copyOf(parts);
        }

        /** A part's folder: {@code work/<part name>}. */
        public Path folder(SeedPart part) {
            return work.resolve(part.name());
        }
    }

    /** Told about parts as they start and end; called from any thread. */
    interface Listener {
        /** A part (or another attempt at it) started, e.g. on {@code host}. */
        default void started(SeedPart part, String where) {}

        /** The part's folder is whole (its {@link #DONE_FILE} written). */
        void finished(SeedPart part);

        /** The executor gave up on the part. */
        void failed(SeedPart part, String reason);

        /** True once the analysis was cancelled: start no more parts and stop running ones. */
        boolean cancelled();
    }

    /**
     * Iterates every part and returns when each has finished or failed, or the analysis was cancelled.
     *
     * @param params this executor's parameters, resolved against {@link #parameters()}
     */
    void execute(PartJob job, Parameters params, Listener listener) throws InterruptedException;

    /** Where the seeds are iterated with these parameters, in a few words for people, e.g. "Spark, master local[2]". */
    default String describe(Parameters params) {
        return "executor " + getClass().getSimpleName();
    }
}
