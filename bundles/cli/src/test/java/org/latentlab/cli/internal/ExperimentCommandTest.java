package org.latentlab.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.Capability;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.catalog.CapabilityInfo;
import org.latentlab.api.catalog.CapabilityKind;
import org.latentlab.api.catalog.Catalog;
import org.latentlab.api.engine.Job;
import org.latentlab.api.engine.JobListener;
import org.latentlab.api.engine.JobProgress;
import org.latentlab.api.engine.JobRequest;
import org.latentlab.api.engine.JobStatus;
import org.latentlab.api.experiment.Experiment;
import org.latentlab.api.experiment.ExperimentEngine;
import org.latentlab.api.experiment.ExperimentRequest;
import org.latentlab.api.experiment.ExperimentResult;
import org.latentlab.api.result.FieldValue;

/** {@code latentlab experiment} against a fake catalog and an engine whose jobs end as the test says. */
class ExperimentCommandTest {

    @TempDir
    Path dir;
    final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    final List<ExperimentRequest> submitted = new ArrayList<>();
    /** How the next job ends: null succeeds, a message fails it, "cancel" cancels it. */
    String ending;
    ExperimentCommand command;

    static final List<ParameterSpec> ECHO_PARAMS = List.of(ParameterSpec.text("message", "hello", "what to write"),
            ParameterSpec.integer("stages", 3, 1, 20, "how many stages"));

    @BeforeEach
    void setUp() {
        command = new ExperimentCommand();
        command.catalog = catalog(Map.of("echo", ECHO_PARAMS, "needs-model", List.of()));
        command.engine = new ExperimentEngine() {
            @Override
            public Job<ExperimentResult> submit(ExperimentRequest request) {
                return submit(request, "experiment-1");
            }

            @Override
            public Job<ExperimentResult> submit(ExperimentRequest request, String id) {
                if (request.modelFolder() != null && !Files.isDirectory(request.modelFolder())) {
                    throw new LatentLabException("model folder " + request.modelFolder() + " does not exist");
                }
                submitted.add(request);
                return new EndedJob(id, request, ending);
            }

            @Override
            public List<Job<ExperimentResult>> jobs() {
                return List.of();
            }

            @Override
            public Optional<Job<ExperimentResult>> job(String id) {
                return Optional.empty();
            }
        };
    }

