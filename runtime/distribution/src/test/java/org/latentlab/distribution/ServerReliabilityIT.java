package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lab server (in this JVM, through its REST API) fed what a careless or hostile client sends:
 * bad field values, huge bodies, unknown paths, links out of the allowed folders; and a data folder
 * that cannot take results. Every answer is one clear JSON error, and nothing is stored or lost.
 */
class ServerReliabilityIT {

    static final Path MODELS = Path.of(System.getProperty("latentlab.it.models"));
    static LabFixture lab;
    static ServerClient api;

    @BeforeAll
    static void start() throws Exception {
        lab = LabFixture.start("server-reliability");
        api = lab.serve(MODELS);
    }

    @AfterAll
    static void stop() {
        lab.close();
    }

    static String job(String seeds) {
        return "{\"model\": \"" + ServerIT.memorizer() + "\", \"seeds\": " + seeds + ", \"exporters\": [\"json\"]}";
    }

    static int jobCount() throws Exception {
        return api.get("api/jobs?limit=10000").json().size();
    }

    @Test
    void everyFieldIsCheckedBeforeAJobIsAccepted() throws Exception {
        int before = jobCount();
        for (String noise : List.of("-1", "0", "\"abc\"", "10.5")) {
            ServerIT.expect(api.post("api/jobs", job("{\"noise\": " + noise + "}")), 400, "\\\"seeds.noise\\\" must be a whole number");
        }
        ServerIT.expect(api.post("api/jobs", job("{\"source\": \"no-such-source\"}")), 400, "'no-such-source'");
        ServerIT.expect(api.post("api/jobs", job("{\"source\": \"no-such-source\"}")), 400, "seeds.source");
        ServerIT.expect(api.post("api/jobs", job("{\"source\": \"uniform\", \"params\": {\"low\": \"x\"}}")), 400,
                "\\\"seeds.params\\\": parameter 'low'");
        ServerIT.expect(api.post("api/jobs", job("{\"noise\": 5, \"sigma\": \"wide\"}")), 400, "seeds.sigma");
        ServerIT.expect(api.post("api/jobs", "{\"model\": \"" + ServerIT.memorizer() + "\", \"seeds\": {\"noise\": 5}, \"strategy\": 7}"), 400,
                "\\\"strategy\\\" must be a non-empty string");
        ServerIT.expect(api.post("api/jobs", "{\"model\": \"" + ServerIT.memorizer() + "\", \"seeds\": {\"noise\": 5}, \"metrics\": [1]}"), 400,
                "\\\"metrics\\\" must list ids as strings");
        assertEquals(before, jobCount(), "no refused request left a job record");
    }

    @Test
    void anUnknownModelNameDoesNotRevealTheWorkingDirectory() throws Exception {
        ServerClient.Response r = api.post("api/jobs", "{\"model\": \"no-such-model\", \"seeds\": {\"noise\": 5}}");
        ServerIT.expect(r, 400, "no registered model 'no-such-model' and not an absolute path under the model roots");
        // (the model roots may lie under the working directory; the name must not be resolved against it)
        assertFalse(r.body().contains(Path.of("no-such-model").toAbsolutePath().toString()), r.body());
        ServerClient.Response seeds = api.post("api/jobs", job("{\"latents\": \"memorizer/seeds.npy\"}"));
        ServerIT.expect(seeds, 400, "is not an absolute path");
        assertFalse(seeds.body().contains(Path.of("memorizer/seeds.npy").toAbsolutePath().toString()), seeds.body());
    }

