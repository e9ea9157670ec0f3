package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Configuration files in DATA/etc changed, written and deleted while {@code latentlab serve} runs a
 * job, for every PID the docs name (org.latentlab.engine, org.latentlab.server, org.latentlab.backends):
 * the server stays up, the job completes, and the new values apply. A bad value never stops the
 * server, and one whose file was deleted while no server ran is gone at the next start.
 */
class ServerConfigIT {

    static final Path MODELS = Path.of(System.getProperty("latentlab.it.models"));

    static Path newHome(String name) throws Exception {
        Path home = Files.createTempDirectory(Files.createDirectories(Path.of(System.getProperty("latentlab.it.work"))), name);
        Files.createDirectories(home.resolve("etc"));
        return home;
    }

    static String roots() {
        return "modelRoots = " + MODELS + "\n";
    }

    static String endless() {
        return "{\"model\": \"" + MODELS.resolve("memorizer") + "\", \"seeds\": {\"noise\": 20000}, "
                + "\"strategyParams\": {\"tolerance\": 1e-300, \"maxSteps\": 100000000}, \"exporters\": [\"json\"]}";
    }

    static String small() {
        return "{\"model\": \"" + MODELS.resolve("memorizer") + "\", \"seeds\": {\"noise\": 5}, \"exporters\": [\"json\"]}";
    }

    @Test
    void everyConfigurationAppliesLiveWhileAJobRunsAndTheServerStaysUp() throws Exception {
        Path home = newHome("config-live-");
        LabFixture.writeConfig(home, "org.latentlab.server.cfg", roots());
        try (ServerProcess server = ServerProcess.serving(home, null)) {
            ServerClient api = server.api();
            // a job that runs for a while and then succeeds: it runs through every change below
            String running = api.post("api/jobs", "{\"model\": \"" + MODELS.resolve("memorizer") + "\", \"seeds\": {\"noise\": 3000}, "
                    + "\"strategyParams\": {\"tolerance\": 1e-300, \"maxSteps\": 400}, \"exporters\": [\"json\"]}").json().path("id").asText();
            api.awaitStage(running, "iterating", Duration.ofSeconds(60));

            // org.latentlab.engine: written (this stopped 'serve' with status 0 and interrupted the job), then changed
            LabFixture.writeConfig(home, "org.latentlab.engine.cfg", "chunkSize = 512\n");
            awaitStatus(api, "/engine/chunkSize", "512");
            assertTrue(server.process.isAlive(), server.output());
            LabFixture.writeConfig(home, "org.latentlab.engine.cfg", "chunkSize = 512\nmaxConcurrentJobs = 3\n");
            awaitStatus(api, "/engine/maxConcurrentJobs", "3");
            String l1 = api.post("api/jobs", endless()).json().path("id").asText();
            String l2 = api.post("api/jobs", endless()).json().path("id").asText();
            // two jobs that never end run at once: more than one runs now (the default is one)
            LabFixture.await("both endless jobs running", () -> status(api, l1).equals("running") && status(api, l2).equals("running"));

            // org.latentlab.server: maxQueuedJobs lowered, in force for the next submission
            LabFixture.writeConfig(home, "org.latentlab.server.cfg", roots() + "maxQueuedJobs = 2\n");
            awaitStatus(api, "/maxQueuedJobs", "2");
            ServerClient.Response refused = api.post("api/jobs", endless());
            assertEquals(429, refused.status(), refused.body());
            assertTrue(refused.body().contains("at most 2"), refused.body());
            api.post("api/jobs/" + l1 + "/cancel", "");
            api.post("api/jobs/" + l2 + "/cancel", "");
            assertEquals("cancelled", api.awaitFinished(l1, Duration.ofSeconds(60)).path("status").asText());
            assertEquals("cancelled", api.awaitFinished(l2, Duration.ofSeconds(60)).path("status").asText());

            // org.latentlab.backends: written, then deleted
            LabFixture.writeConfig(home, "org.latentlab.backends.cfg", "extension.onnx = torchscript\n");
            LabFixture.await("onnx files mapped to torchscript", () -> finished(api, small()).path("message").asText().contains("PyTorch"));
            Files.delete(home.resolve("etc/org.latentlab.backends.cfg"));
            LabFixture.await("mapping removed", () -> finished(api, small()).path("status").asText().equals("succeeded"));

            // deleted: the defaults apply again
            Files.delete(home.resolve("etc/org.latentlab.engine.cfg"));
            awaitStatus(api, "/engine/maxConcurrentJobs", "1");
            awaitStatus(api, "/engine/chunkSize", "4096");
            LabFixture.writeConfig(home, "org.latentlab.server.cfg", roots());
            awaitStatus(api, "/maxQueuedJobs", "8");

            JsonNode done = api.awaitFinished(running, Duration.ofSeconds(300));
            assertEquals("succeeded", done.path("status").asText(), done.toString());
            assertTrue(server.process.isAlive(), "serve is still running: " + server.output());
            assertEquals(200, api.get("api/services").status());
            assertFalse(server.output().contains("\tat "), server.output());
        }
    }

