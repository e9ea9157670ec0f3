package org.latentlab.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.experiment.ExperimentRequest;
import org.latentlab.api.experiment.ExperimentResult;
import org.latentlab.api.result.FieldValue;
import org.latentlab.server.internal.rest.ComparedJob;
import org.latentlab.server.internal.rest.JobComparison;

/**
 * {@code GET /api/jobs/compare} in the job service, against fake engines: which parameters differ (defaults
 * filled in, numbers by value), analyses and experiments side by side, numbers and pictures read from the
 * job folders, and the refusals that name the job.
 */
class JobCompareTest {

    @TempDir
    Path home;
    JobServiceTest base;
    FakeExperimentEngine experiments;
    JobService jobs;

    @BeforeEach
    void setUp() throws Exception {
        base = new JobServiceTest();
        base.home = home;
        base.setUp();
        base.settings = ServerSettings.from(Map.of("maxQueuedJobs", "20"), home);
        experiments = new FakeExperimentEngine();
        jobs = base.jobs;
        jobs.experiments = experiments;
        jobs.catalog = ExperimentJobsTest.CATALOG; // echo's parameters; gaussian, picard (maxSteps 3000), cosine, latent-field
    }

    @AfterEach
    void tearDown() {
        LabDatabase.close(base.store);
    }

    /** Submits an analysis and lets it succeed with the given wall time. */
    String analysis(String body, long millis) throws Exception {
        String id = jobs.submit(Json.MAPPER.readTree(body.replace("MODEL", base.model.toString()))).id();
        base.engine.submitted.get(base.engine.submitted.size() - 1).succeed(JobServiceTest.result(millis));
        return id;
    }

    String echo(String params, String message) throws Exception {
        String id = jobs.submit(Json.MAPPER.readTree("{\"experiment\": \"echo\", \"params\": " + params + "}")).id();
        experiments.submitted.get(experiments.submitted.size() - 1).succeed(ExperimentJobsTest.echoed(message));
        return id;
    }

    Path folder(String id) throws Exception {
        return Files.createDirectories(home.resolve("jobs").resolve(id));
    }

    @Test
    void onlyWhatTheRequestsReallyChangeDiffersWithDefaultsFilledIn() throws Exception {
        // a sets what b leaves to the defaults (sigma 1, maxSteps 3000), as other numbers of the same value
        String a = analysis("{\"model\": \"MODEL\", \"seeds\": {\"noise\": 5, \"sigma\": 1}, \"strategyParams\": {\"maxSteps\": 3000}, "
                + "\"metrics\": [\"latent-field\"]}", 10);
        String b = analysis("{\"model\": \"MODEL\", \"seeds\": {\"noise\": 7}, \"metrics\": {\"latent-field\": {}}}", 20);
        JobComparison c = jobs.compare(List.of(a, b), 8);
        assertEquals(List.of("seeds.noise"), c.differing());
        ComparedJob first = c.jobs().get(0);
        assertEquals(a, first.id());
        assertEquals("analysis", first.kind());
        assertEquals("succeeded", first.status());
        assertNull(first.experiment());
        assertEquals(base.model.toString(), first.model());
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("model", base.model.toString());
        expected.put("seeds.noise", "5");
        expected.put("seeds.mean", "0.0");
        expected.put("seeds.sigma", "1");
        expected.put("seeds.seed", "0");
        expected.put("strategy", "picard");
        expected.put("strategyParams.maxSteps", "3000");
        expected.put("clusterer", "cosine");
        expected.put("metrics", "latent-field");
        assertEquals(expected, first.parameters(), "the request's values in the services' order, defaults filled in");
        assertEquals("1.0", c.jobs().get(1).parameters().get("seeds.sigma"), "b's sigma is the gaussian source's default");
        assertEquals(List.of("attractors", "fixedPoints", "converged", "diverged", "notConverged", "elapsedMillis"),
                new ArrayList<>(first.numbers().keySet()), "the stored summary; no result.json, no metric numbers");
        assertEquals(20, c.jobs().get(1).numbers().get("elapsedMillis").asLong());
        assertEquals(List.of(), first.pictures());
        assertNull(first.note());
    }

