package org.latentlab.engine.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.latentlab.api.CapabilityInfo;
import org.latentlab.api.CapabilityKind;
import org.latentlab.api.Catalog;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelBackend;
import org.latentlab.api.model.ModelLoader;
import org.latentlab.api.model.ModelSpec;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@link ModelLoader}: model.json from {@link ModelFolders}, the backend from the catalog, now. */
@Component
public class CatalogModelLoader implements ModelLoader {

    @Reference
    Catalog catalog;

    public CatalogModelLoader() {}

    CatalogModelLoader(Catalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public ModelSpec read(Path folder) {
        return ModelFolders.read(folder);
    }

    @Override
    public LatentModel load(Path folder) {
        ModelSpec spec = read(folder);
        return backendFor(spec).load(spec);
    }

    ModelBackend backendFor(ModelSpec spec) {
        if (spec.backend() != null) {
            return catalog.require(ModelBackend.class, spec.backend());
        }
        List<CapabilityInfo> backends = new ArrayList<>(catalog.list().stream()
                .filter(i -> i.kind() == CapabilityKind.BACKEND).toList());
        backends.sort(Comparator.comparing(CapabilityInfo::id));
        for (CapabilityInfo info : backends) {
            Optional<ModelBackend> b = catalog.find(ModelBackend.class, info.id());
            if (b.isPresent() && b.get().accepts(spec)) {
                return b.get();
            }
        }
        throw new LatentLabException("no registered backend accepts " + spec.encoder() + " / " + spec.decoder()
                + " (registered backends: " + backends.stream().map(CapabilityInfo::id).toList()
                + "); install one, or set \"backend\" in model.json");
    }
}
