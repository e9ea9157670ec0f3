package org.latentlab.backend.djl.internal;

import java.util.Locale;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelBackend;
import org.latentlab.api.model.ModelSpec;

/** A backend that runs model files with one given extension on one DJL engine. */
abstract class DjlBackend implements ModelBackend {

    private final String engine;
    private final String extension;

    DjlBackend(String engine, String extension) {
        this.engine = engine;
        this.extension = extension;
    }

    @Override
    public boolean accepts(ModelSpec spec) {
        return spec.encoder().toLowerCase(Locale.ROOT).endsWith(extension)
                && spec.decoder().toLowerCase(Locale.ROOT).endsWith(extension);
    }

    @Override
    public LatentModel load(ModelSpec spec) {
        return DjlLatentModel.load(spec, engine);
    }
}