    @Test
    void analysesAndExperimentsSideBySide() throws Exception {
        String a = analysis("{\"model\": \"MODEL\", \"seeds\": {\"noise\": 5}}", 10);
        String hi = echo("{\"message\": \"hi\"}", "hi");
        String bye = echo("{\"message\": \"bye\", \"stages\": 3}", "bye"); // stages 3 is echo's default
        JobComparison mixed = jobs.compare(List.of(a, hi), 8);
        ComparedJob e = mixed.jobs().get(1);
        assertEquals("experiment", e.kind());
        assertEquals("echo", e.experiment());
        assertNull(e.model(), "echo has no model");
        assertEquals("Echo: hi", e.title());
        assertEquals(Map.of("experiment", "echo", "params.message", "hi", "params.stages", "3", "params.inputs", "mnist:test:10"),
                e.parameters());
        assertEquals(List.of("stages", "auroc", "message", "elapsedMillis"), new ArrayList<>(e.numbers().keySet()),
                "the experiment's summary values as stored, then its wall time");
        assertTrue(e.numbers().get("auroc").isNull(), "NaN as null");
        assertEquals("hi", e.numbers().get("message").asText());
        assertEquals(List.of(), mixed.differing(), "an experiment has no strategy, an analysis no message: no difference");
        String other = jobs.submit(Json.MAPPER.readTree("{\"experiment\": \"needs-model\", \"model\": \"" + base.model + "\"}")).id();
        experiments.submitted.get(experiments.submitted.size() - 1).succeed(ExperimentJobsTest.echoed("x"));
        assertEquals(List.of("experiment"), jobs.compare(List.of(a, hi, other), 8).differing(),
                "names two jobs have are compared by value, whatever their kinds: the same model, other experiments");

        assertEquals(List.of("params.message"), jobs.compare(List.of(hi, bye), 8).differing(),
                "stages given as its default does not differ");
        assertEquals(List.of("Echo: hi", "Echo: bye"), jobs.compare(List.of(hi, bye), 8).jobs().stream().map(ComparedJob::title).toList());
    }

    @Test
    void aNameSomeJobsOfAKindHaveAndOthersLackDiffers() throws Exception {
        String picard = analysis("{\"model\": \"MODEL\", \"seeds\": {\"noise\": 5}}", 10);
        String other = analysis("{\"model\": \"MODEL\", \"seeds\": {\"noise\": 5}, \"strategy\": \"uniform\", "
                + "\"training\": \"mnist:train:10\"}", 10); // the fake catalog has 'uniform' (parameter low) for every kind
        assertEquals(List.of("strategy", "strategyParams.maxSteps", "strategyParams.low", "training"),
                jobs.compare(List.of(picard, other), 8).differing());
        assertEquals("-1.0", jobs.compare(List.of(picard, other), 8).jobs().get(1).parameters().get("strategyParams.low"));
    }

    @Test
    void metricNumbersComeFromResultJsonAndAnUnreadableOneIsNoted() throws Exception {
        String a = analysis("{\"model\": \"MODEL\", \"seeds\": {\"noise\": 5}}", 10);
        String b = analysis("{\"model\": \"MODEL\", \"seeds\": {\"noise\": 5}}", 10);
        Files.writeString(folder(a).resolve("result.json"), "{\"format\": \"latentlab-result/1.0\", \"model\": {\"name\": \"m\"}, "
                + "\"summary\": {\"attractors\": 99}, \"metrics\": {\"memorization\": {\"mean\": 0.75, \"memorized\": 3, "
                + "\"nearest\": [1, 2], \"auroc\": null}, \"sparsity\": {\"kind\": \"hoyer\"}}, "
                + "\"attractors\": [ this part is never read ");
        Files.writeString(folder(b).resolve("result.json"), "{\"metrics\": {\"memorization\": ");
        JobComparison c = jobs.compare(List.of(a, b), 8);
        Map<String, JsonNode> n = c.jobs().get(0).numbers();
        assertEquals(0, n.get("attractors").asInt(), "the stored summary, not result.json's");
        assertEquals(0.75, n.get("memorization.mean").asDouble());
        assertEquals(3, n.get("memorization.memorized").asInt());
        assertTrue(n.get("memorization.auroc").isNull());
        assertEquals("hoyer", n.get("sparsity.kind").asText());
        assertFalse(n.containsKey("memorization.nearest"), "vectors stay in the files");
        assertNull(c.jobs().get(0).note());
        assertEquals(6, c.jobs().get(1).numbers().size(), "the stored counts still");
        assertTrue(c.jobs().get(1).note().startsWith("its result.json cannot be read ("), c.jobs().get(1).note());
        assertEquals(List.of(), c.differing(), "the same request twice");
    }