    @Test
    void aBadValueNeverStopsTheServerAndAStaleOneIsGoneAtTheNextStart() throws Exception {
        Path home = newHome("config-bad-");
        LabFixture.writeConfig(home, "org.latentlab.server.cfg", roots() + "maxQueuedJobs = abc\n");
        LabFixture.writeConfig(home, "org.latentlab.engine.cfg", "maxConcurrentJobs = many\n");
        String token;
        try (ServerProcess server = ServerProcess.serving(home, null)) {
            ServerClient api = server.api();
            token = api.token;
            assertTrue(server.output().contains("serve: warning: " + home.resolve("etc/org.latentlab.server.cfg")
                    + ": maxQueuedJobs = 'abc' is not a whole number; using 8"), server.output());
            assertTrue(server.output().contains("serve: warning: " + home.resolve("etc/org.latentlab.engine.cfg")
                    + ": maxConcurrentJobs = 'many' is not a whole number; the engine uses its default"), server.output());
            assertFalse(server.output().contains("\tat "), server.output());
            assertEquals(8, api.get("api/status").json().path("maxQueuedJobs").asInt());
            assertEquals("succeeded", finished(api, small()).path("status").asText(), "the engine runs with its default");
        }
        // deleted while no server runs: ConfigAdmin still holds the values from those files
        Files.delete(home.resolve("etc/org.latentlab.server.cfg"));
        Files.delete(home.resolve("etc/org.latentlab.engine.cfg"));
        try (ServerProcess server = ServerProcess.serving(home, token)) {
            ServerClient api = server.api();
            assertFalse(server.output().contains("serve: warning"), server.output());
            JsonNode status = api.get("api/status").json();
            assertEquals(0, status.path("configurationProblems").size(), status.toString());
            assertEquals(home.resolve("models").toString(), status.at("/modelRoots/0").asText(), "the default roots again");
            awaitStatus(api, "/engine/maxConcurrentJobs", "1");
            assertFalse(Files.exists(home.resolve("config/org/latentlab/server.config")), "the stored values are gone");
        }
    }

    static String status(ServerClient api, String id) {
        try {
            return api.get("api/jobs/" + id).json().path("status").asText();
        } catch (Exception e) {
            return "";
        }
    }

    /** Submits and waits for the end; a missing node when the submission failed. */
    static JsonNode finished(ServerClient api, String body) {
        try {
            ServerClient.Response r = api.post("api/jobs", body);
            return r.status() == 201 ? api.awaitFinished(r.json().path("id").asText(), Duration.ofSeconds(120)) : r.json();
        } catch (Exception e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    static void awaitStatus(ServerClient api, String pointer, String value) throws InterruptedException {
        LabFixture.await("status " + pointer + " = " + value, () -> {
            try {
                return api.get("api/status").json().at(pointer).asText().equals(value);
            } catch (Exception e) {
                return false;
            }
        });
    }
}
