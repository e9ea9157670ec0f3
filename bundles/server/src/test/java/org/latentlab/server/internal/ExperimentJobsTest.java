package org.latentlab.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.Capability;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.catalog.CapabilityInfo;
import org.latentlab.api.catalog.CapabilityKind;
import org.latentlab.api.catalog.Catalog;
import org.latentlab.api.experiment.Experiment;
import org.latentlab.api.experiment.ExperimentRequest;
import org.latentlab.api.experiment.ExperimentResult;
import org.latentlab.api.result.FieldValue;
import org.latentlab.server.internal.rest.ExperimentView;
import org.latentlab.server.internal.rest.JobView;

/**
 * Experiment jobs in the job service, against fake engines: checked like analysis jobs, stored in the
 * same table, listed with their kind, followed, cancelled and marked interrupted the same way.
 */
class ExperimentJobsTest {

    @TempDir
    Path home;
    Path model;
    JobStore store;
    FakeEngine analyses;
    FakeExperimentEngine experiments;
    JobService jobs;
    JobServiceTest base;

    /** {@code echo} needs no model and takes an input reference; {@code needs-model} needs one. */
    static final Map<String, List<ParameterSpec>> EXPERIMENTS = Map.of(
            "echo", List.of(ParameterSpec.text("message", "hello", "what to write"),
                    ParameterSpec.integer("stages", 3, 1, 20, "stages"),
                    ParameterSpec.text("inputs", "mnist:test:10", "a .npy file or a data set reference")),
            "needs-model", List.of());

    static final Catalog CATALOG = new Catalog() {
        @Override
        public List<CapabilityInfo> list() {
            return EXPERIMENTS.keySet().stream().sorted().map(id -> new CapabilityInfo(CapabilityKind.EXPERIMENT, id,
                    "the " + id + " experiment", EXPERIMENTS.get(id), "test", "1.0.0")).toList();
        }

        @Override
        public <T extends Capability> Optional<T> find(Class<T> type, String id) {
            if (type != Experiment.class) {
                return JobRequestParserTest.CATALOG.find(type, id);
            }
            List<ParameterSpec> specs = EXPERIMENTS.get(id);
            return specs == null ? Optional.empty() : Optional.of(type.cast(Proxy.newProxyInstance(type.getClassLoader(),
                    new Class<?>[] {type}, (p, m, a) -> switch (m.getName()) {
                        case "parameters" -> specs;
                        case "needsModel" -> id.equals("needs-model");
                        default -> null;
                    })));
        }
    };

    @BeforeEach
    void setUp() throws Exception {
        base = new JobServiceTest();
        base.home = home;
        base.setUp();
        base.settings = ServerSettings.from(Map.of("maxQueuedJobs", "10"), home);
        model = base.model;
        store = base.store;
        analyses = base.engine;
        experiments = new FakeExperimentEngine();
        jobs = base.jobs;
        wire(jobs);
    }

    void wire(JobService j) {
        j.experiments = experiments;
        j.catalog = CATALOG;
    }

    @AfterEach
    void tearDown() {
        LabDatabase.close(store);
    }

    static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    static ExperimentResult echoed(String message) {
        Map<String, FieldValue> summary = new LinkedHashMap<>();
        summary.put("stages", new FieldValue.Int(3));
        summary.put("auroc", new FieldValue.Real(Double.NaN));
        summary.put("message", new FieldValue.Text(message));
        summary.put("point", new FieldValue.Reals(new double[] {1, 2}));
        return new ExperimentResult("echo", "Echo: " + message, summary, List.of("echo.txt"), null, 42);
    }