    @Test
    void picturesAreTheReportsDecodedAttractorsInOrderAndNeverALinkOut() throws Exception {
        String a = analysis("{\"model\": \"MODEL\", \"seeds\": {\"noise\": 5}}", 10);
        String b = echo("{}", "hello");
        Path report = Files.createDirectories(folder(a).resolve("report"));
        for (String f : List.of("attractor-10.png", "attractor-2.png", "attractor-0.png", "nearest-0.png", "cell-1-attractor-0.png",
                "attractor-x.png", "attractor-1.svg")) {
            Files.writeString(report.resolve(f), "png");
        }
        Files.createDirectories(report.resolve("attractor-4.png")); // a folder, not a picture
        Files.createSymbolicLink(report.resolve("attractor-1.png"), Files.writeString(home.resolve("outside.png"), "x"));
        String prefix = "/api/jobs/" + a + "/files/report/";
        assertEquals(List.of(prefix + "attractor-0.png", prefix + "attractor-2.png", prefix + "attractor-10.png",
                prefix + "cell-1-attractor-0.png"), jobs.compare(List.of(a, b), 8).jobs().get(0).pictures());
        assertEquals(List.of(prefix + "attractor-0.png", prefix + "attractor-2.png"), jobs.compare(List.of(a, b), 2).jobs().get(0).pictures());
        assertEquals(List.of(), jobs.compare(List.of(a, b), 0).jobs().get(0).pictures());
        assertEquals(List.of(), jobs.compare(List.of(a, b), 8).jobs().get(1).pictures(), "an experiment without pictures");
    }

    @Test
    void refusalsNameTheJob() throws Exception {
        String a = analysis("{\"model\": \"MODEL\", \"seeds\": {\"noise\": 5}}", 10);
        String queued = jobs.submit(Json.MAPPER.readTree("{\"experiment\": \"echo\"}")).id();
        String failed = jobs.submit(Json.MAPPER.readTree("{\"experiment\": \"echo\"}")).id();
        experiments.submitted.get(1).fail(new org.latentlab.api.LatentLabException("it failed"));

        expect(404, "no job 'job-nope'", List.of(a, "job-nope"), 8);
        expect(400, "job '" + queued + "' is still queued; compare finished jobs only", List.of(a, queued), 8);
        experiments.submitted.get(0).start();
        expect(400, "job '" + queued + "' is still running", List.of(queued, a), 8);
        expect(400, "compare takes 2 to 16 jobs, got 1", List.of(a), 8);
        expect(400, "compare takes 2 to 16 jobs, got 1", List.of(a, " ", ""), 8);
        expect(400, "job '" + a + "' is named twice", List.of(a, a), 8);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            many.add("job-" + i);
        }
        expect(400, "compare takes 2 to 16 jobs, got 17", many, 8);
        expect(400, "pictures=65 is out of range", List.of(a, failed), 65);