    @Test
    void bodiesOverTheLimitAre413WithoutBeingReadAndLeaveNothingStored() throws Exception {
        int before = jobCount();
        long dbBefore = Files.size(lab.home.resolve("server/lab.mv.db"));
        byte[] huge = ("{\"model\": \"" + "x".repeat(50_000_000) + "\", \"seeds\": {\"noise\": 5}}").getBytes(StandardCharsets.UTF_8);
        ServerClient.Response sized = api.send(HttpRequest.newBuilder(URI.create(api.base + "api/jobs"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(huge)), true);
        ServerIT.expect(sized, 413, "larger than 1048576 bytes");
        ServerClient.Response chunked = api.send(HttpRequest.newBuilder(URI.create(api.base + "api/jobs"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge))), true); // no Content-Length
        ServerIT.expect(chunked, 413, "larger than 1048576 bytes");
        ServerIT.expect(api.post("api/models", "{\"path\": \"" + "y".repeat(2_000_000) + "\"}"), 413, "maxRequestBytes");
        assertEquals(before, jobCount());
        assertTrue(Files.size(lab.home.resolve("server/lab.mv.db")) < dbBefore + 1_000_000, "nothing of the bodies was stored");

        // the limit is configuration, applied live
        LabFixture.writeConfig(lab.home, "org.latentlab.server.cfg", "modelRoots = " + MODELS + "," + lab.home
                + "\nmaxRequestBytes = 2k\n");
        try {
            awaitStatus("/maxRequestBytes", "2048");
            ServerIT.expect(api.post("api/jobs", job("{\"noise\": 5}") + " ".repeat(3000)), 413, "larger than 2048 bytes");
            ServerClient.Response small = api.post("api/jobs", job("{\"noise\": 5}"));
            assertEquals(201, small.status(), small.body());
            api.awaitFinished(small.json().path("id").asText(), Duration.ofSeconds(60));
        } finally {
            LabFixture.writeConfig(lab.home, "org.latentlab.server.cfg", "modelRoots = " + MODELS + "," + lab.home + "\n");
            awaitStatus("/maxRequestBytes", "1048576");
        }
    }

    @Test
    void errorsOutsideTheApiAreJsonToo() throws Exception {
        ServerClient.Response unknown = api.getWithoutToken("no/such/page");
        ServerIT.expect(unknown, 404, "\"error\"");
        assertTrue(unknown.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), unknown.headers().toString());
        ServerClient.Response post = api.send(HttpRequest.newBuilder(URI.create(api.base)).POST(HttpRequest.BodyPublishers.ofString("x")),
                false);
        ServerIT.expect(post, 405, "\"error\"");
        assertTrue(post.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        ServerIT.expect(api.send(HttpRequest.newBuilder(URI.create(api.base + "api/services")).DELETE(), true), 405, "use GET");
    }

    @Test
    void thePageCannotBeFramedByOtherSitesAndDeclaresWhatItLoads() throws Exception {
        ServerClient.Response page = api.getWithoutToken("");
        assertEquals(200, page.status());
        String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'") && csp.contains("default-src 'self'"), csp);
        assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElse(""));
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertEquals("nosniff", api.getWithoutToken("app.js").headers().firstValue("X-Content-Type-Options").orElse(""));

