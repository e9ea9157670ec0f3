package org.latentlab.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.Capability;
import org.latentlab.api.catalog.CapabilityInfo;
import org.latentlab.api.catalog.Catalog;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.engine.AnalysisRequest;
import org.latentlab.api.engine.SeedSpec;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelLoader;
import org.latentlab.api.model.ModelSpec;

class JobRequestParserTest {

    @TempDir
    Path root;
    Path model;
    JobRequestParser parser;

    /** Capabilities by id with their parameters; every kind shares them (enough for the parser). */
    static final Map<String, List<ParameterSpec>> CAPS;
    private static final Map<String, List<ParameterSpec>> CAPS_FIRST = Map.of(
            "gaussian", List.of(ParameterSpec.integer("count", 1000, 1, Integer.MAX_VALUE, "n"),
                    ParameterSpec.real("mean", 0, -1e6, 1e6, "m"), ParameterSpec.real("sigma", 1, 0, 1e6, "s"),
                    ParameterSpec.integer("seed", 0, Long.MIN_VALUE, Long.MAX_VALUE, "r")),
            "uniform", List.of(ParameterSpec.real("low", -1, -1e6, 1e6, "l")),
            "picard", List.of(ParameterSpec.integer("maxSteps", 3000, 1, 10_000_000, "m")),
            "cosine", List.of(), "json", List.of(), "npy", List.of(), "csv", List.of(), "html", List.of(),
            "latent-field", List.of(), "mnist", List.of());
    static {
        Map<String, List<ParameterSpec>> all = new java.util.HashMap<>(CAPS_FIRST);
        all.put("spark", List.of(ParameterSpec.text("master", null, "m"), ParameterSpec.text("conf", null, "c")));
        CAPS = Map.copyOf(all);
    }

    static final Catalog CATALOG = new Catalog() {
        @Override
        public List<CapabilityInfo> list() {
            return List.of();
        }

        @Override
        public <T extends Capability> Optional<T> find(Class<T> type, String id) {
            List<ParameterSpec> specs = CAPS.get(id);
            return specs == null ? Optional.empty() : Optional.of(type.cast(Proxy.newProxyInstance(type.getClassLoader(),
                    new Class<?>[] {type}, (p, m, a) -> m.getName().equals("parameters") ? specs : null)));
        }
    };

    @BeforeEach
    void setUp() throws IOException {
        model = Files.createDirectories(root.resolve("memorizer"));
        Files.writeString(model.resolve("encoder.onnx"), "e");
        Files.writeString(model.resolve("decoder.onnx"), "d");
        ModelLoader loader = new ModelLoader() {
            public ModelSpec read(Path folder) {
                return new ModelSpec(folder, "memorizer", new int[] {16}, 4, "encoder.onnx", "decoder.onnx", null);
            }

            public LatentModel load(Path folder) {
                throw new UnsupportedOperationException();
            }
        };
        parser = new JobRequestParser(CATALOG, loader, new ModelRoots(List.of(root)), Map.of("mem", model.toString()));
    }

    AnalysisRequest parse(String json) throws IOException {
        return parser.parse(Json.MAPPER.readTree(json), root.resolve("out"));
    }

    ApiException refused(String json) {
        return assertThrows(ApiException.class, () -> parse(json));
    }

    String m() {
        return "\"model\": \"" + model + "\"";
    }

    @Test
    void aGoodRequestBecomesTheEngineRequest() throws Exception {
        AnalysisRequest r = parse("{" + m() + ", \"seeds\": {\"noise\": 500, \"sigma\": 0.5, \"seed\": 3}, "
                + "\"strategyParams\": {\"maxSteps\": 100}, \"metrics\": [\"latent-field\"], \"training\": \"mnist:train:100\"}");
        assertEquals(model.toRealPath(), r.modelFolder());
        assertEquals(new SeedSpec(SeedSpec.Kind.SOURCE, null, "gaussian", Map.of("count", "500", "sigma", "0.5", "seed", "3")), r.seeds());
        assertEquals("picard", r.strategy());
        assertEquals(Map.of("maxSteps", "100"), r.strategyParams());
        assertEquals(List.of("latent-field"), r.metricIds());
        assertEquals(4, r.exporters().size(), "json, npy, csv and html by default");
        assertEquals(model.toRealPath(), parse("{\"model\": \"mem\", \"seeds\": {\"noise\": 5}}").modelFolder(), "a registered name");
    }

    @Test
    void noiseMustBeAWholeNumberOfAtLeastOne() {
        for (String noise : List.of("-1", "0", "\"abc\"", "\"100\"", "10.5", "true", "null", "{}", "1e300")) {
            ApiException e = refused("{" + m() + ", \"seeds\": {\"noise\": " + noise + "}}");
            assertEquals(400, e.status, noise);
            assertTrue(e.getMessage().startsWith("\"seeds.noise\" must be a whole number from 1"), noise + ": " + e.getMessage());
        }
        assertTrue(refused("{" + m() + ", \"seeds\": {\"noise\": 5, \"sigma\": \"wide\"}}").getMessage().contains("\"seeds.sigma\""));
        assertTrue(refused("{" + m() + ", \"seeds\": {\"noise\": 5, \"sigma\": -1}}").getMessage().contains("out of range"));
        assertTrue(refused("{" + m() + ", \"seeds\": {\"noise\": 5, \"colour\": 1}}").getMessage().contains("'seeds.colour'"));
        assertTrue(refused("{" + m() + ", \"seeds\": {\"noise\": 5, \"latents\": \"/x\"}}").getMessage().contains("exactly one"));
    }

