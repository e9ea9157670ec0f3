package org.latentlab.experiments.sweep.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.Capability;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.data.DataSet;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.experiment.ExperimentContext;
import org.latentlab.api.experiment.ExperimentResult;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.sweep.CellExecutor;
import org.latentlab.api.sweep.CellMeasures;
import org.latentlab.api.sweep.CellResult;
import org.latentlab.api.sweep.SeedSetMeasures;
import org.latentlab.api.sweep.SweepCell;
import org.latentlab.api.sweep.SweepCellRunner;

/** Resume and failure isolation of the sweep experiment, with a runner that writes cell folders like the real one. */
class SweepExperimentTest {

    static final String SPEC = "{\"name\": \"t\", \"dataset\": \"d\", \"training\": {\"steps\": 10},"
            + " \"axes\": {\"trainingSize\": [4, 8], \"seed\": [0, 1]}, \"analysis\": {\"testSeeds\": 3}}";

    @TempDir
    Path tmp;

    /** Writes each cell's folder with cell.json; fails the cells in {@code failing}; cancels at {@code cancelAt}. */
    final class FakeRunner implements SweepCellRunner {
        final List<String> ran = Collections.synchronizedList(new ArrayList<>());
        Set<String> failing = Set.of();
        String cancelAt;
        AtomicBoolean cancelled;

        @Override
        public CellResult run(SweepCell cell, Path dir, Progress progress) {
            if (cell.id().equals(cancelAt)) {
                cancelled.set(true);
                throw new CancellationException();
            }
            ran.add(cell.id());
            CellResult r = failing.contains(cell.id()) ? CellResult.failed(cell, "training diverged (loss NaN)", 5, "h")
                    : new CellResult(cell, CellResult.Status.DONE, null, List.of(new CellMeasures(10, true, 0.1, 0.2, 0.5, 0.9,
                            0.8, 1.2, List.of(new SeedSetMeasures("noise", 100, 90, 3, 0.7, 0.75, 0.5, 0.4, 0.4, 0.3, 2)))), 5, "h");
            try {
                Files.createDirectories(dir);
                CellFiles.write(dir, r);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return r;
        }

        @Override
        public Optional<CellResult> read(Path cellDir) {
            return CellFiles.read(cellDir);
        }
    }

    ExperimentResult run(FakeRunner runner, String spec, Path out, AtomicBoolean cancelled) throws Exception {
        return run(runner, spec, out, cancelled, tmp.resolve("work"), Optional.empty());
    }

    /** Set by a test: the executor the sweep gets for any id, instead of {@code local}. */
    CellExecutor executor;
    /** Set by a test: executors by id (others are not registered); the ids the sweep asked for. */
    Map<String, CellExecutor> executors;
    final List<String> askedExecutors = new ArrayList<>();
    /** Set by a test: the sweep's configuration. */
    SweepExperiment.Config config;
    /** Set by a test: further parameters of the sweep. */
    Map<String, String> sweepParams = Map.of();