    @Test
    void anExperimentBodyGoesToTheExperimentEngineUnderTheRecordsIdAndFolder() throws Exception {
        JobView v = jobs.submit(json("{\"experiment\": \"echo\", \"params\": {\"message\": \"hi\", \"stages\": 2}}"));
        assertEquals("experiment", v.kind());
        assertEquals("queued", v.status());
        assertTrue(analyses.submitted.isEmpty());
        assertEquals(1, experiments.submitted.size());
        FakeJob<ExperimentResult> job = experiments.submitted.get(0);
        assertEquals(v.id(), job.id());
        ExperimentRequest r = (ExperimentRequest) job.request();
        assertEquals("echo", r.experiment());
        assertEquals(Map.of("message", "hi", "stages", "2"), r.params(), "numbers arrive as text, as from the command line");
        assertNull(r.modelFolder(), "echo needs no model");
        assertEquals(home.resolve("jobs").resolve(v.id()), r.outDir());
        assertEquals("QUEUED", store.get(v.id()).orElseThrow().status());
    }

    @Test
    void analysisAndExperimentJobsShareTheTableAndAreListedWithTheirKind() throws Exception {
        String analysis = jobs.submit(json("{\"model\": \"" + model + "\", \"seeds\": {\"noise\": 5}}")).id();
        String experiment = jobs.submit(json("{\"experiment\": \"echo\"}")).id();
        Map<String, String> kinds = new LinkedHashMap<>();
        jobs.jobs(10).forEach(j -> kinds.put(j.id(), j.kind()));
        assertEquals(Map.of(analysis, "analysis", experiment, "experiment"), kinds);
        assertEquals(2, store.list(10).size());
    }

    @Test
    void theEndIsRecordedWithTheExperimentsSummary() throws Exception {
        String id = jobs.submit(json("{\"experiment\": \"echo\"}")).id();
        FakeJob<ExperimentResult> job = experiments.submitted.get(0);
        job.start();
        assertEquals("RUNNING", store.get(id).orElseThrow().status());
        assertEquals("step 1 of 4", jobs.job(id).progress().message(), "live progress, as for analyses");
        job.succeed(echoed("hi"));
        JobStore.JobRecord r = store.get(id).orElseThrow();
        assertEquals("SUCCEEDED", r.status());
        JsonNode summary = jobs.job(id).summary();
        assertEquals(json(r.summary()), summary);
        assertEquals("Echo: hi", summary.path("title").asText());
        assertEquals("echo", summary.path("experiment").asText());
        assertEquals(json("{\"stages\": 3, \"auroc\": null, \"message\": \"hi\"}"), summary.path("values"),
                "scalars only, NaN as null, in order");
        assertEquals(42, summary.path("elapsedMillis").asLong());
        assertEquals("echo.txt", summary.path("files").path(0).asText());
        assertTrue(jobs.live(id).isEmpty());
    }

    @Test
    void aFailedExperimentKeepsItsMessageAndACancelledOneCanRunAgain() throws Exception {
        String failed = jobs.submit(json("{\"experiment\": \"echo\"}")).id();
        experiments.submitted.get(0).fail(new LatentLabException("it-echo failed as asked (fail=true)"));
        assertEquals("failed", jobs.job(failed).status());
        assertEquals("it-echo failed as asked (fail=true)", jobs.job(failed).message());

        String cancelled = jobs.submit(json("{\"experiment\": \"echo\", \"params\": {\"message\": \"again\"}}")).id();
        assertEquals("cancelled", jobs.cancel(cancelled).status());
        JobView again = jobs.rerun(cancelled);
        assertEquals("experiment", again.kind());
        assertEquals(3, experiments.submitted.size(), "re-run went to the experiment engine");
        assertEquals(Map.of("message", "again"), ((ExperimentRequest) experiments.submitted.get(2).request()).params());
    }

