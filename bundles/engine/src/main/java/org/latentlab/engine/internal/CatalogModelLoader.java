package org.latentlab.engine.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.latentlab.api.catalog.CapabilityInfo;
import org.latentlab.api.catalog.CapabilityKind;
import org.latentlab.api.catalog.Catalog;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelBackend;
import org.latentlab.api.model.ModelLoader;
import org.latentlab.api.model.ModelSpec;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@link ModelLoader}: model.json from {@link ModelFolders}, the backend from the catalog, now.
 * Which backend serves a file type can be configured (PID {@code org.latentlab.backends}, e.g. a
 * file {@code DATA/etc/org.latentlab.backends.cfg} with {@code extension.onnx = onnx}); a change
 * applies to the next model loaded, no restart. Precedence: model.json's {@code backend}, then the
 * configured mapping for the encoder file's extension, then the first backend (by id) that accepts.
 */
@Component(configurationPid = "org.latentlab.backends")
public class CatalogModelLoader implements ModelLoader {

    @Reference
    Catalog catalog;

    private volatile Map<String, String> byExtension = Map.of();

    public CatalogModelLoader() {}

    CatalogModelLoader(Catalog catalog) {
        this.catalog = catalog;
    }

    @Activate
    @Modified
    void configure(Map<String, Object> props) {
        Map<String, String> m = new java.util.HashMap<>();
        props.forEach((k, v) -> {
            if (k.startsWith("extension.")) {
                m.put(k.substring("extension.".length()).toLowerCase(java.util.Locale.ROOT), String.valueOf(v).trim());
            }
        });
        byExtension = Map.copyOf(m);
    }

    /** "encoder.onnx" -> "onnx", "encoder.layers.json" -> "layers.json". */
    static String extension(String file) {
        String name = java.nio.file.Path.of(file).getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        int dot = name.indexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1);
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
        String configured = byExtension.get(extension(spec.encoder()));
        if (configured != null) {
            return catalog.find(ModelBackend.class, configured).orElseThrow(() -> new LatentLabException(
                    "configuration org.latentlab.backends maps ." + extension(spec.encoder()) + " files to backend '"
                            + configured + "', which is not registered"));
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
