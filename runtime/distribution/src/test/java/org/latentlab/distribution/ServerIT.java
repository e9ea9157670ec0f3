package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The lab server started for real (Felix HTTP, H2), exercised through its REST API. */
class ServerIT {

    static final Path MODELS = Path.of(System.getProperty("latentlab.it.models"));
    static LabFixture lab;
    static ServerClient api;

    @BeforeAll
    static void start() throws Exception {
        lab = LabFixture.start("server");
        api = lab.serve(MODELS);
    }

    @AfterAll
    static void stop() {
        lab.close();
    }

    static String memorizer() {
        return MODELS.resolve("memorizer").toString();
    }

    @Test
    void everyCallNeedsTheToken() throws Exception {
        ServerClient.Response denied = api.getWithoutToken("api/services");
        assertEquals(401, denied.status());
        assertEquals("Bearer", denied.headers().firstValue("WWW-Authenticate").orElse(""), "401 says how to authenticate");
        assertEquals("no-store", denied.headers().firstValue("Cache-Control").orElse(""));
        assertEquals(401, new ServerClient(api.base, "wrong-token").get("api/services").status());
        ServerClient.Response ok = api.get("api/services");
        assertEquals(200, ok.status());
        assertTrue(ok.body().contains("\"picard\""), ok.body());
        assertEquals(200, api.getWithoutToken("").status(), "the page itself loads without a token");
        assertTrue(api.getWithoutToken("").body().contains("LatentLab"));
    }

    @Test
    void badRequestsGetAClear4xx() throws Exception {
        expect(api.post("api/jobs", "{ not json"), 400, "not valid JSON");
        expect(api.post("api/jobs", "{\"model\": \"" + memorizer() + "\", \"seeds\": {\"noise\": 10}, \"strategy\": \"nope\"}"),
                400, "no strategy with id 'nope'");
        expect(api.post("api/jobs", "{\"model\": \"" + memorizer() + "\", \"seeds\": {\"noise\": 10}, "
                + "\"strategyParams\": {\"maxSteps\": 0}}"), 400, "out of range");
        expect(api.post("api/jobs", "{\"model\": \"/etc\", \"seeds\": {\"noise\": 10}}"), 403, "outside the configured model roots");
        expect(api.post("api/jobs", "{\"model\": \"" + memorizer() + "\"}"), 400, "\\\"seeds\\\" must be an object");
        expect(api.post("api/jobs", "{\"model\": \"" + memorizer() + "\", \"seeds\": {\"noise\": 10}, \"colour\": 1}"), 400,
                "unknown field 'colour'");
        expect(api.post("api/models", "{\"path\": \"/tmp\"}"), 403, "outside the configured model roots");
        expect(api.post("api/models", "{\"path\": \"/x\\u0000y\"}"), 400, "is not a valid path");
        expect(api.post("api/jobs", "{\"model\": \"" + memorizer() + "\", \"seeds\": {\"noise\": 10}, \"training\": \":\"}"), 400,
                "is not DATASET[:SPLIT[:COUNT]]");
        expect(api.get("api/jobs/no-such-job"), 404, "no job 'no-such-job'");
        expect(api.get("api/nothing"), 404, "no API resource");
        expect(api.post("api/services", "{}"), 405, "use GET");
    }

