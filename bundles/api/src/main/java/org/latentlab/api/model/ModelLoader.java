package org.latentlab.api.model;

import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Opens model folders with whichever registered backend serves them: the {@code backend} field of
 * model.json when present, else the first backend (by id) that accepts the files.
 */
@ProviderType
public interface ModelLoader {

    /**
     * Reads and checks model.json.
     *
     * @throws org.latentlab.api.LatentLabException naming the file and the problem
     */
    ModelSpec read(Path folder);

    /**
     * Reads model.json and loads the model; the caller closes it.
     *
     * @throws org.latentlab.api.LatentLabException naming the file and the problem
     */
    LatentModel load(Path folder);
}
