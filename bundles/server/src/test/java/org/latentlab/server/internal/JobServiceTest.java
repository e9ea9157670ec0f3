package org.latentlab.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelLoader;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.server.internal.rest.JobView;

/** The job service against a fake engine: what is stored when, and what a refused request leaves (nothing). */
class JobServiceTest {

    @TempDir
    Path home;
    Path model;
    JobStore store;
    volatile ServerSettings settings;
    FakeEngine engine;
    JobService jobs;

    @BeforeEach
    void setUp() throws Exception {
        model = Files.createDirectories(home.resolve("models/memorizer"));
        Files.writeString(model.resolve("encoder.onnx"), "e");
        Files.writeString(model.resolve("decoder.onnx"), "d");
        store = LabDatabase.open(home).store();
        settings = ServerSettings.from(Map.of("maxQueuedJobs", "2"), home);
        engine = new FakeEngine();
        jobs = service(store);
    }

    @AfterEach
    void tearDown() {
        LabDatabase.close(store);
    }

    /** A job service on this data folder, wired as SCR would. */
    JobService service(JobStore s) {
        JobService j = new JobService();
        j.lab = new LabServer() {
            @Override
            JobStore store() {
                return s;
            }

            @Override
            Path home() {
                return home;
            }

            @Override
            ServerSettings settings() {
                return settings;
            }
        };
        j.engine = engine;
        j.catalog = JobRequestParserTest.CATALOG;
        j.models = new ModelLoader() {
            public ModelSpec read(Path folder) {
                return new ModelSpec(folder, "memorizer", new int[] {16}, 4, "encoder.onnx", "decoder.onnx", null);
            }

            public LatentModel load(Path folder) {
                throw new UnsupportedOperationException();
            }
        };
        return j;
    }

    JsonNode body(String seeds) throws IOException {
        return Json.MAPPER.readTree("{\"model\": \"" + model + "\", \"seeds\": " + seeds + "}");
    }

    static AnalysisResult result(long millis) {
        return new AnalysisResult(null, "noise", null, "picard", null, "cosine", null, List.of(), List.of(), new int[0], Map.of(),
                millis);
    }

    @Test
    void anAcceptedRequestIsStoredQueuedAndHandedToTheEngineUnderTheSameId() throws Exception {
        JobView v = jobs.submit(body("{\"noise\": 5}"));
        assertTrue(v.id().matches("job-\\d{8}-\\d{6}-[0-9a-f]{4}"), v.id());
        assertEquals("queued", v.status());
        assertEquals(model.toString(), v.request().path("model").asText(), "the request as given");
        assertEquals(1, engine.submitted.size());
        assertEquals(v.id(), engine.submitted.get(0).id(), "one id for the record, the folder and the engine's job");
        assertEquals(home.resolve("jobs").resolve(v.id()), engine.submitted.get(0).request().outDir());
        assertEquals("QUEUED", store.get(v.id()).orElseThrow().status());
        assertEquals("queued", jobs.job(v.id()).progress().stage(), "a live job shows its progress");
    }

    @Test
    void aRefusedRequestLeavesNoRecordAndReachesNoEngine() throws Exception {
        ApiException bad = assertThrows(ApiException.class, () -> jobs.submit(body("{\"noise\": 0}")));
        assertEquals(400, bad.status);
        assertTrue(bad.getMessage().startsWith("\"seeds.noise\""), bad.getMessage());
        assertEquals(403, assertThrows(ApiException.class,
                () -> jobs.submit(Json.MAPPER.readTree("{\"model\": \"/etc\", \"seeds\": {\"noise\": 5}}"))).status);
        assertTrue(engine.submitted.isEmpty());

        engine.refusal = "strategy 'picard': maxSteps is out of range"; // the engine's own check, after the record was written
        LatentLabException e = assertThrows(LatentLabException.class, () -> jobs.submit(body("{\"noise\": 5}")));
        assertEquals(engine.refusal, e.getMessage());
        assertEquals(List.of(), store.list(10), "the record written before the engine refused is gone");
    }

    @Test
    void theQueueBoundRefusesWith429AndStoresNothing() throws Exception {
        JobView first = jobs.submit(body("{\"noise\": 5}"));
        jobs.submit(body("{\"noise\": 6}"));
        ApiException full = assertThrows(ApiException.class, () -> jobs.submit(body("{\"noise\": 7}")));
        assertEquals(429, full.status);
        assertEquals("2 jobs are queued or running (at most 2); try later", full.getMessage());
        assertEquals(2, store.list(10).size());

        engine.submitted.get(0).succeed(result(3)); // a finished job frees its place
        assertEquals("succeeded", jobs.job(first.id()).status());
        assertEquals("queued", jobs.submit(body("{\"noise\": 7}")).status());
    }

