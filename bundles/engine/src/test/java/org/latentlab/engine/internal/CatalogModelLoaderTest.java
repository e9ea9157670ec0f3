package org.latentlab.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.Capability;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.catalog.CapabilityInfo;
import org.latentlab.api.catalog.CapabilityKind;
import org.latentlab.api.catalog.Catalog;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelBackend;
import org.latentlab.api.model.ModelSpec;

/** Which backend loads a model: model.json's choice, then the configured extension map, then the first by id that accepts. */
class CatalogModelLoaderTest {

    @TempDir
    Path dir;

    /** A backend that accepts files with the given extension and remembers what it loaded. */
    private static final class FakeBackend implements ModelBackend {
        final String extension;
        final List<ModelSpec> loaded = new ArrayList<>();

        FakeBackend(String extension) {
            this.extension = extension;
        }

        @Override
        public boolean accepts(ModelSpec spec) {
            return spec.encoder().endsWith("." + extension);
        }

        @Override
        public LatentModel load(ModelSpec spec) {
            loaded.add(spec);
            return new LatentModel() {
                public ModelSpec spec() {
                    return spec;
                }

                public Tensor encode(Tensor inputs) {
                    throw new UnsupportedOperationException();
                }

                public Tensor decode(Tensor latents) {
                    throw new UnsupportedOperationException();
                }

                public void close() {
                }
            };
        }
    }

    /** The catalog as the engine sees it: backends by id, listed in registration order (not sorted). */
    private static final class FakeCatalog implements Catalog {
        final Map<String, ModelBackend> backends = new LinkedHashMap<>();

        public List<CapabilityInfo> list() {
            return backends.keySet().stream()
                    .map(id -> new CapabilityInfo(CapabilityKind.BACKEND, id, id, List.of(), "b", "1")).toList();
        }

        public <T extends Capability> Optional<T> find(Class<T> type, String id) {
            return type == ModelBackend.class ? Optional.ofNullable(type.cast(backends.get(id))) : Optional.empty();
        }
    }

    private static ModelSpec spec(String encoder, String backend) {
        return new ModelSpec(Path.of("/m"), "m", new int[] {4}, 2, encoder, encoder.replace("encoder", "decoder"), backend);
    }

    private final FakeCatalog catalog = new FakeCatalog();
    private final CatalogModelLoader loader = new CatalogModelLoader(catalog);

    @Test
    void theFirstBackendByIdThatAcceptsTheFilesLoadsThem() {
        FakeBackend zeta = new FakeBackend("onnx");
        FakeBackend alpha = new FakeBackend("onnx");
        FakeBackend torch = new FakeBackend("pt");
        catalog.backends.put("zeta", zeta);
        catalog.backends.put("torch", torch);
        catalog.backends.put("alpha", alpha);
        assertSame(alpha, loader.backendFor(spec("encoder.onnx", null)), "sorted by id, not by registration");
        assertSame(torch, loader.backendFor(spec("encoder.pt", null)));
    }

    @Test
    void modelJsonsBackendWinsAndAnUnknownOneListsTheRegisteredIds() {
        FakeBackend onnx = new FakeBackend("onnx");
        FakeBackend other = new FakeBackend("never");
        catalog.backends.put("onnx", onnx);
        catalog.backends.put("other", other);
        assertSame(other, loader.backendFor(spec("encoder.onnx", "other")), "forced even though it would not accept");
        LatentLabException e = assertThrows(LatentLabException.class, () -> loader.backendFor(spec("encoder.onnx", "gone")));
        assertTrue(e.getMessage().contains("'gone'") && e.getMessage().contains("[onnx, other]"), e.getMessage());
    }

    @Test
    void theConfiguredExtensionMapOverridesAcceptanceAndAppliesLive() {
        FakeBackend a = new FakeBackend("onnx");
        FakeBackend b = new FakeBackend("onnx");
        catalog.backends.put("a", a);
        catalog.backends.put("b", b);
        loader.configure(Map.of("extension.ONNX", " b ", "unrelated", "x"));
        assertSame(b, loader.backendFor(spec("encoder.onnx", null)));
        loader.configure(Map.of());
        assertSame(a, loader.backendFor(spec("encoder.onnx", null)), "a changed configuration applies to the next model");
        loader.configure(Map.of("extension.onnx", "missing"));
        LatentLabException e = assertThrows(LatentLabException.class, () -> loader.backendFor(spec("encoder.onnx", null)));
        assertTrue(e.getMessage().contains("org.latentlab.backends") && e.getMessage().contains("'missing'"), e.getMessage());
    }

    @Test
    void whenNoBackendAcceptsTheMessageNamesTheFilesAndTheWayOut() {
        catalog.backends.put("torch", new FakeBackend("pt"));
        LatentLabException e = assertThrows(LatentLabException.class, () -> loader.backendFor(spec("encoder.onnx", null)));
        assertTrue(e.getMessage().contains("encoder.onnx") && e.getMessage().contains("[torch]")
                && e.getMessage().contains("\"backend\""), e.getMessage());
    }

    @Test
    void extensionsAreLowerCaseAndKeepCompoundSuffixes() {
        assertEquals("onnx", CatalogModelLoader.extension("dir/Encoder.ONNX"));
        assertEquals("layers.json", CatalogModelLoader.extension("encoder.layers.json"));
        assertEquals("", CatalogModelLoader.extension("encoder"));
    }

    @Test
    void loadReadsModelJsonAndHandsTheSpecToTheChosenBackend() throws Exception {
        FakeBackend onnx = new FakeBackend("onnx");
        catalog.backends.put("onnx", onnx);
        Path m = Files.createDirectories(dir.resolve("model"));
        Files.writeString(m.resolve("encoder.onnx"), "x");
        Files.writeString(m.resolve("decoder.onnx"), "x");
        Files.writeString(m.resolve("model.json"), "{\"name\": \"tiny\", \"inputShape\": [4], \"latentDim\": 2, "
                + "\"encoder\": \"encoder.onnx\", \"decoder\": \"decoder.onnx\"}");
        LatentModel model = loader.load(m);
        assertEquals("tiny", model.spec().name());
        assertEquals(1, onnx.loaded.size());
        assertEquals(2, onnx.loaded.get(0).latentDim());
    }
}