    @Test
    void seedSourcesAndTheirParametersAreChecked() {
        ApiException unknown = refused("{" + m() + ", \"seeds\": {\"source\": \"nope\"}}");
        assertTrue(unknown.getMessage().contains("'nope'") && unknown.getMessage().contains("\"seeds.source\""), unknown.getMessage());
        ApiException param = refused("{" + m() + ", \"seeds\": {\"source\": \"uniform\", \"params\": {\"low\": \"x\"}}}");
        assertTrue(param.getMessage().startsWith("\"seeds.params\": parameter 'low'"), param.getMessage());
        assertTrue(refused("{" + m() + ", \"seeds\": {\"source\": 5}}").getMessage().contains("\"seeds.source\" must be a non-empty string"));
    }

    @Test
    void everyFieldHasItsType() {
        String s = ", \"seeds\": {\"noise\": 5}";
        assertTrue(refused("{\"model\": 5" + s + "}").getMessage().contains("\"model\" must be a non-empty string"));
        assertTrue(refused("{" + m() + s + ", \"strategy\": 1}").getMessage().contains("\"strategy\" must be a non-empty string"));
        assertTrue(refused("{" + m() + s + ", \"strategy\": \"nope\"}").getMessage().contains("'nope'"));
        assertTrue(refused("{" + m() + s + ", \"strategyParams\": {\"maxSteps\": 0}}").getMessage().contains("out of range"));
        assertTrue(refused("{" + m() + s + ", \"strategyParams\": [1]}").getMessage().contains("\"strategyParams\" must be an object"));
        assertTrue(refused("{" + m() + s + ", \"metrics\": [1]}").getMessage().contains("\"metrics\" must list ids as strings"));
        assertTrue(refused("{" + m() + s + ", \"metrics\": {\"latent-field\": {\"x\": 1}}}").getMessage().contains("\"metrics.latent-field\""));
        assertTrue(refused("{" + m() + s + ", \"exporters\": [\"pdf\"]}").getMessage().contains("'pdf'"));
        assertTrue(refused("{" + m() + s + ", \"training\": 7}").getMessage().contains("\"training\" must be a non-empty string"));
        assertTrue(refused("{" + m() + s + ", \"training\": \"cifar\"}").getMessage().contains("'cifar'"));
        assertTrue(refused("{" + m() + s + ", \"colour\": 1}").getMessage().contains("unknown field 'colour'"));
        assertTrue(refused("[1]").getMessage().contains("must be a JSON object"));
    }

    @Test
    void anUnknownModelNameSaysSoWithoutTheWorkingDirectory() {
        ApiException e = refused("{\"model\": \"no-such-model\", \"seeds\": {\"noise\": 5}}");
        assertEquals(400, e.status);
        assertEquals("\"model\": no registered model 'no-such-model' and not an absolute path under the model roots; "
                + "register it with POST /api/models or give the folder's full path", e.getMessage());
        assertFalse(e.getMessage().contains(Path.of("").toAbsolutePath().toString()));
        assertEquals(400, refused("{" + m() + ", \"seeds\": {\"latents\": \"seeds.npy\"}}").status, "relative seed files too");
    }

    /** The seeds iterated elsewhere (e.g. on Spark), asked for in the body as on the command line; checked like the rest. */
    @Test
    void anExecutorItsParametersAndPartitionsAreTakenAndCheckedByName() throws Exception {
        AnalysisRequest r = parse("{\"model\": \"mem\", \"seeds\": {\"noise\": 10}, \"executor\": \"spark\","
                + " \"executorParams\": {\"master\": \"local[2]\"}, \"partitions\": 3}");
        assertEquals("spark", r.executor());
        assertEquals(Map.of("master", "local[2]"), r.executorParams());
        assertEquals(3, r.partitions());
        AnalysisRequest plain = parse("{\"model\": \"mem\", \"seeds\": {\"noise\": 10}}");
        assertEquals(null, plain.executor());
        assertEquals(0, plain.partitions());
        for (Map.Entry<String, String> bad : Map.of(
                "\"executor\": \"yarn-ish\"", "yarn-ish",
                "\"executor\": \"spark\", \"executorParams\": {\"mastr\": \"x\"}", "\"executorParams\": ",
                "\"executorParams\": {\"master\": \"x\"}", "\"executorParams\" needs \"executor\"",
                "\"executor\": \"spark\", \"partitions\": 0", "\"partitions\" must be a whole number",
                "\"executor\": \"spark\", \"partitions\": 2.5", "\"partitions\" must be a whole number",
                "\"partitions\": 2", "\"partitions\" splits the seeds").entrySet()) {
            ApiException e = refused("{\"model\": \"mem\", \"seeds\": {\"noise\": 10}, " + bad.getKey() + "}");
            assertEquals(400, e.status, bad.getKey());
            assertTrue(e.getMessage().contains(bad.getValue()), bad.getKey() + " -> " + e.getMessage());
        }
    }
}
