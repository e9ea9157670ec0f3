package org.latentlab.api.experiment;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.engine.JobRequest;

/**
 * One experiment to run.
 *
 * @param experiment  the experiment's id, e.g. {@code ood}
 * @param modelFolder folder holding model.json, or {@code null} for an experiment that needs no model
 * @param params      its parameters as text, checked against the experiment's parameter specs
 * @param outDir      output folder
 */
public record ExperimentRequest(String experiment, Path modelFolder, Map<String, String> params, Path outDir)
        implements JobRequest {

    public ExperimentRequest {
        params = params == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    public static Builder builder(String experiment) {
        return new Builder(experiment);
    }

    /** Collects a request; {@link #build()} refuses one missing a part. */
    public static final class Builder {
        private final String experiment;
        private Path modelFolder;
        private final Map<String, String> params = new LinkedHashMap<>();
        private Path outDir;

        private Builder(String experiment) {
            this.experiment = experiment;
        }

        public Builder model(Path folder) {
            this.modelFolder = folder;
            return this;
        }

        /** Sets a parameter; a {@code null} value leaves it to the experiment's default. */
        public Builder param(String name, String value) {
            if (value == null) {
                params.remove(name);
            } else {
                params.put(name, value);
            }
            return this;
        }

        public Builder params(Map<String, String> values) {
            values.forEach(this::param);
            return this;
        }

        public Builder out(Path folder) {
            this.outDir = folder;
            return this;
        }

        /** @throws LatentLabException naming the part that is missing */
        public ExperimentRequest build() {
            if (experiment == null || experiment.isBlank()) {
                throw new LatentLabException("no experiment given");
            }
            if (outDir == null) {
                throw new LatentLabException("no output folder given");
            }
            return new ExperimentRequest(experiment, modelFolder == null ? null : modelFolder.toAbsolutePath(), params,
                    outDir.toAbsolutePath());
        }
    }
}
