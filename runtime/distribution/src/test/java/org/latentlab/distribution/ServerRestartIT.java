package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The server as a process, killed with SIGKILL in the middle of a job and started again: finished
 * results are intact, the running job is marked interrupted and runs again with one call; a bounded
 * queue refuses more jobs than configured.
 */
class ServerRestartIT {

    static final Path MODELS = Path.of(System.getProperty("latentlab.it.models"));

    record Server(Process process, ServerClient api, StringBuffer output) {}

    static Server serve(Path home, String knownToken) throws Exception {
        ServerProcess s = ServerProcess.serving(home, knownToken);
        return new Server(s.process, s.api(), s.output);
    }

    static String longJob() {
        // never converges (tolerance 1e-300): runs until cancelled or maxSteps
        return "{\"model\": \"" + MODELS.resolve("memorizer") + "\", \"seeds\": {\"noise\": 20000}, "
                + "\"strategyParams\": {\"tolerance\": 1e-300, \"maxSteps\": 1000000}, \"exporters\": [\"json\"]}";
    }

    @Test
    void killedServerKeepsFinishedResultsAndMarksRunningJobsInterrupted() throws Exception {
        Path home = Files.createTempDirectory(Files.createDirectories(Path.of(System.getProperty("latentlab.it.work"))), "restart-");
        Files.createDirectories(home.resolve("etc"));
        LabFixture.writeConfig(home, "org.latentlab.server.cfg", "modelRoots = " + MODELS + "\nmaxQueuedJobs = 2\n");
        Server first = serve(home, null);
        String token = first.api().token;
        try {
            StringBuffer last = new StringBuffer();
            try {
                LabFixture.await("roots configured", () -> {
                    try {
                        String b = first.api().get("api/status").body();
                        last.setLength(0);
                        last.append(b);
                        return b.contains(MODELS.toString());
                    } catch (Exception e) {
                        last.setLength(0);
                        last.append(e);
                        return false;
                    }
                });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; last answer: " + last + "; server said: " + first.output(), e);
            }
            String done = first.api().post("api/jobs", "{\"model\": \"" + MODELS.resolve("memorizer") + "\", \"seeds\": {\"latents\": \""
                    + MODELS.resolve("memorizer/seeds.npy") + "\"}}").json().path("id").asText();
            assertEquals("succeeded", first.api().awaitFinished(done, Duration.ofSeconds(60)).path("status").asText());

            String running = first.api().post("api/jobs", longJob()).json().path("id").asText();
            first.api().awaitStatus(running, "running", Duration.ofSeconds(30));
            String queued = first.api().post("api/jobs", longJob()).json().path("id").asText();
            ServerClient.Response refused = first.api().post("api/jobs", longJob());
            assertEquals(429, refused.status(), "the queue holds at most 2: " + refused.body());

            first.process().destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertTrue(first.process().waitFor(30, TimeUnit.SECONDS));

            Server second = serve(home, token);
            try {
                ServerClient api = second.api();
                assertEquals(401, api.getWithoutToken("api/jobs").status());
                assertEquals(2, api.get("api/status").json().path("interruptedAtStart").asInt());
                try (var dirs = Files.list(home.resolve("run"))) {
                    assertEquals(1, dirs.filter(Files::isDirectory).count(), "the killed process's framework storage was removed");
                }
                JsonNode ok = api.get("api/jobs/" + done).json();
                assertEquals("succeeded", ok.path("status").asText());
                assertEquals(7, ok.at("/summary/attractors").asInt(), "finished results intact");
                assertEquals(400, api.get("api/jobs/" + done + "/files/result.json").json().at("/seeds/count").asInt());
                for (String id : new String[] {running, queued}) {
                    JsonNode j = api.get("api/jobs/" + id).json();
                    assertEquals("interrupted", j.path("status").asText(), j.toString());
                }
                ServerClient.Response again = api.post("api/jobs/" + running + "/rerun", "");
                assertEquals(201, again.status(), again.body());
                String rerun = again.json().path("id").asText();
                api.awaitStatus(rerun, "running", Duration.ofSeconds(30));
                api.post("api/jobs/" + rerun + "/cancel", "");
                assertEquals("cancelled", api.awaitFinished(rerun, Duration.ofSeconds(30)).path("status").asText());
            } finally {
                second.process().destroy();
                second.process().waitFor(30, TimeUnit.SECONDS);
            }
        } finally {
            first.process().destroyForcibly();
        }
    }
}