    @Test
    void aJobRunsIsWatchedAndItsFilesAndSummaryAreServed() throws Exception {
        ServerClient.Response reg = api.post("api/models", "{\"path\": \"" + memorizer() + "\"}");
        assertEquals(201, reg.status(), reg.body());
        assertEquals("memorizer", reg.json().path("name").asText());
        assertTrue(api.get("api/models").body().contains("memorizer"));

        String body = "{\"model\": \"memorizer\", \"seeds\": {\"latents\": \"" + MODELS.resolve("memorizer/seeds.npy")
                + "\"}, \"metrics\": [\"latent-field\", \"memorization\"]}";
        ServerClient.Response created = api.post("api/jobs", body);
        assertEquals(201, created.status(), created.body());
        String id = created.json().path("id").asText();
        String events = api.get("api/jobs/" + id + "/events").body();
        assertTrue(events.contains("event: done") && events.contains("succeeded"), events);
        JsonNode done = api.awaitFinished(id, Duration.ofSeconds(60));
        assertEquals("succeeded", done.path("status").asText(), done.toString());
        assertEquals(7, done.at("/summary/attractors").asInt(), "same attractors as the CLI and PyTorch");

        String files = api.get("api/jobs/" + id + "/files").body();
        assertTrue(files.contains("result.json") && files.contains("report.html") && files.contains("report/attractor-0.png"), files);
        JsonNode result = api.get("api/jobs/" + id + "/files/result.json").json();
        assertEquals(400, result.at("/seeds/count").asInt());
        ServerClient.Response png = api.get("api/jobs/" + id + "/files/report/attractor-0.png");
        assertEquals(200, png.status());
        for (String escape : List.of("../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e/%2e%2e/etc/passwd")) {
            ServerClient.Response r = api.get("api/jobs/" + id + "/files/" + escape);
            assertTrue(r.status() == 400 || r.status() == 404, escape + " -> " + r.status());
            assertFalse(r.body().contains("root:"), "no file outside the job folder is served");
        }

        String id2 = api.post("api/jobs", "{\"model\": \"memorizer\", \"seeds\": {\"noise\": 50}, \"strategy\": \"anderson\"}")
                .json().path("id").asText();
        api.awaitFinished(id2, Duration.ofSeconds(60));
        JsonNode cmp = api.get("api/jobs/compare?ids=" + id + "," + id2).json();
        assertEquals(List.of(id, id2), List.of(cmp.at("/jobs/0/id").asText(), cmp.at("/jobs/1/id").asText()), "in the order asked");
        assertEquals("anderson", cmp.at("/jobs/1/parameters/strategy").asText());
        assertEquals("picard", cmp.at("/jobs/0/parameters/strategy").asText(), "the default, filled in");
        List<String> differing = new java.util.ArrayList<>();
        cmp.path("differing").forEach(n -> differing.add(n.asText()));
        assertTrue(differing.containsAll(List.of("seeds.latents", "seeds.noise", "strategy", "metrics")), differing.toString());
        assertFalse(differing.contains("model") || differing.contains("clusterer"), "the same in both: " + differing);
        assertEquals(7, cmp.at("/jobs/0/numbers/attractors").asInt());
        assertEquals(7, cmp.at("/jobs/0/numbers/memorization.attractors").asInt(), "a metric's number from result.json");
        assertTrue(cmp.at("/jobs/1/numbers").has("attractors") && !cmp.at("/jobs/1/numbers").has("memorization.attractors"),
                "no metric, no metric numbers: " + cmp.at("/jobs/1/numbers"));
        JsonNode pictures = cmp.at("/jobs/0/pictures");
        assertEquals(7, pictures.size(), "one decoded picture per attractor (8 at most by default): " + pictures);
        assertEquals("/api/jobs/" + id + "/files/report/attractor-0.png", pictures.get(0).asText());
        for (JsonNode p : pictures) {
            ServerClient.Response img = api.get(p.asText().substring(1));
            assertEquals(200, img.status(), p.asText());
            assertEquals("image/png", img.headers().firstValue("Content-Type").orElse(""), p.asText());
        }
        assertEquals(2, api.get("api/jobs/compare?ids=" + id + "," + id2 + "&pictures=2").json().at("/jobs/0/pictures").size());
        expect(api.get("api/jobs/compare?ids=" + id), 400, "compare takes 2 to 16 jobs, got 1");
        expect(api.get("api/jobs/compare?ids=" + id + ",job-nope"), 404, "no job 'job-nope'");
        expect(api.get("api/jobs/compare?ids=" + id + "," + id2 + "&pictures=lots"), 400, "?pictures=lots is not a whole number");
        assertTrue(api.get("api/jobs").body().contains(id2));
    }

    @Test
    void aRunningJobCanBeCancelled() throws Exception {
        String id = api.post("api/jobs", "{\"model\": \"" + memorizer() + "\", \"seeds\": {\"noise\": 20000}, "
                + "\"strategyParams\": {\"tolerance\": 1e-300, \"maxSteps\": 100000}, \"exporters\": [\"json\"]}").json().path("id").asText();
        api.awaitStatus(id, "running", Duration.ofSeconds(30));
        assertEquals(200, api.post("api/jobs/" + id + "/cancel", "").status());
        JsonNode j = api.awaitFinished(id, Duration.ofSeconds(30));
        assertEquals("cancelled", j.path("status").asText());
        expect(api.post("api/jobs/" + id + "/cancel", ""), 409, "is not queued or running");
    }

