package org.latentlab.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.latentlab.api.ParameterSpec;
import org.latentlab.launcher.spi.PluginFile;
import org.latentlab.server.internal.rest.ComparedJob;
import org.latentlab.server.internal.rest.ErrorBody;
import org.latentlab.server.internal.rest.JobComparison;
import org.latentlab.server.internal.rest.JobView;
import org.latentlab.server.internal.rest.ParameterView;
import org.latentlab.server.internal.rest.PluginView;
import org.latentlab.server.internal.rest.ProgressView;
import org.latentlab.server.internal.rest.StatusView;

/** The REST bodies as Jackson writes and reads them: field names, and which fields are left out when empty. */
class RestBodiesTest {

    static JsonNode tree(Object o) throws Exception {
        return Json.MAPPER.readTree(Json.ANSWER.writeValueAsString(o));
    }

    @Test
    void aLiveJobHasProgressAndNoFinishedTime() throws Exception {
        JobView v = new JobView("job-1", "analysis", "running", "2026-01-02T03:04:05Z", null, new ProgressView("iterate", 2, 8, 0.25, null),
                null, Json.MAPPER.readTree("{\"model\": \"m\", \"seeds\": {\"noise\": 5}}"), null, null);
        JsonNode t = tree(v);
        assertEquals(List.of("id", "kind", "status", "created", "progress", "request"), names(t));
        assertTrue(t.path("progress").has("message") && t.path("progress").get("message").isNull(), "a progress message may be null");
        assertEquals(0.25, t.path("progress").path("fraction").asDouble());
        assertEquals(5, t.at("/request/seeds/noise").asInt(), "the request as it was given");
        assertEquals(v, Json.MAPPER.readValue(Json.ANSWER.writeValueAsString(v), JobView.class), "round trip");
        assertFalse(tree(v.withoutRequest()).has("request"), "lists leave the request out");
    }

    @Test
    void aFinishedJobHasItsMessageAndSummary() throws Exception {
        JobView v = new JobView("job-2", "analysis", "failed", "2026-01-02T03:04:05Z", "2026-01-02T03:05:00Z", null, "job failed: x",
                Json.MAPPER.readTree("{}"), Json.MAPPER.valueToTree(new org.latentlab.server.internal.rest.JobSummary(3, 3, 10, 1, 2, 99, null)),
                null);
        JsonNode t = tree(v);
        assertEquals(List.of("id", "kind", "status", "created", "finished", "message", "request", "summary"), names(t));
        assertEquals(List.of("attractors", "fixedPoints", "converged", "diverged", "notConverged", "elapsedMillis"), names(t.get("summary")));
        assertEquals(t, tree(Json.MAPPER.readValue(Json.ANSWER.writeValueAsString(v), JobView.class)), "round trip");
    }

    /** An analysis iterated elsewhere (e.g. on Spark) says where in its summary, under result.json's summary name. */
    @Test
    void whereTheSeedsWereIteratedIsInTheSummaryWhenNotInTheLab() throws Exception {
        JsonNode s = Json.MAPPER.valueToTree(new org.latentlab.server.internal.rest.JobSummary(3, 3, 10, 1, 2, 99,
                "Spark, master local[2], 3 parts"));
        assertEquals(List.of("attractors", "fixedPoints", "converged", "diverged", "notConverged", "elapsedMillis", "iteratedOn"),
                names(s));
        assertEquals("Spark, master local[2], 3 parts", s.get("iteratedOn").asText());
    }