    @Test
    void refusedExperimentRequestsName400TheFieldAndStoreNothing() throws Exception {
        expect(400, "no experiment with id 'nope' is registered; registered: [echo, needs-model] (field \"experiment\"",
                "{\"experiment\": \"nope\"}");
        expect(400, "\"experiment\" must be a non-empty string", "{\"experiment\": 3}");
        expect(400, "\"params\": experiment 'echo' has no parameter 'colour'", "{\"experiment\": \"echo\", \"params\": {\"colour\": 1}}");
        expect(400, "\"params\": parameter 'stages' = 0 is out of range [1, 20]", "{\"experiment\": \"echo\", \"params\": {\"stages\": 0}}");
        expect(400, "\"params.message\" must be a number, string or boolean",
                "{\"experiment\": \"echo\", \"params\": {\"message\": [1]}}");
        expect(400, "unknown field 'seeds'; the fields of an experiment job are [experiment, model, params]",
                "{\"experiment\": \"echo\", \"seeds\": {\"noise\": 5}}");
        expect(400, "\"model\" is required: experiment 'needs-model' needs a model", "{\"experiment\": \"needs-model\"}");
        expect(403, "outside the configured model roots", "{\"experiment\": \"needs-model\", \"model\": \"/etc\"}");
        expect(403, "outside the configured model roots", "{\"experiment\": \"echo\", \"params\": {\"inputs\": \"/etc/x.npy\"}}");
        experiments.refusal = "out folder refused";
        LatentLabException e = assertThrows(LatentLabException.class, () -> jobs.submit(json("{\"experiment\": \"echo\"}")));
        assertEquals("out folder refused", e.getMessage());
        assertEquals(List.of(), store.list(10), "nothing stored for any of them");
        assertTrue(experiments.submitted.isEmpty());
    }

    void expect(int status, String message, String body) {
        ApiException e = assertThrows(ApiException.class, () -> jobs.submit(json(body)));
        assertEquals(status, e.status, e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void modelsAndFilesInParametersAreResolvedThroughTheModelRoots() throws Exception {
        Path inputs = Files.writeString(Files.createDirectories(home.resolve("data")).resolve("inputs.npy"), "x");
        jobs.submit(json("{\"experiment\": \"needs-model\", \"model\": \"" + model + "\"}"));
        jobs.submit(json("{\"experiment\": \"echo\", \"params\": {\"inputs\": \"" + inputs + "\"}}"));
        jobs.submit(json("{\"experiment\": \"echo\", \"params\": {\"inputs\": \"fashion-mnist:test:0:100\"}}"));
        assertEquals(model.toRealPath(), ((ExperimentRequest) experiments.submitted.get(0).request()).modelFolder());
        assertEquals(inputs.toRealPath().toString(), ((ExperimentRequest) experiments.submitted.get(1).request()).params().get("inputs"));
        assertEquals("fashion-mnist:test:0:100", ((ExperimentRequest) experiments.submitted.get(2).request()).params().get("inputs"),
                "a data set reference is no path");
    }

    @Test
    void anExperimentJobRunningWhenTheServerStoppedIsMarkedInterrupted() throws Exception {
        String id = jobs.submit(json("{\"experiment\": \"echo\"}")).id();
        experiments.submitted.get(0).start();
        LabDatabase.close(store);

        store = LabDatabase.open(home).store();
        assertEquals(1, store.markInterrupted());
        JobService restarted = base.service(store);
        wire(restarted);
        JobView v = restarted.job(id);
        assertEquals("interrupted", v.status());
        assertEquals("experiment", v.kind());
        assertEquals("experiment", restarted.rerun(id).kind());
    }

    @Test
    void theExperimentListingComesFromTheCatalog() {
        CapabilityListing listing = new CapabilityListing();
        listing.catalog = CATALOG;
        List<ExperimentView> list = listing.experiments();
        assertEquals(List.of("echo", "needs-model"), list.stream().map(ExperimentView::id).toList());
        assertEquals(List.of(false, true), list.stream().map(ExperimentView::needsModel).toList());
        assertEquals(List.of("message", "stages", "inputs"), list.get(0).parameters().stream().map(p -> p.name()).toList());
        assertEquals(20.0, list.get(0).parameters().get(1).max());
    }

}