    ExperimentResult run(FakeRunner runner, String spec, Path out, AtomicBoolean cancelled, Path work, Optional<Path> previous)
            throws Exception {
        runner.cancelled = cancelled;
        SweepExperiment e = new SweepExperiment();
        e.runner = runner;
        if (config != null) {
            e.configure(config);
        }
        LocalCellExecutor local = new LocalCellExecutor();
        local.runner = runner;
        Files.createDirectories(out);
        Files.createDirectories(work);
        Map<String, String> given = new java.util.LinkedHashMap<>(sweepParams);
        given.put("spec", spec);
        Parameters params = Parameters.resolve("sweep", e.parameters(), given);
        return e.run(new ExperimentContext() {
            @Override
            public String jobId() {
                return "j";
            }

            @Override
            public Parameters params() {
                return params;
            }

            @Override
            public Optional<LatentModel> model() {
                return Optional.empty();
            }

            @Override
            public LatentMap latentMap() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Path outDir() {
                return out;
            }

            @Override
            public Path workDir() {
                return work;
            }

            @Override
            public Optional<Path> previousOutput() {
                return previous;
            }

            @Override
            public Tensor inputs(String reference) {
                throw new UnsupportedOperationException();
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T extends Capability> T capability(Class<T> type, String id) {
                if (type == CellExecutor.class) {
                    askedExecutors.add(id);
                    if (executors != null) {
                        CellExecutor x = id.equals(LocalCellExecutor.ID) ? local : executors.get(id);
                        if (x == null) {
                            throw new LatentLabException("no cell executor '" + id + "'");
                        }
                        return (T) x;
                    }
                    return (T) (executor != null ? executor : local);
                }
                if (type == DataSet.class && !id.equals("d")) {
                    throw new LatentLabException("no data set '" + id + "'");
                }
                return (T) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, (p, m, args) -> switch (m.getName()) {
                    case "parameters" -> List.of();
                    case "splits" -> List.of("train", "test");
                    case "load" -> Tensor.matrix((Integer) args[1], 2, new float[(Integer) args[1] * 2]);
                    default -> throw new UnsupportedOperationException(m.getName());
                });
            }

            @Override
            public void stage(String name, long total, String message) {}

            @Override
            public Progress progress() {
                return new Progress() {
                    @Override
                    public void advance(long units) {}

                    @Override
                    public boolean cancelled() {
                        return cancelled.get();
                    }
                };
            }

            @Override
            public void checkCancelled() {
                if (cancelled.get()) {
                    throw new CancellationException();
                }
            }
        });
    }

    @Test
    void aFailedCellIsRecordedTheOthersFinishAndOnlyItRunsAgain() throws Exception {
        FakeRunner first = new FakeRunner();
        first.failing = Set.of("c001");
        ExperimentResult r = run(first, SPEC, tmp.resolve("out1"), new AtomicBoolean());
        assertEquals(Set.of("c000", "c001", "c002", "c003"), Set.copyOf(first.ran));
        SweepResult details = (SweepResult) r.details();
        assertEquals(CellResult.Status.FAILED, details.cells().get(1).status());
        assertEquals("training diverged (loss NaN)", details.cells().get(1).error());
        assertEquals(1L, ((org.latentlab.api.result.FieldValue.Int) r.summary().get("failed")).value());
        JsonNode json = SweepFiles.JSON.readTree(tmp.resolve("out1/sweep.json").toFile());
        assertEquals("failed", json.at("/cells/1/status").asText());
        assertEquals("training diverged (loss NaN)", json.at("/cells/1/error").asText());
        assertEquals(0, json.at("/cells/1/rows").size());
        assertEquals(4, json.get("rows").size()); // three done rows and one failed line
        assertEquals("4", json.at("/rows/0/trainingSize").asText());
        assertEquals(0.7, json.at("/rows/0/noise.meanMemorization").asDouble());
        assertTrue(json.at("/rows/0/train.meanMemorization").isNull()); // no train seeds in this fake: null, not NaN
        List<String> csv = Files.readAllLines(tmp.resolve("out1/sweep.csv"));
        assertEquals(5, csv.size());
        assertTrue(csv.get(2).startsWith("c001,failed,4,1,"), csv.get(2));
        assertTrue(csv.get(2).endsWith(",training diverged (loss NaN)"), csv.get(2));

        FakeRunner second = new FakeRunner();
        ExperimentResult again = run(second, SPEC, tmp.resolve("out2"), new AtomicBoolean());
        assertEquals(List.of("c001"), second.ran);
        assertEquals(3L, ((org.latentlab.api.result.FieldValue.Int) again.summary().get("reused")).value());
        assertEquals(0L, ((org.latentlab.api.result.FieldValue.Int) again.summary().get("failed")).value());
    }

    @Test
    void aSweepStoppedMidwayRunsOnlyTheUnfinishedCellsNext() throws Exception {
        FakeRunner first = new FakeRunner();
        first.cancelAt = "c002";
        assertThrows(CancellationException.class, () -> run(first, SPEC, tmp.resolve("out"), new AtomicBoolean()));
        assertEquals(List.of("c000", "c001"), first.ran);
        // a half-written cell folder of the stopped run is removed, not taken for a result
        Files.createDirectories(tmp.resolve("work/cells/.c002.latentlab-staging-123/model"));
        FakeRunner second = new FakeRunner();
        run(second, SPEC, tmp.resolve("out"), new AtomicBoolean());
        assertEquals(List.of("c002", "c003"), second.ran);
        assertTrue(Files.notExists(tmp.resolve("work/cells/.c002.latentlab-staging-123")));
    }