    @Test
    void parametersCallTheirDefaultDefaultAndHaveBoundsOnlyWhenBounded() throws Exception {
        JsonNode bounded = tree(ParameterView.of(ParameterSpec.integer("maxSteps", 3000, 1, 10_000, "steps")));
        assertEquals("3000", bounded.path("default").asText());
        assertEquals("integer", bounded.path("type").asText());
        assertEquals(1.0, bounded.path("min").asDouble());
        assertEquals(10_000.0, bounded.path("max").asDouble());
        JsonNode free = tree(new ParameterView("path", "string", null, "a file", null, null));
        assertEquals(List.of("name", "type", "default", "description"), names(free));
        assertTrue(free.get("default").isNull());
        ParameterView p = ParameterView.of(ParameterSpec.real("sigma", 1, 0, 1e6, "s"));
        assertEquals(p, Json.MAPPER.readValue(Json.ANSWER.writeValueAsString(p), ParameterView.class));
    }

    @Test
    void pluginsStatusErrorsAndComparisonRows() throws Exception {
        JsonNode ok = tree(PluginView.of(new PluginFile("m.jar", PluginFile.State.ACTIVE, "org.m", null, null)));
        assertEquals(List.of("file", "state", "bundle", "since"), names(ok));
        assertEquals("active", ok.path("state").asText());
        JsonNode bad = tree(PluginView.of(new PluginFile("b.jar", PluginFile.State.PROBLEM, null, "not a bundle",
                Instant.parse("2026-01-02T03:04:05Z"))));
        assertEquals("not a bundle", bad.path("reason").asText());
        assertEquals("2026-01-02T03:04:05Z", bad.path("since").asText());

        StatusView s = new StatusView("/d", 2, List.of("/d/models"), 8, 1024, List.of(), List.of("n"), null,
                new StatusView.EngineView(true, "2", null, null, null, null));
        JsonNode st = tree(s);
        assertFalse(st.has("log"));
        assertEquals(List.of("available", "maxConcurrentJobs"), names(st.get("engine")));
        assertEquals("2", st.at("/engine/maxConcurrentJobs").asText(), "as SCR publishes it: a string");
        assertEquals(s, Json.MAPPER.readValue(Json.ANSWER.writeValueAsString(s), StatusView.class));

        assertEquals("{\"error\":\"no job 'x'\"}", Json.MAPPER.writeValueAsString(new ErrorBody("no job 'x'")));
    }

    @Test
    void aComparisonListsWhatDiffersAndEachJobWithoutItsAbsentParts() throws Exception {
        Map<String, JsonNode> numbers = new LinkedHashMap<>();
        numbers.put("attractors", Json.MAPPER.valueToTree(7));
        numbers.put("memorization.mean", NullNode.instance);
        ComparedJob analysis = new ComparedJob("job-1", "analysis", "succeeded", "2026-01-02T03:04:05Z", "2026-01-02T03:05:00Z", null,
                "memorizer", null, null, Map.of("strategy", "picard"), numbers, List.of("/api/jobs/job-1/files/report/attractor-0.png"),
                null);
        ComparedJob experiment = new ComparedJob("job-2", "experiment", "failed", "2026-01-02T03:04:05Z", "2026-01-02T03:05:00Z",
                "it-echo", null, null, "it-echo failed", Map.of("experiment", "it-echo"), Map.of(), List.of(), "a note");
        JobComparison c = new JobComparison(List.of("strategy", "experiment"), List.of(analysis, experiment));
        JsonNode t = tree(c);
        assertEquals(List.of("differing", "jobs"), names(t));
        assertEquals(List.of("id", "kind", "status", "created", "finished", "model", "parameters", "numbers", "pictures"),
                names(t.at("/jobs/0")), "no experiment, title, message or note for this analysis");
        assertTrue(t.at("/jobs/0/numbers/memorization.mean").isNull(), "a number that is not finite is null, not left out");
        assertEquals(List.of("id", "kind", "status", "created", "finished", "experiment", "message", "parameters", "numbers",
                "pictures", "note"), names(t.at("/jobs/1")));
        assertTrue(t.at("/jobs/1/pictures").isArray() && t.at("/jobs/1/pictures").isEmpty(), "no pictures: an empty list");
        assertEquals(c, Json.MAPPER.readValue(Json.ANSWER.writeValueAsString(c), JobComparison.class), "round trip");
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