    /** Experiments by id with their parameters; {@code needs-model} needs a model, the others do not. */
    static Catalog catalog(Map<String, List<ParameterSpec>> experiments) {
        return new Catalog() {
            @Override
            public List<CapabilityInfo> list() {
                return experiments.keySet().stream().sorted().map(id -> new CapabilityInfo(CapabilityKind.EXPERIMENT, id,
                        "the " + id + " experiment", experiments.get(id), "test", "1.0.0")).toList();
            }

            @Override
            public <T extends Capability> Optional<T> find(Class<T> type, String id) {
                List<ParameterSpec> specs = experiments.get(id);
                if (specs == null || type != Experiment.class) {
                    return Optional.empty();
                }
                return Optional.of(type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                        (p, m, a) -> switch (m.getName()) {
                            case "parameters" -> specs;
                            case "needsModel" -> id.equals("needs-model");
                            default -> null;
                        })));
            }
        };
    }

    int run(String... args) throws Exception {
        return command.run(List.of(args), new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    }

    String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void optionsBecomeTheRequestWithParameterValuesKeptWhole() throws Exception {
        Path out = dir.resolve("out");
        assertEquals(0, run("echo", "--param", "message=a,b,c", "-p", "stages=2", "--param", "stages=4", "--out", out.toString(),
                "--quiet"));
        assertEquals(1, submitted.size());
        ExperimentRequest r = submitted.get(0);
        assertEquals("echo", r.experiment());
        assertEquals(Map.of("message", "a,b,c", "stages", "4"), r.params(), "commas stay in the value; the last of a name wins");
        assertEquals(out.toAbsolutePath(), r.outDir());
        assertNull(r.modelFolder());
    }

    @Test
    void aSucceededJobPrintsTitleSummaryAndTheFilesItWrote() throws Exception {
        Path out = dir.resolve("out");
        assertEquals(0, run("echo", "--out", out.toString(), "--quiet"), err());
        assertEquals("""
                Echo: hello
                  stages: 3
                  message: hello
                job experiment-1, 1.5 s; files in %s:
                  echo.txt
                  report.html
                """.formatted(out.toAbsolutePath()), out());
        assertEquals("", err());
    }

    @Test
    void progressIsShownFromTheJobsListenerWithoutAConsole() throws Exception {
        assertEquals(0, run("echo", "--out", dir.resolve("out").toString()));
        assertTrue(err().contains("echo-1: stage 1 of 2"), err());
        assertTrue(err().contains("echo-2: stage 2 of 2"), err());
    }

    @Test
    void aFailedOrCancelledJobExits1WithItsMessage() throws Exception {
        ending = "it-echo failed as asked (fail=true)";
        assertEquals(1, run("echo", "--out", dir.resolve("a").toString(), "--quiet"));
        assertEquals("experiment: echo failed: it-echo failed as asked (fail=true)\n", err());
        assertEquals("", out());

        errBytes.reset();
        ending = "cancel";
        assertEquals(1, run("echo", "--out", dir.resolve("b").toString(), "--quiet"));
        assertEquals("experiment: echo cancelled: cancelled\n", err());
    }

    @Test
    void whatTheEngineRefusesExits1() throws Exception {
        assertEquals(1, run("needs-model", "--model", dir.resolve("missing").toString(), "--out", dir.resolve("o").toString()));
        assertEquals("experiment: model folder " + dir.resolve("missing").toAbsolutePath() + " does not exist\n", err());
    }

    @Test
    void anUnknownIdIsBadUsageOnOneLineListingTheRegisteredIds() throws Exception {
        assertEquals(2, run("nope", "--out", dir.resolve("o").toString()));
        assertEquals("experiment: no experiment 'nope' is registered; registered: [echo, needs-model] (latentlab experiment --list)\n",
                err());
        assertTrue(submitted.isEmpty());
    }

    @Test
    void badParametersAndMissingPartsAreBadUsageBeforeAnythingRuns() throws Exception {
        assertEquals(2, run("echo", "--param", "colour=red", "--out", "o"));
        assertTrue(err().startsWith("experiment: experiment 'echo' has no parameter 'colour'; it has [message, stages]"), err());
        errBytes.reset();
        assertEquals(2, run("echo", "--param", "stages=99", "--out", "o"));
        assertTrue(err().startsWith("experiment: parameter 'stages' = 99 is out of range [1, 20]"), err());
        errBytes.reset();
        assertEquals(2, run("echo", "--param", "stages", "--out", "o"));
        assertTrue(err().startsWith("experiment: --param 'stages' is not NAME=VALUE\n"), err());
        errBytes.reset();
        assertEquals(2, run("needs-model", "--out", "o"));
        assertTrue(err().startsWith("experiment: experiment 'needs-model' needs a model: --model DIR\n"), err());
        errBytes.reset();
        assertEquals(2, run("echo"));
        assertTrue(err().startsWith("experiment: --out DIR is required\n"), err());
        errBytes.reset();
        assertEquals(2, run("--out", "o"));
        assertTrue(err().startsWith("experiment: give an experiment ID, or --list to see them\n"), err());
        errBytes.reset();
        assertEquals(2, run("--list", "echo"));
        assertTrue(err().startsWith("experiment: --list takes no other arguments\n"), err());
        assertTrue(submitted.isEmpty());
    }

    @Test
    void listShowsEachExperimentWithItsParametersDefaultsAndRanges() throws Exception {
        assertEquals(0, run("--list"));
        assertEquals("""
                echo               the echo experiment
                    message=hello  (string) what to write
                    stages=3  (integer, 1 to 20) how many stages
                needs-model        the needs-model experiment (needs --model)
                """, out());
    }

    @Test
    void gogoArgumentsBecomeTheCommandsOptions() {
        assertEquals(List.of("it-echo", "--quiet", "--param", "message=hi", "--out", "/tmp/o", "--model", "/m", "--param", "x=a=b"),
                ExperimentGogo.argv("it-echo", "message=hi", "out=/tmp/o", "model=/m", "x=a=b"));
    }

    @Test
    void gogoReturnsWhatTheCommandPrintsAndFailsWithItsFirstLine() throws Exception {
        ExperimentGogo gogo = new ExperimentGogo();
        gogo.command = command;
        assertTrue(gogo.experiments().startsWith("echo "), "the list");
        assertTrue(gogo.experiment("echo", "out=" + dir.resolve("g")).startsWith("Echo: hello\n"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gogo.experiment("echo", "stages=0",
                "out=" + dir.resolve("h")));
        assertEquals("experiment: parameter 'stages' = 0 is out of range [1, 20] (latentlab experiment --list)", e.getMessage());
    }

    /** A job that has already run: two stages, files in its out folder, then the ending asked for. */
    static final class EndedJob implements Job<ExperimentResult> {
        private final String id;
        private final ExperimentRequest request;
        private final CompletableFuture<ExperimentResult> completion = new CompletableFuture<>();
        private final List<JobProgress> steps = List.of(new JobProgress("echo-1", 1, 1, "stage 1 of 2"),
                new JobProgress("echo-2", 1, 1, "stage 2 of 2"));
        private JobStatus status;
        private JobProgress progress;

        EndedJob(String id, ExperimentRequest request, String ending) {
            this.id = id;
            this.request = request;
            progress = steps.get(1);
            if (ending == null) {
                try {
                    Files.createDirectories(request.outDir());
                    Files.writeString(request.outDir().resolve("echo.txt"), "hello");
                    Files.writeString(request.outDir().resolve("report.html"), "<html>");
                    Files.writeString(request.outDir().resolve(".latentlab-output.json"), "{}");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                Map<String, FieldValue> summary = new LinkedHashMap<>();
                summary.put("stages", new FieldValue.Int(3));
                summary.put("message", new FieldValue.Text("hello"));
                status = JobStatus.SUCCEEDED;
                completion.complete(new ExperimentResult("echo", "Echo: hello", summary, List.of("echo.txt"), null, 1500));
            } else if (ending.equals("cancel")) {
                status = JobStatus.CANCELLED;
                progress = new JobProgress("cancelled", 0, 0, "cancelled");
                completion.completeExceptionally(new CancellationException("cancelled"));
            } else {
                status = JobStatus.FAILED;
                progress = new JobProgress("failed", 0, 0, ending);
                completion.completeExceptionally(new LatentLabException(ending));
            }
        }

        public String id() {
            return id;
        }

        public JobRequest request() {
            return request;
        }

        public JobStatus status() {
            return status;
        }

        public JobProgress progress() {
            return progress;
        }

        public void cancel() {
        }

        public CompletionStage<ExperimentResult> completion() {
            return completion;
        }

        public Optional<ExperimentResult> result() {
            return Optional.ofNullable(completion.getNow(null));
        }

        /** Tells a new listener the steps it ran, as a job does while it runs. */
        public Runnable listen(JobListener listener) {
            listener.statusChanged(this, status);
            steps.forEach(p -> listener.progressed(this, p));
            return () -> { };
        }
    }
}