    @Test
    void startAndEndAreRecordedWhenTheJobTellsThem() throws Exception {
        String id = jobs.submit(body("{\"noise\": 5}")).id();
        FakeJob<AnalysisResult> job = engine.submitted.get(0);
        job.start();
        assertEquals("RUNNING", store.get(id).orElseThrow().status());
        assertEquals("step 1 of 4", jobs.job(id).progress().message());

        job.succeed(result(1234));
        JobStore.JobRecord r = store.get(id).orElseThrow();
        assertEquals("SUCCEEDED", r.status());
        assertEquals(1234, Json.MAPPER.readTree(r.summary()).path("elapsedMillis").asLong());
        assertTrue(jobs.live(id).isEmpty(), "served from the database once its end is recorded");
        JobView v = jobs.job(id);
        assertEquals("succeeded", v.status());
        assertNull(v.progress());
        assertEquals(1234, v.summary().path("elapsedMillis").asLong());
        assertEquals(0, v.summary().path("attractors").asInt());
        assertEquals(409, assertThrows(ApiException.class, () -> jobs.cancel(id)).status);
    }

    @Test
    void aJobThatCannotWriteItsResultsKeepsAMessageThatSaysSo() throws Exception {
        String id = jobs.submit(body("{\"noise\": 5}")).id();
        Path out = home.resolve("jobs").resolve(id);
        engine.submitted.get(0).fail(new AccessDeniedException(out.resolve("result.json").toString()));
        JobStore.JobRecord r = store.get(id).orElseThrow();
        assertEquals("FAILED", r.status());
        assertEquals("job failed: cannot write its results to " + out + " (permission denied on " + out.resolve("result.json")
                + "); check that the data folder is writable and has free space", r.message());
        assertEquals(r.message(), jobs.job(id).message());
    }

    @Test
    void cancelledJobsAreRecordedAndCanRunAgain() throws Exception {
        String id = jobs.submit(body("{\"noise\": 5}")).id();
        assertEquals(409, assertThrows(ApiException.class, () -> jobs.rerun(id)).status, "not while it is queued");
        assertEquals("cancelled", jobs.cancel(id).status());
        assertEquals("CANCELLED", store.get(id).orElseThrow().status());
        JobView again = jobs.rerun(id);
        assertFalse(again.id().equals(id));
        assertEquals(jobs.job(id).request(), again.request(), "the same request");
        assertEquals(404, assertThrows(ApiException.class, () -> jobs.cancel("job-nope")).status);
    }

    @Test
    void jobsQueuedOrRunningWhenTheServerStoppedAreMarkedInterruptedAtTheNextStart() throws Exception {
        String queued = jobs.submit(body("{\"noise\": 5}")).id();
        String running = jobs.submit(body("{\"noise\": 6}")).id();
        engine.submitted.get(1).start();
        LabDatabase.close(store); // the server stops (or dies) with both unfinished

        store = LabDatabase.open(home).store();
        assertEquals(2, store.markInterrupted());
        JobService restarted = service(store);
        for (String id : List.of(queued, running)) {
            JobView v = restarted.job(id);
            assertEquals(JobRecordStatus.INTERRUPTED.label(), v.status());
            assertEquals("the server stopped while this job was queued or running", v.message());
        }
        assertEquals("queued", restarted.rerun(queued).status(), "an interrupted job runs again with one call");
    }

    @Test
    void theModelRootsInForceAtEachRequestDecide() throws Exception {
        jobs.submit(body("{\"noise\": 5}"));
        Path other = Files.createDirectories(home.resolve("elsewhere"));
        settings = ServerSettings.from(Map.of("modelRoots", other.toString()), home); // the .cfg file changed
        ApiException e = assertThrows(ApiException.class, () -> jobs.submit(body("{\"noise\": 5}")));
        assertEquals(403, e.status);
        assertTrue(e.getMessage().contains("outside the configured model roots [" + other + "]"), e.getMessage());
        assertEquals(1, store.list(10).size());
    }

    @Test
    void resultFilesAreServedFromTheJobFolderOnly() throws Exception {
        String id = jobs.submit(body("{\"noise\": 5}")).id();
        Path out = Files.createDirectories(home.resolve("jobs").resolve(id));
        Files.writeString(out.resolve("result.json"), "{}");
        Files.writeString(out.resolve(".hidden"), "x");
        Path secret = Files.writeString(home.resolve("secret.txt"), "s");
        Files.createSymbolicLink(out.resolve("leak.txt"), secret);
        assertEquals(List.of("result.json"), jobs.files(id));
        assertEquals(out.resolve("result.json"), jobs.file(id, "result.json").orElseThrow());
        assertTrue(jobs.file(id, "missing.npy").isEmpty());
        assertEquals(400, assertThrows(ApiException.class, () -> jobs.file(id, "../../secret.txt")).status);
        assertEquals(403, assertThrows(ApiException.class, () -> jobs.file(id, "leak.txt")).status);
    }
}