    @Test
    void aChangedRecipeIsNotReused() throws Exception {
        run(new FakeRunner(), SPEC, tmp.resolve("out"), new AtomicBoolean());
        FakeRunner changed = new FakeRunner();
        run(changed, SPEC.replace("\"steps\": 10", "\"steps\": 11"), tmp.resolve("out"), new AtomicBoolean());
        assertEquals(4, changed.ran.size());
    }

    @Test
    void anUnknownDataSetIsRefusedBeforeAnyCellRuns() {
        FakeRunner runner = new FakeRunner();
        LatentLabException e = assertThrows(LatentLabException.class,
                () -> run(runner, SPEC.replace("\"d\"", "\"cifar\""), tmp.resolve("out"), new AtomicBoolean()));
        assertTrue(e.getMessage().contains("cifar"), e.getMessage());
        assertEquals(List.of(), runner.ran);
    }

    @Test
    void theFinishedCellsOfAPublishedSweepAreTakenOverAndOnlyTheOthersRun() throws Exception {
        FakeRunner first = new FakeRunner();
        first.failing = Set.of("c002");
        Path published = tmp.resolve("published");
        run(first, SPEC, published, new AtomicBoolean(), tmp.resolve("work1"), Optional.empty());
        Files.move(tmp.resolve("work1/cells"), published.resolve("cells")); // what the platform does on success
        byte[] before = Files.readAllBytes(published.resolve("cells/c000/cell.json"));

        FakeRunner second = new FakeRunner();
        ExperimentResult r = run(second, SPEC, published, new AtomicBoolean(), tmp.resolve("work2"), Optional.of(published));
        assertEquals(List.of("c002"), second.ran);
        assertEquals(3L, ((org.latentlab.api.result.FieldValue.Int) r.summary().get("reused")).value());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(tmp.resolve("work2/cells/c000/cell.json"))),
                "taken over as it was, into the work folder that joins the new output");
        assertTrue(Files.notExists(tmp.resolve("work2/cells/c002/.latentlab-staging-link")));
    }

    /** An executor with a parameter: records what it was given and runs the cells on the local pool. */
    static class ExecutorWithParams implements CellExecutor {
        final LocalCellExecutor local = new LocalCellExecutor();
        final List<Parameters> given = new ArrayList<>();

        @Override
        public List<org.latentlab.api.ParameterSpec> parameters() {
            return List.of(org.latentlab.api.ParameterSpec.text("master", null, "where"),
                    org.latentlab.api.ParameterSpec.integer("retries", 4, 1, 100, "attempts"));
        }

        @Override
        public void execute(List<SweepCell> cells, Path cellsDir, int parallelism, Listener listener) {
            throw new AssertionError("the sweep passes the parameters");
        }

        @Override
        public void execute(List<SweepCell> cells, Path cellsDir, int parallelism, Parameters params, Listener listener)
                throws InterruptedException {
            given.add(params);
            local.execute(cells, cellsDir, parallelism, listener);
        }
    }

    @Test
    void theExecutorsParametersAreCheckedBeforeAnyCellRunsAndPassedToIt() throws Exception {
        ExecutorWithParams ex = new ExecutorWithParams();
        executor = ex;
        FakeRunner runner = new FakeRunner();
        ex.local.runner = runner;
        sweepParams = Map.of("executor", "remote", "executorParams", "{\"master\": \"spark://h:7077\", \"retries\": 2}");
        run(runner, SPEC, tmp.resolve("out"), new AtomicBoolean());
        assertEquals(1, ex.given.size());
        assertEquals("spark://h:7077", ex.given.get(0).getString("master", null));
        assertEquals(2, ex.given.get(0).getInt("retries", 0));
        assertEquals(4, runner.ran.size());
        JsonNode env = SweepFiles.JSON.readTree(tmp.resolve("out/sweep.json").toFile()).get("environment");
        assertEquals("remote", env.get("executorId").asText());
        assertEquals("spark://h:7077", env.at("/executorParams/master").asText(), "where the cells ran is recorded");

        for (Map.Entry<String, String> bad : Map.of(
                "{\"mastr\": \"x\"}", "executor 'remote' has no parameter 'mastr'; it has [master, retries]",
                "{\"retries\": 0}", "parameter 'retries' = 0 is out of range [1, 100]",
                "{\"master\": [1]}", "executorParams.master: must be text, a number or true/false",
                "[1]", "executorParams: must be a JSON object",
                "{\"master\": ", "executorParams: not valid JSON").entrySet()) {
            FakeRunner none = new FakeRunner();
            ex.local.runner = none;
            sweepParams = Map.of("executor", "remote", "executorParams", bad.getKey());
            LatentLabException e = assertThrows(LatentLabException.class,
                    () -> run(none, SPEC, tmp.resolve("bad"), new AtomicBoolean(), tmp.resolve("bad-work"), Optional.empty()));
            assertTrue(e.getMessage().startsWith(bad.getValue()), bad.getKey() + " -> " + e.getMessage());
            assertEquals(List.of(), none.ran, "no cell ran");
        }
        assertEquals(1, ex.given.size());
    }

    static SweepExperiment.Config config(String largeExecutor, int largeFromCells) {
        return new SweepExperiment.Config() {
            @Override
            public String largeExecutor() {
                return largeExecutor;
            }

            @Override
            public int largeFromCells() {
                return largeFromCells;
            }

            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return SweepExperiment.Config.class;
            }
        };
    }

    /** A lab configured to send large sweeps to a cluster: sweeps that name no executor go there from N cells on. */
    @Test
    void aSweepNamingNoExecutorRunsOnTheConfiguredOneFromItsSizeOnAndSaysWhereItRan() throws Exception {
        ExecutorWithParams cluster = new ExecutorWithParams() {
            @Override
            public String describe(Parameters params, int parallelism) {
                return "the cluster at " + params.getString("master", null);
            }
        };
        FakeRunner runner = new FakeRunner();
        cluster.local.runner = runner;
        executors = Map.of("remote", cluster);
        sweepParams = Map.of("executorParams", "{\"master\": \"spark://h:7077\"}");

        config = config("remote", 4); // SPEC has 4 cells: large
        ExperimentResult r = run(runner, SPEC, tmp.resolve("large"), new AtomicBoolean());
        assertEquals(List.of("remote"), askedExecutors);
        assertEquals(1, cluster.given.size());
        assertEquals(4, runner.ran.size());
        assertEquals("the cluster at spark://h:7077", r.summary().get("ranOn").plain());
        assertTrue(r.title().endsWith("run on the cluster at spark://h:7077"), r.title());
        JsonNode env = SweepFiles.JSON.readTree(tmp.resolve("large/sweep.json").toFile()).get("environment");
        assertEquals("remote", env.get("executorId").asText());
        assertEquals("the cluster at spark://h:7077", env.get("ranOn").asText());

        askedExecutors.clear();
        sweepParams = Map.of();
        config = config("remote", 5); // 4 cells are not large: local
        FakeRunner small = new FakeRunner();
        ExperimentResult l = run(small, SPEC, tmp.resolve("small"), new AtomicBoolean(), tmp.resolve("small-work"), Optional.empty());
        assertEquals(List.of(LocalCellExecutor.ID), askedExecutors);
        assertEquals(4, small.ran.size());
        assertEquals(1, cluster.given.size(), "the cluster ran nothing more");
        assertEquals("this lab, 1 cell at once", l.summary().get("ranOn").plain());

        askedExecutors.clear();
        sweepParams = Map.of("executor", LocalCellExecutor.ID);
        config = config("remote", 0); // every sweep is large, but the request names its executor: that one
        run(new FakeRunner(), SPEC, tmp.resolve("named"), new AtomicBoolean(), tmp.resolve("named-work"), Optional.empty());
        assertEquals(List.of(LocalCellExecutor.ID), askedExecutors);

        askedExecutors.clear();
        sweepParams = Map.of();
        config = config("", 0); // nothing configured: local
        run(new FakeRunner(), SPEC, tmp.resolve("default"), new AtomicBoolean(), tmp.resolve("default-work"), Optional.empty());
        assertEquals(List.of(LocalCellExecutor.ID), askedExecutors);
    }
}
