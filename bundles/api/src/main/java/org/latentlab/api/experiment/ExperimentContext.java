package org.latentlab.api.experiment;

import java.nio.file.Path;
import java.util.Optional;
import org.latentlab.api.Capability;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.model.LatentModel;
import org.osgi.annotation.versioning.ProviderType;

/** What an experiment may use while it runs. Provided by the platform, one per job. */
@ProviderType
public interface ExperimentContext {

    /** The job's id. */
    String jobId();

    /** The experiment's parameters, resolved against its {@link Experiment#parameters()} (defaults filled in). */
    Parameters params();

    /** The model, open while the experiment runs; empty when the experiment needs none. */
    Optional<LatentModel> model();

    /** The latent map f = E∘D of the model, batched by the engine's model batch size. */
    LatentMap latentMap();

    /** The folder to write files into; published to the request's out folder when the run succeeds. */
    Path outDir();

    /**
     * A folder for partial results that must outlive this run, for experiments that resume (a sweep's
     * finished cells). It is kept when the run fails, is cancelled or the process dies, and handed again
     * to the next run of the same experiment into the same out folder; when the run succeeds its files
     * are moved into the out folder under the same names. Write each piece atomically (a hidden
     * temporary name, then a rename), so a killed run leaves only whole pieces.
     */
    default Path workDir() {
        throw new UnsupportedOperationException("this platform keeps no work folder");
    }

    /**
     * The out folder as an earlier, published run of an experiment left it, when the request's out folder holds
     * one: to be read (never written) by experiments that reuse finished work, e.g. a sweep's cells. Files taken
     * over must be copied or linked into {@link #workDir()} or {@link #outDir()}: the published folder is
     * replaced when this run succeeds.
     */
    default java.util.Optional<Path> previousOutput() {
        return java.util.Optional.empty();
    }

    /**
     * Inputs [n, ...inputShape] named by {@code reference}: a float32 {@code .npy} file, or a data set
     * reference (see {@link InputReference}).
     *
     * @throws org.latentlab.api.LatentLabException naming the reference when it cannot be read or its
     *         shape is not the model's input shape
     */
    Tensor inputs(String reference);

    /**
     * The capability of this type with this id, registered now.
     *
     * @throws org.latentlab.api.LatentLabException listing the registered ids when none has it
     */
    <T extends Capability> T capability(Class<T> type, String id);

    /** Starts a stage of the job's progress, e.g. {@code encoding} with 2000 units. */
    void stage(String name, long total, String message);

    /** Progress within the current stage; also what strategies are given to report to. */
    Progress progress();

    /** @throws java.util.concurrent.CancellationException when the job was cancelled */
    void checkCancelled();
}