        // a report is shown in a frame of the page (same origin), never by another site, and runs no script
        ServerClient.Response api401 = api.getWithoutToken("api/jobs");
        String apiCsp = api401.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(apiCsp.contains("frame-ancestors 'self'") && apiCsp.contains("default-src 'none'"), apiCsp);
        assertEquals("SAMEORIGIN", api401.headers().firstValue("X-Frame-Options").orElse(""));
        assertEquals("nosniff", api401.headers().firstValue("X-Content-Type-Options").orElse(""));
    }

    @Test
    void linksDoNotLeadOutOfAJobFolderOrTheModelRoots() throws Exception {
        String id = api.post("api/jobs", job("{\"noise\": 20}")).json().path("id").asText();
        assertEquals("succeeded", api.awaitFinished(id, Duration.ofSeconds(60)).path("status").asText());
        Path outside = Files.createTempDirectory(lab.home.getParent(), "outside-"); // neither a model root nor the data folder
        Path secret = Files.writeString(outside.resolve("secret.txt"), "root:x:0:0 secret");
        Path jobDir = lab.home.resolve("jobs").resolve(id);
        Files.createSymbolicLink(jobDir.resolve("leak.txt"), secret);
        ServerClient.Response leak = api.get("api/jobs/" + id + "/files/leak.txt");
        ServerIT.expect(leak, 403, "leads outside the job folder");
        assertFalse(leak.body().contains("secret"), leak.body());
        assertFalse(api.get("api/jobs/" + id + "/files").body().contains("leak.txt"), "not listed either");
        assertEquals(200, api.get("api/jobs/" + id + "/files/result.json").status(), "the job's own files are served");

        // a model folder inside a root whose encoder is a link to a file outside the roots
        Path model = Files.createDirectories(lab.home.resolve("models/linked"));
        for (String f : List.of("model.json", "decoder.onnx", "seeds.npy")) {
            Files.copy(MODELS.resolve("memorizer").resolve(f), model.resolve(f));
        }
        Path encoder = Files.copy(MODELS.resolve("memorizer/encoder.onnx"), outside.resolve("encoder.onnx"));
        Files.createSymbolicLink(model.resolve("encoder.onnx"), encoder);
        ServerIT.expect(api.post("api/jobs", "{\"model\": \"" + model + "\", \"seeds\": {\"noise\": 5}}"), 403,
                "encoder.onnx leads to " + encoder.toRealPath());
        ServerIT.expect(api.post("api/models", "{\"path\": \"" + model + "\"}"), 403, "outside the configured model roots");
        // a seed file linked from inside a root to outside
        Path seeds = Files.copy(MODELS.resolve("memorizer/seeds.npy"), outside.resolve("seeds.npy"));
        Files.createSymbolicLink(lab.home.resolve("models/seeds-link.npy"), seeds);
        ServerIT.expect(api.post("api/jobs", job("{\"latents\": \"" + lab.home.resolve("models/seeds-link.npy") + "\"}")), 403,
                "through a symbolic link");
    }

    @Test
    void aDataFolderThatCannotTakeResultsGivesAClearErrorAndLosesNoFinishedJob() throws Exception {
        String done = api.post("api/jobs", job("{\"noise\": 30}")).json().path("id").asText();
        assertEquals("succeeded", api.awaitFinished(done, Duration.ofSeconds(60)).path("status").asText());
        Path jobs = lab.home.resolve("jobs");
        byte[] result = Files.readAllBytes(jobs.resolve(done).resolve("result.json"));

        // accepted while the folder was fine; it breaks before the job writes (it waits behind a job that never ends)
        String blocker = api.post("api/jobs", job("{\"noise\": 20000}").replace("\"exporters\"",
                "\"strategyParams\": {\"tolerance\": 1e-300, \"maxSteps\": 100000000}, \"exporters\"")).json().path("id").asText();
        api.awaitStatus(blocker, "running", Duration.ofSeconds(30));
        String late = api.post("api/jobs", job("{\"noise\": 10}")).json().path("id").asText();
        assertEquals("queued", api.get("api/jobs/" + late).json().path("status").asText());
        Path saved = lab.home.resolve("jobs.saved");
        Files.move(jobs, saved);
        Files.writeString(jobs, "a file where the jobs folder should be"); // as root, chmod stops nothing: break it this way
        try {
            api.post("api/jobs/" + blocker + "/cancel", "");
            JsonNode failed = api.awaitFinished(late, Duration.ofSeconds(60));
            assertEquals("failed", failed.path("status").asText(), failed.toString());
            String msg = failed.path("message").asText();
            assertTrue(msg.startsWith("job failed: cannot write its results to " + jobs.resolve(late)) && msg.contains("is a file, not a folder")
                    && msg.contains("check that the data folder is writable"), msg);

            // while broken: a new job is refused at once, naming the folder; nothing is recorded
            int count = jobCount();
            ServerIT.expect(api.post("api/jobs", job("{\"noise\": 10}")), 503, "cannot write job results in " + jobs);
            assertEquals(count, jobCount());
            JsonNode listed = api.get("api/jobs/" + done).json();
            assertEquals("succeeded", listed.path("status").asText(), "finished jobs stay listed");
        } finally {
            Files.delete(jobs);
            Files.move(saved, jobs);
        }
        assertTrue(java.util.Arrays.equals(result, Files.readAllBytes(jobs.resolve(done).resolve("result.json"))), "and intact");
        ServerClient.Response again = api.post("api/jobs/" + late + "/rerun", "");
        assertEquals(201, again.status(), again.body());
        assertEquals("succeeded", api.awaitFinished(again.json().path("id").asText(), Duration.ofSeconds(60)).path("status").asText());
    }

    @AfterEach
    void cancelLeftoverJobs() throws Exception {
        api.cancelUnfinishedJobs();
    }

    static void awaitStatus(String pointer, String value) throws InterruptedException {
        LabFixture.await("status " + pointer + " = " + value, () -> {
            try {
                return api.get("api/status").json().at(pointer).asText().equals(value);
            } catch (Exception e) {
                return false;
            }
        });
    }
}
