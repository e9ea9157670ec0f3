package org.latentlab.api.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.latentlab.api.LatentLabException;

class AnalysisRequestTest {

    private static AnalysisRequest.Builder minimal() {
        return AnalysisRequest.builder().model(Path.of("m")).out(Path.of("o")).seeds(SeedSpec.latents(Path.of("s.npy")));
    }

    @Test
    void theBuilderFillsTheSharedDefaultsAndMakesPathsAbsolute() {
        AnalysisRequest r = minimal().build();
        assertEquals("picard", r.strategy());
        assertEquals("cosine", r.clusterer());
        assertEquals(List.of("json", "npy", "csv", "html"), List.copyOf(r.exporters().keySet()));
        assertEquals(Map.of(), r.metrics());
        assertEquals(Map.of(), r.strategyParams());
        assertNull(r.training());
        assertEquals(Path.of("m").toAbsolutePath(), r.modelFolder());
        assertEquals(Path.of("o").toAbsolutePath(), r.outDir());
        assertEquals(Path.of("s.npy").toAbsolutePath(), r.seeds().file());
        assertEquals(SeedSpec.Kind.LATENTS, r.seeds().kind());
    }

    @Test
    void aMissingPartIsNamed() {
        assertEquals("no model folder given", assertThrows(LatentLabException.class,
                () -> AnalysisRequest.builder().out(Path.of("o")).seeds(SeedSpec.inputs(Path.of("x"))).build()).getMessage());
        assertEquals("no seeds given", assertThrows(LatentLabException.class,
                () -> AnalysisRequest.builder().model(Path.of("m")).out(Path.of("o")).build()).getMessage());
        assertEquals("no output folder given", assertThrows(LatentLabException.class,
                () -> AnalysisRequest.builder().model(Path.of("m")).seeds(SeedSpec.inputs(Path.of("x"))).build()).getMessage());
    }

    @Test
    void namedExportersReplaceTheDefaultsAndAnEmptySetExportsNothing() {
        AnalysisRequest one = minimal().exporter("html", Map.of("title", "t")).exporter("json", null).build();
        assertEquals(List.of("html", "json"), List.copyOf(one.exporters().keySet()));
        assertEquals(Map.of("title", "t"), one.exporters().get("html"));
        assertEquals(Map.of(), one.exporters().get("json"));
        assertTrue(minimal().exporters(Map.of()).build().exporters().isEmpty());
    }

    @Test
    void metricsKeepTheirOrderAndNullIdsKeepTheDefaults() {
        AnalysisRequest r = minimal().metric("z", Map.of()).metric("a", Map.of("k", "1")).metric("m", null)
                .strategy(null, null).clusterer("dbscan", Map.of("eps", "0.1")).build();
        assertEquals(List.of("z", "a", "m"), r.metricIds());
        assertEquals("picard", r.strategy());
        assertEquals("dbscan", r.clusterer());
        assertEquals(Map.of("eps", "0.1"), r.clustererParams());
    }

    @Test
    void aRequestIsImmutableAndDoesNotFollowTheCallersMaps() {
        Map<String, String> params = new HashMap<>(Map.of("damping", "0.5"));
        AnalysisRequest r = minimal().strategy("damped", params).build();
        params.put("damping", "0.9");
        assertEquals("0.5", r.strategyParams().get("damping"));
        assertThrows(UnsupportedOperationException.class, () -> r.strategyParams().put("x", "y"));
        assertThrows(UnsupportedOperationException.class, () -> r.exporters().remove("json"));
        assertThrows(UnsupportedOperationException.class, () -> r.exporters().get("json").put("x", "y"));
    }

    @Test
    void seedSourcesKeepTheirParametersInOrder() {
        Map<String, String> p = new java.util.LinkedHashMap<>();
        p.put("count", "5");
        p.put("sigma", "1");
        SeedSpec s = SeedSpec.source("gaussian", p);
        assertEquals("gaussian{count=5, sigma=1}", s.origin());
        assertNull(s.file());
    }
}
