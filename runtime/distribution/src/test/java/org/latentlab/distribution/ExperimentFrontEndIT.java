package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceReference;

/**
 * Any registered experiment from every front end, with the it-probe's test experiments ({@code it-echo}
 * needs no model, {@code it-latent-dim} needs one): the {@code experiment} command, Gogo, the REST API
 * (submit, job list with its kind, progress, cancel, files) and the listings.
 */
class ExperimentFrontEndIT {

    static final Path MODELS = Path.of(System.getProperty("latentlab.it.models"));
    static final Duration JOB_TIMEOUT = Duration.ofSeconds(60);
    static LabFixture lab;
    static ServerClient api;

    @BeforeAll
    static void start() throws Exception {
        lab = LabFixture.start("experiments", "latentlab-it-probe");
        LabFixture.await("the it-echo experiment", () -> lab.service("org.latentlab.api.experiment.Experiment", "it-echo").isPresent());
        api = lab.serve(MODELS);
    }

    @AfterAll
    static void stop() {
        lab.close();
    }

    @Test
    void theCommandRunsAnExperimentAndListsTheFilesItWrote() throws Exception {
        Path out = lab.home.resolve("cli-echo");
        LabFixture.Result r = lab.runAny("experiment", "it-echo", "--param", "message=hi, there", "--param", "stages=2",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Echo: hi, there\n  stages: 2\n  message: hi, there\n"), r.out());
        assertTrue(r.out().contains("files in " + out + ":\n"), r.out());
        assertTrue(r.out().contains("  echo.txt\n") && r.out().contains("  report.html\n"), r.out());
        assertEquals("hi, there\n", Files.readString(out.resolve("echo.txt")));
        assertTrue(Files.readString(out.resolve("report.html")).contains("Echo: hi, there"), "the report has the title");
    }

    @Test
    void theCommandShowsProgressAndEndsWith1WhenItsJobIsCancelled() throws Exception {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream errStream = new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8);
        java.util.concurrent.CompletableFuture<Integer> code = new java.util.concurrent.CompletableFuture<>();
        Path out = lab.home.resolve("cli-held");
        Thread t = new Thread(() -> {
            try {
                code.complete(lab.lab.run("experiment", List.of("it-echo", "--param", "hold=true", "--out", out.toString()),
                        new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), errStream));
            } catch (Exception e) {
                code.completeExceptionally(e);
            }
        }, "held-experiment");
        t.start();
        LabFixture.await("the held job's stage on the error output",
                () -> err.toString(java.nio.charset.StandardCharsets.UTF_8).contains("holding: waiting to be cancelled"));
        cancelEngineJobs();
        assertEquals(1, code.get(60, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(err.toString(java.nio.charset.StandardCharsets.UTF_8).contains("experiment: it-echo cancelled: stopped before it finished; nothing was written to " + out),
                err.toString(java.nio.charset.StandardCharsets.UTF_8));
        assertFalse(Files.exists(out.resolve("echo.txt")), "a cancelled run publishes nothing");
    }

    /** Cancels the experiment engine's jobs, through the lab's own classes (the test's api classes are not the lab's). */
    static void cancelEngineJobs() throws Exception {
        ServiceReference<?>[] refs = lab.lab.context().getAllServiceReferences("org.latentlab.api.experiment.ExperimentEngine", null);
        Object engine = lab.lab.context().getService(refs[0]);
        Class<?> jobType = engine.getClass().getClassLoader().loadClass("org.latentlab.api.engine.Job");
        for (Object job : (List<?>) engine.getClass().getMethod("jobs").invoke(engine)) {
            jobType.getMethod("cancel").invoke(job);
        }
    }

    @Test
    void anUnknownIdIsBadUsageNamingTheRegisteredOnes() throws Exception {
        LabFixture.Result r = lab.runAny("experiment", "no-such", "--out", lab.home.resolve("nope").toString());
        assertEquals(2, r.code());
        String line = r.err().lines().findFirst().orElse("");
        assertTrue(line.startsWith("experiment: no experiment 'no-such' is registered; registered: ["), r.err());
        assertTrue(line.contains("it-echo") && line.contains("it-latent-dim"), line);
        assertFalse(Files.exists(lab.home.resolve("nope")));
    }

    @Test
    void aFailingExperimentExits1WithItsMessageAndPublishesNothing() throws Exception {
        Path out = lab.home.resolve("cli-fail");
        LabFixture.Result r = lab.runAny("experiment", "it-echo", "--param", "fail=true", "--out", out.toString(), "--quiet");
        assertEquals(1, r.code(), r.out());
        assertEquals("experiment: it-echo failed: it-echo failed as asked (fail=true)", r.err().strip());
        assertFalse(Files.exists(out.resolve("echo.txt")), "a failed run publishes nothing");
    }

    @Test
    void aModelExperimentNeedsItsModel() throws Exception {
        LabFixture.Result none = lab.runAny("experiment", "it-latent-dim", "--out", lab.home.resolve("dim0").toString());
        assertEquals(2, none.code());
        assertTrue(none.err().startsWith("experiment: experiment 'it-latent-dim' needs a model: --model DIR\n"), none.err());
        Path out = lab.home.resolve("dim");
        LabFixture.Result r = lab.runAny("experiment", "it-latent-dim", "--model", MODELS.resolve("memorizer").toString(),
                "--out", out.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        int dim = Integer.parseInt(Files.readString(out.resolve("latent-dim.txt")).strip());
        assertTrue(r.out().contains("latentDim: " + dim + "\n"), r.out());
    }

    @Test
    void listingsShowTheExperimentsWithTheirParameters() throws Exception {
        String list = lab.run("experiment", "--list");
        assertTrue(list.contains("it-echo") && list.contains("stages=3  (integer, 1 to 20)"), list);
        assertTrue(list.lines().anyMatch(l -> l.startsWith("it-latent-dim") && l.endsWith("(needs --model)")), list);
        assertTrue(lab.run("services", "--kind", "experiment").contains("it-echo"));

        JsonNode experiments = api.get("api/experiments").json();
        JsonNode echo = null;
        for (JsonNode x : experiments) {
            if (x.path("id").asText().equals("it-echo")) {
                echo = x;
            }
        }
        assertTrue(echo != null, experiments.toString());
        assertFalse(echo.path("needsModel").asBoolean());
        List<String> names = new ArrayList<>();
        echo.path("parameters").forEach(p -> names.add(p.path("name").asText() + "=" + p.path("default").asText()));
        assertEquals(List.of("message=hello", "stages=3", "fail=false", "hold=false"), names);
        assertEquals(20, echo.at("/parameters/1/max").asInt());
    }

    @Test
    void gogoListsAndRunsExperiments() throws Exception {
        Object gogo = gogo("experiments");
        String list = (String) gogo.getClass().getMethod("experiments").invoke(gogo);
        assertTrue(list.contains("it-echo"), list);
        Path out = lab.home.resolve("gogo-echo");
        String ran = (String) gogo.getClass().getMethod("experiment", String.class, String[].class)
                .invoke(gogo, "it-echo", new String[] {"message=from gogo", "out=" + out});
        assertTrue(ran.startsWith("Echo: from gogo\n"), ran);
        assertEquals("from gogo\n", Files.readString(out.resolve("echo.txt")));
    }

    /** The Gogo command object with this function in scope lab (cast-free: the test's api classes are not the lab's). */
    static Object gogo(String function) throws Exception {
        ServiceReference<?>[] refs = lab.lab.context().getAllServiceReferences(null,
                "(&(osgi.command.scope=lab)(osgi.command.function=" + function + "))");
        assertTrue(refs != null && refs.length == 1, "one Gogo command lab:" + function);
        return lab.lab.context().getService(refs[0]);
    }

    @Test
    void overRestAnExperimentJobIsListedFollowedAndItsFilesServed() throws Exception {
        ServerClient.Response submitted = api.post("api/jobs", "{\"experiment\": \"it-echo\", \"params\": {\"message\": \"rest\"}}");
        assertEquals(201, submitted.status(), submitted.body());
        String id = submitted.json().path("id").asText();
        assertEquals("experiment", submitted.json().path("kind").asText());
        JsonNode done = api.awaitFinished(id, JOB_TIMEOUT);
        assertEquals("succeeded", done.path("status").asText(), done.toString());
        assertEquals("Echo: rest", done.at("/summary/title").asText());
        assertEquals("rest", done.at("/summary/values/message").asText());

        boolean listed = false;
        for (JsonNode j : api.get("api/jobs").json()) {
            if (j.path("id").asText().equals(id)) {
                listed = j.path("kind").asText().equals("experiment") && j.path("status").asText().equals("succeeded");
            }
        }
        assertTrue(listed, "in /api/jobs with kind experiment");
        JsonNode files = api.get("api/jobs/" + id + "/files").json();
        List<String> names = new ArrayList<>();
        files.forEach(f -> names.add(f.asText()));
        assertTrue(names.contains("echo.txt") && names.contains("report.html"), names.toString());
        assertEquals("rest\n", api.get("api/jobs/" + id + "/files/echo.txt").body());
        ServerClient.Response report = api.get("api/jobs/" + id + "/files/report.html");
        assertEquals(200, report.status());
        assertTrue(report.body().contains("Echo: rest"));
        String events = api.get("api/jobs/" + id + "/events").body();
        assertTrue(events.contains("event: done") && events.contains("succeeded"), events);
    }

    @Test
    void overRestAnExperimentJobIsCancelledAndBadRequestsAreRefused() throws Exception {
        String id = api.post("api/jobs", "{\"experiment\": \"it-echo\", \"params\": {\"hold\": true}}").json().path("id").asText();
        api.awaitStage(id, "holding", JOB_TIMEOUT);
        assertEquals(200, api.post("api/jobs/" + id + "/cancel", "").status());
        assertEquals("cancelled", api.awaitFinished(id, JOB_TIMEOUT).path("status").asText());

        String failed = api.post("api/jobs", "{\"experiment\": \"it-echo\", \"params\": {\"fail\": true}}").json().path("id").asText();
        JsonNode f = api.awaitFinished(failed, JOB_TIMEOUT);
        assertEquals("failed", f.path("status").asText());
        assertEquals("it-echo failed as asked (fail=true)", f.path("message").asText());

        int before = api.get("api/jobs?limit=1000").json().size();
        expect(api.post("api/jobs", "{\"experiment\": \"nope\"}"), 400, "no experiment with id 'nope'");
        expect(api.post("api/jobs", "{\"experiment\": \"it-echo\", \"params\": {\"stages\": 99}}"), 400, "\\\"params\\\": parameter 'stages'");
        expect(api.post("api/jobs", "{\"experiment\": \"it-latent-dim\"}"), 400, "\\\"model\\\" is required");
        expect(api.post("api/jobs", "{\"experiment\": \"it-latent-dim\", \"model\": \"/etc\"}"), 403, "outside the configured model roots");
        assertEquals(before, api.get("api/jobs?limit=1000").json().size(), "nothing stored for refused requests");

        String dim = api.post("api/jobs", "{\"experiment\": \"it-latent-dim\", \"model\": \"" + MODELS.resolve("memorizer") + "\"}")
                .json().path("id").asText();
        assertEquals("succeeded", api.awaitFinished(dim, JOB_TIMEOUT).path("status").asText());
        assertTrue(api.get("api/jobs/" + dim + "/files/latent-dim.txt").body().strip().matches("\\d+"));
    }

    static void expect(ServerClient.Response r, int status, String text) {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.body().contains(text), r.body());
    }
}