    @Test
    void aHotDeployedMetricIsListedUsedByAJobAndGoneWhenRemoved() throws Exception {
        String sample = "latentlab-sample-path-length-metric";
        Path jar = lab.plugins().resolve(sample + ".jar");
        // small chunks: the engine checks for removed services between chunks, so the removal is seen soon
        LabFixture.writeConfig(lab.home, "org.latentlab.engine.cfg", "chunkSize = 64\n");
        try {
            awaitEngineSetting("chunkSize", "64");
            lab.deploy(LabFixture.pluginJar(sample), sample + ".jar");
            LabFixture.await("path-length in /api/services", () -> hasMetric("path-length"));
            String id = api.post("api/jobs", "{\"model\": \"" + memorizer() + "\", \"seeds\": {\"noise\": 100}, "
                    + "\"metrics\": {\"path-length\": {\"quantile\": 0.5}}, \"exporters\": [\"json\"]}").json().path("id").asText();
            assertEquals("succeeded", api.awaitFinished(id, Duration.ofSeconds(60)).path("status").asText());
            JsonNode result = api.get("api/jobs/" + id + "/files/result.json").json();
            assertTrue(result.at("/metrics/path-length/meanPathLength").asDouble() > 0, result.path("metrics").toString());

            // removed while a job that uses it runs: that job fails, naming it; the server keeps serving. The job never ends
            // by itself (a million seeds that never converge), and the plugin goes only once the job iterates, i.e. after
            // it has looked up its services: whatever the machine's speed, the removal happens while it runs.
            String using = api.post("api/jobs", "{\"model\": \"" + memorizer() + "\", \"seeds\": {\"noise\": 1000000}, "
                    + "\"strategyParams\": {\"tolerance\": 1e-300, \"maxSteps\": 1000}, \"metrics\": [\"path-length\"], "
                    + "\"exporters\": [\"json\"]}").json().path("id").asText();
            api.awaitStage(using, "iterating", Duration.ofSeconds(60));
            Files.delete(jar);
            LabFixture.await("path-length gone from /api/services", () -> !hasMetric("path-length"));
            JsonNode failed = api.awaitFinished(using, Duration.ofSeconds(120));
            assertEquals("failed", failed.path("status").asText(), failed.toString());
            assertTrue(failed.path("message").asText().contains("metric 'path-length' was removed while it ran"), failed.toString());
            expect(api.post("api/jobs", "{\"model\": \"" + memorizer() + "\", \"seeds\": {\"noise\": 10}, "
                    + "\"metrics\": [\"path-length\"]}"), 400, "no metric with id 'path-length'");
            assertEquals(200, api.get("api/services").status(), "the server keeps serving");
        } finally {
            Files.deleteIfExists(jar);
            Files.deleteIfExists(lab.home.resolve("etc/org.latentlab.engine.cfg"));
            awaitEngineSetting("chunkSize", "4096");
        }
    }

    @Test
    void whichBackendServesAFormatIsAConfigurationChangeForTheNextJob() throws Exception {
        Path cfg = lab.home.resolve("etc/org.latentlab.backends.cfg");
        LabFixture.writeConfig(lab.home, "org.latentlab.backends.cfg", "extension.onnx = torchscript\n");
        try {
            LabFixture.await("mapping applied", () -> {
                try {
                    JsonNode j = api.awaitFinished(submitSmall(), Duration.ofSeconds(60));
                    return j.path("status").asText().equals("failed") && j.path("message").asText().contains("PyTorch");
                } catch (Exception e) {
                    return false;
                }
            });
        } finally {
            Files.deleteIfExists(cfg);
            LabFixture.await("mapping removed", () -> { // also when the test failed: the other tests need the default
                try {
                    return api.awaitFinished(submitSmall(), Duration.ofSeconds(60)).path("status").asText().equals("succeeded");
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    /** Waits until the engine runs with the given setting (the server shows the engine's configuration in force). */
    static void awaitEngineSetting(String key, String value) throws InterruptedException {
        LabFixture.await("engine " + key + " = " + value, () -> {
            try {
                return api.get("api/status").json().at("/engine/" + key).asText().equals(value);
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** Each test starts with no job queued or running, whatever an earlier test left behind. */
    @AfterEach
    void cancelLeftoverJobs() throws Exception {
        api.cancelUnfinishedJobs();
    }

    private static String submitSmall() throws Exception {
        return api.post("api/jobs", "{\"model\": \"" + memorizer() + "\", \"seeds\": {\"noise\": 5}, \"exporters\": [\"json\"]}")
                .json().path("id").asText();
    }

    /** A metric with this id in /api/services (an OOD score may share the id, so the kind counts). */
    private static boolean hasMetric(String id) {
        try {
            for (JsonNode s : api.get("api/services").json()) {
                if (s.path("kind").asText().equals("metric") && s.path("id").asText().equals(id)) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    private static String body(String path) {
        try {
            return api.get(path).body();
        } catch (Exception e) {
            return "";
        }
    }

    static void expect(ServerClient.Response r, int status, String words) {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.body().contains(words), "expected '" + words + "' in " + r.body());
        assertFalse(r.body().contains("\tat "), "no stack trace: " + r.body());
    }
}
