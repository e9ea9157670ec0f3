package org.latentlab.api.result;

/**
 * The per-seed results of a run, one {@code .npy} file each (row i belongs to seed i), as the {@code npy} exporter
 * writes them next to result.json.
 */
public enum SeedColumn {
    /** float32 [n, k]: where each trajectory ended. */
    ENDPOINTS("endpoints.npy"),
    /** int32 [n]: attractor id of each seed, −1 when it did not converge or is noise to the clusterer. */
    LABELS("labels.npy"),
    /** int32 [n]: updates taken. */
    STEPS("steps.npy"),
    /** uint8 [n]: 1 when the stopping rule's tolerance was met. */
    CONVERGED("converged.npy"),
    /** uint8 [n]: 1 when the trajectory blew up or produced NaN / Inf. */
    DIVERGED("diverged.npy"),
    /** float64 [n]: sum of ‖z_{t+1} − z_t‖ along the path. */
    PATH_LENGTHS("path_lengths.npy"),
    /** float64 [n]: ‖f(z) − z‖ at the end point. */
    RESIDUALS("residuals.npy"),
    /** int64 [n]: rows the seed passed through f, −1 when the strategy did not count them. */
    MAP_EVALUATIONS("map_evaluations.npy");

    private final String fileName;

    SeedColumn(String fileName) {
        this.fileName = fileName;
    }

    /** The file name, e.g. {@code endpoints.npy}. */
    public String fileName() {
        return fileName;
    }
}