        ComparedJob f = jobs.compare(List.of(a, failed), 8).jobs().get(1);
        assertEquals("failed", f.status(), "a failed job is finished: it can be compared");
        assertEquals("it failed", f.message());
        assertEquals(Map.of(), f.numbers());
        experiments.submitted.get(0).cancel();
        assertEquals("cancelled", jobs.compare(List.of(" " + queued + " ", a), 8).jobs().get(0).status(), "ids are trimmed");
    }

    void expect(int status, String message, List<String> ids, int pictures) {
        ApiException e = assertThrows(ApiException.class, () -> jobs.compare(ids, pictures));
        assertEquals(status, e.status, e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void sameValuesAreRecognisedWhateverTheirSpelling() {
        assertTrue(JobComparer.same("1e-6", "1.0E-6"));
        assertTrue(JobComparer.same("3000", "3000.0"));
        assertTrue(JobComparer.same("true", "TRUE"));
        assertTrue(JobComparer.same("{\"a\": 1, \"b\": [1, 2.0]}", "{\n  \"b\": [1.0, 2],\n  \"a\": 1.0\n}"), "a JSON spec as a tree");
        assertTrue(JobComparer.same(null, null));
        assertFalse(JobComparer.same("{\"a\": 1}", "{\"a\": 2}"));
        assertFalse(JobComparer.same("0.1", "0.10000001"));
        assertFalse(JobComparer.same("mnist:test:10", "mnist:test:100"));
        assertFalse(JobComparer.same("hello", "hello "), "texts exactly");
        assertFalse(JobComparer.same("5", null), "absent differs from any value");
        assertFalse(JobComparer.same("{\"a\": 1", "{\"a\": 1 "), "text that only looks like JSON is text");
    }

    @Test
    void aLongMultiLineSpecGoesToTheExperimentAsWrittenAndItsFilesAreChecked() throws Exception {
        StringBuilder spec = new StringBuilder("{\n  \"name\": \"grid/with slashes in its note\",\n  \"cells\": [\n");
        for (int i = 0; spec.length() < 20_000; i++) {
            spec.append("    {\"latentDim\": ").append(i).append(", \"note\": \"a/b ").append(i).append("\"},\n");
        }
        spec.append("    {\"latentDim\": 0}\n  ]\n}\n");
        String id = jobs.submit(Json.MAPPER.createObjectNode().put("experiment", "echo").set("params",
                Json.MAPPER.createObjectNode().put("message", spec.toString()))).id();
        ExperimentRequest r = (ExperimentRequest) experiments.submitted.get(0).request();
        assertEquals(spec.toString(), r.params().get("message"), "a document with slashes is no file name: passed as written");
        assertEquals(spec.toString(), jobs.job(id).request().at("/params/message").asText(), "and stored whole");
        String text = "first line\nsecond/line";
        jobs.submit(Json.MAPPER.createObjectNode().put("experiment", "echo").set("params", Json.MAPPER.createObjectNode().put("message", text)));
        assertEquals(text, ((ExperimentRequest) experiments.submitted.get(1).request()).params().get("message"));

        Path data = Files.writeString(Files.createDirectories(home.resolve("data")).resolve("x.npy"), "x");
        String inside = "{\"data\": \"" + data + "\"}";
        jobs.submit(Json.MAPPER.createObjectNode().put("experiment", "echo").set("params", Json.MAPPER.createObjectNode().put("message", inside)));
        assertEquals(inside, ((ExperimentRequest) experiments.submitted.get(2).request()).params().get("message"));
        ApiException out = assertThrows(ApiException.class, () -> jobs.submit(Json.MAPPER.readTree(
                "{\"experiment\": \"echo\", \"params\": {\"message\": \"{\\\"cells\\\": [{\\\"data\\\": \\\"/etc/passwd\\\"}]}\"}}")));
        assertEquals(403, out.status);
        assertTrue(out.getMessage().contains("file in \"params.message\" /etc/passwd is outside the configured model roots"),
                out.getMessage());
        ApiException relative = assertThrows(ApiException.class, () -> jobs.submit(Json.MAPPER.readTree(
                "{\"experiment\": \"echo\", \"params\": {\"message\": \"[\\\"seeds.npy\\\"]\"}}")));
        assertEquals(400, relative.status);
        assertTrue(relative.getMessage().contains("is not an absolute path"), relative.getMessage());
        assertEquals(3, experiments.submitted.size(), "the refused ones reached no engine");
    }
}
