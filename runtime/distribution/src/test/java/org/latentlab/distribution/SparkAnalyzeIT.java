package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.latentlab.npy.Npy;

/**
 * {@code latentlab analyze --spark local[2]} in the real lab: the seeds are split into parts, each iterated by a Spark task
 * running {@code latentlab analyze-part} (a lab of its own, the same engine and backends), and the lab clusters, polishes
 * and measures them as it does locally. The same model and seeds locally and on Spark give the same attractors (count,
 * kinds, basins, positions within 1e-5), the same label and steps for every seed, end points within 1e-5 and the same
 * files; result.json says where the seeds were iterated.
 */
class SparkAnalyzeIT {

    static final Path MODELS = Path.of(System.getProperty("latentlab.it.models"));
    static LabFixture lab;

    @BeforeAll
    static void start() throws Exception {
        lab = LabFixture.start("spark-analyze");
    }

    @AfterAll
    static void stop() {
        lab.close();
    }

    @Test
    void onLocal2TheAnalysisEqualsTheLocalRunOnBothBackends() throws Exception {
        for (String model : List.of("memorizer", "memorizer-torchscript")) {
            assertSameAnalysis(model, "3 parts", "--partitions", "3");
        }
    }

    @Test
    void aRunInSegmentsEqualsTheLocalRunInSegments() throws Exception {
        // 400 seeds, at most 150 in memory, chunks of 50: the lab clusters segments of 150, 150 and 100 seeds and merges
        // them, locally and with the seeds iterated by Spark in 4 parts of 100 that straddle the segments
        LabFixture.writeConfig(lab.home, "org.latentlab.engine.cfg", "inMemorySeeds = 150\nchunkSize = 50\n");
        try {
            SparkChecks.await("the engine's configuration", LabFixture.TIMEOUT, () -> Boolean.FALSE.equals(listsTrajectories()), () -> "");
            assertSameAnalysis("memorizer", "4 parts", "--partitions", "4");
        } finally {
            Files.deleteIfExists(lab.home.resolve("etc/org.latentlab.engine.cfg"));
            SparkChecks.await("the engine's configuration removed", LabFixture.TIMEOUT, () -> Boolean.TRUE.equals(listsTrajectories()),
                    () -> "");
        }
    }

    @Test
    void aLabConfiguredToSendLargeAnalysesToSparkDoesSo() throws Exception {
        // as a server would be configured: analyses of 400 seeds or more iterate on Spark without asking for it
        LabFixture.writeConfig(lab.home, "org.latentlab.spark.cfg", "master = local[2]\nconf = spark.ui.enabled=false\n");
        LabFixture.writeConfig(lab.home, "org.latentlab.engine.cfg", "largeExecutor = spark\nlargeFromSeeds = 400\n");
        Path folder = MODELS.resolve("memorizer");
        String seeds = folder.resolve("seeds.npy").toString();
        try {
            String[] out = {""};
            int[] n = {0};
            SparkChecks.await("an analysis iterated on Spark by configuration", SparkChecks.LONG, () -> {
                try {
                    LabFixture.Result r = lab.runAny("analyze", "--model", folder.toString(), "--seeds", seeds, "--out",
                            lab.home.resolve("configured-" + n[0]++).toString(), "--quiet");
                    out[0] = r.out() + r.err();
                    return r.code() == 0 && r.out().contains("Seeds iterated on Spark, master local[2], 1 part\n");
                } catch (Exception e) {
                    out[0] = e.toString();
                    return false;
                }
            }, () -> out[0]);
            // an explicit local stays here, and so does a run below the threshold
            String local = lab.run("analyze", "--model", folder.toString(), "--seeds", seeds, "--out",
                    lab.home.resolve("configured-local").toString(), "--quiet", "--executor", "local");
            assertFalse(local.contains("Seeds iterated on"), local);
            LabFixture.writeConfig(lab.home, "org.latentlab.engine.cfg", "largeExecutor = nope\nlargeFromSeeds = 400\n");
            Path[] refused = {null};
            SparkChecks.await("an unknown large executor refused by name", LabFixture.TIMEOUT, () -> {
                try {
                    refused[0] = lab.home.resolve("refused-" + n[0]++); // runs before the change applies write their results
                    LabFixture.Result r = lab.runAny("analyze", "--model", folder.toString(), "--seeds", seeds, "--out",
                            refused[0].toString(), "--quiet");
                    out[0] = r.err();
                    return r.code() == 1 && r.err().contains("largeExecutor 'nope' is not a registered part executor");
                } catch (Exception e) {
                    return false;
                }
            }, () -> out[0]);
            assertFalse(Files.exists(refused[0]), "a refused analysis writes nothing");
        } finally {
            Files.deleteIfExists(lab.home.resolve("etc/org.latentlab.engine.cfg"));
            Files.deleteIfExists(lab.home.resolve("etc/org.latentlab.spark.cfg"));
            SparkChecks.await("the engine's configuration removed", LabFixture.TIMEOUT, () -> Boolean.TRUE.equals(listsTrajectories()),
                    () -> "");
        }
    }

    /** Whether a run of the 400 seeds lists every trajectory (false: above the in-memory limit); null when it failed. */
    static Boolean listsTrajectories() {
        try {
            LabFixture.Result r = lab.runAny("analyze", "--model", MODELS.resolve("memorizer").toString(), "--seeds",
                    MODELS.resolve("memorizer").resolve("seeds.npy").toString(), "--out",
                    lab.home.resolve("probe").toString(), "--quiet", "--exporters", "json");
            return r.code() == 0 ? SparkChecks.JSON.readTree(lab.home.resolve("probe/result.json").toFile())
                    .at("/seeds/trajectoriesListed").asBoolean() : null;
        } catch (Exception e) {
            return null;
        }
    }

    void assertSameAnalysis(String model, String parts, String... sparkArgs) throws Exception {
        Path folder = MODELS.resolve(model);
        Path seeds = MODELS.resolve("memorizer").resolve("seeds.npy");
        String tag = model + "-" + parts.replace(' ', '-');
        Path local = lab.home.resolve("local-" + tag);
        Path spark = lab.home.resolve("spark-" + tag);
        lab.run("analyze", "--model", folder.toString(), "--seeds", seeds.toString(), "--out", local.toString(), "--quiet");
        List<String> args = new java.util.ArrayList<>(List.of("--model", folder.toString(), "--seeds", seeds.toString(), "--out",
                spark.toString(), "--quiet", "--spark", "local[2]", "--spark-conf", "spark.ui.enabled=false"));
        args.addAll(List.of(sparkArgs));
        LabFixture.Result r = lab.runAny("analyze", args.toArray(String[]::new));
        Path run = SparkChecks.lastRun(lab.home);
        String context = r.err() + "\n" + String.join("\n", SparkChecks.events(run)) + "\n" + SparkChecks.tail(run.resolve("driver.log"), 30);
        assertEquals(0, r.code(), context);
        assertTrue(r.out().contains("Seeds iterated on Spark, master local[2], " + parts + "\n"), r.out());

        assertSameResult(local, spark, model, "Spark, master local[2], " + parts);

        // one task per part, each finished once, the driver ended; nothing left behind
        List<String> events = SparkChecks.events(run);
        int n = Integer.parseInt(parts.split(" ")[0]);
        for (int p = 0; p < n; p++) {
            String name = String.format("part-%05d", p);
            assertEquals(1, events.stream().filter(e -> e.startsWith("finished " + name + " ")).count(), name + ": " + context);
        }
        assertEquals("end", events.get(events.size() - 1), context);
        assertNoPartLeft();
        assertShipped(run, n);
    }

    /**
     * The run's job sent each part's seeds as task data and the (small) model as the shared zip: no part's JSON names a
     * path of the lab's, so the tasks' labs read neither the seeds nor the model where the lab has them. The zip is gone.
     */
    static void assertShipped(Path run, int parts) throws Exception {
        JsonNode job = SparkChecks.JSON.readTree(run.resolve("job.json").toFile());
        assertEquals("--seeds", job.at("/task/dataOption").asText(), job.toString());
        assertEquals("--model", job.at("/task/sharedOption").asText(), job.toString());
        assertEquals(run.resolve("model.zip").toString(), job.get("shared").asText(), "the model went as the shared zip");
        assertFalse(Files.exists(run.resolve("model.zip")), "the model's zip is removed after the run");
        assertEquals(parts, job.get("cells").size());
        for (JsonNode cell : job.get("cells")) {
            String data = cell.get("data").asText();
            assertTrue(data.endsWith("/.parts/seeds/" + cell.get("id").asText() + ".npy"), "the part's seeds as task data: " + data);
            JsonNode part = SparkChecks.JSON.readTree(cell.get("json").asText());
            assertTrue(part.get("modelFolder").isNull(), "no model path in the part: " + part);
            assertFalse(part.has("seeds"), "no seeds path in the part: " + part);
            assertFalse(part.toString().contains("/"), "no path at all in the part: " + part);
        }
    }

    static void assertNoPartLeft() {
        assertEquals(List.of(), ProcessHandle.current().descendants().filter(p -> p.info().arguments()
                .map(x -> List.of(x).contains("analyze-part")).orElse(false)).toList(), "no part's lab is left running");
    }

    /**
     * The same analysis: the same files, attractors (count, basins, kinds, mean steps; positions within 1e-5), the same
     * label and steps for every seed, end points within 1e-5. Per-seed map evaluations are not compared: a streamed
     * strategy (picard) counts them by its batch, and a part's batch has a tail of its own.
     */
    static void assertSameResult(Path local, Path spark, String model, String iteratedOn) throws Exception {
        assertEquals(SparkChecks.files(local), SparkChecks.files(spark), "the same result files");
        JsonNode a = SparkChecks.JSON.readTree(local.resolve("result.json").toFile());
        JsonNode b = SparkChecks.JSON.readTree(spark.resolve("result.json").toFile());
        assertTrue(a.at("/strategy/iteratedOn").isMissingNode(), "a local run says nothing");
        assertEquals(iteratedOn, b.at("/strategy/iteratedOn").asText());
        // and in the summary, which the server lists jobs by (the page shows it beside the attractor count)
        assertTrue(a.at("/summary/iteratedOn").isMissingNode(), "a local run says nothing");
        assertEquals(iteratedOn, b.at("/summary/iteratedOn").asText());
        assertTrue(a.get("attractors").size() > 1, model + ": " + a.get("attractors"));
        assertEquals(a.get("attractors").size(), b.get("attractors").size(), model);
        assertEquals(a.get("summary").get("converged"), b.get("summary").get("converged"));
        for (int i = 0; i < a.get("attractors").size(); i++) {
            JsonNode x = a.get("attractors").get(i);
            JsonNode y = b.get("attractors").get(i);
            assertEquals(x.get("basinSize"), y.get("basinSize"), model + " attractor " + i);
            assertEquals(x.get("kind"), y.get("kind"), model + " attractor " + i);
            assertEquals(x.get("meanSteps").asDouble(), y.get("meanSteps").asDouble(), 1e-12, model + " attractor " + i);
            for (int j = 0; j < x.get("latent").size(); j++) {
                assertEquals(x.get("latent").get(j).asDouble(), y.get("latent").get(j).asDouble(), 1e-5, model + " attractor " + i);
            }
        }
        // every seed: the same attractor and steps; end points equal up to float rounding (parts are other batches)
        assertArrayEquals(ints(local, "labels.npy"), ints(spark, "labels.npy"), model + ": labels");
        assertArrayEquals(ints(local, "steps.npy"), ints(spark, "steps.npy"), model + ": steps");
        assertArrayEquals(Npy.readFloats(local.resolve("endpoints.npy")).data(), Npy.readFloats(spark.resolve("endpoints.npy")).data(),
                1e-5f, model + ": end points");
        assertFalse(Files.exists(spark.resolve(".parts")));
    }

    static int[] ints(Path dir, String file) throws Exception {
        Path f = dir.resolve(file);
        Npy.Header h = Npy.header(f);
        return Npy.readIntRows(f, h, 0, h.shape()[0]);
    }

    @Test
    void badSparkOptionsAndBadPartsAreRefused() throws Exception {
        Path notAPart = Files.writeString(lab.home.resolve("not-a-part.json"), "{\"index\": 0}");
        LabFixture.Result r = lab.runAny("analyze-part", "--part", notAPart.toString(), "--out", lab.home.resolve("x").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("analyze-part: --part " + notAPart + ": not a seed part"), r.err());
        assertFalse(Files.exists(lab.home.resolve("x")));

        Path folder = MODELS.resolve("memorizer");
        List<String> base = List.of("--model", folder.toString(), "--seeds", folder.resolve("seeds.npy").toString(), "--out",
                lab.home.resolve("never").toString());
        Map<List<String>, String> bad = Map.of(
                List.of("--partitions", "3"), "analyze: --partitions splits the seeds for --spark MASTER",
                List.of("--spark", "local[2]", "--partitions", "0"), "analyze: --partitions 0: give a whole number of parts",
                List.of("--spark-conf", "spark.a=1"), "analyze: --spark-conf is for --spark MASTER (or --executor spark)",
                List.of("--spark", "local[2]", "--executor", "local"), "analyze: --spark iterates the seeds on the spark executor");
        for (Map.Entry<List<String>, String> e : bad.entrySet()) {
            List<String> args = new java.util.ArrayList<>(base);
            args.addAll(e.getKey());
            LabFixture.Result x = lab.runAny("analyze", args.toArray(String[]::new));
            assertEquals(2, x.code(), e.getKey() + ": " + x.err());
            assertTrue(x.err().startsWith(e.getValue()), e.getKey() + ": " + x.err());
        }
        // what only the lab knows is refused before any work
        List<String> args = new java.util.ArrayList<>(base);
        args.addAll(List.of("--spark", "local[2]", "--executor-param", "mastr=x"));
        LabFixture.Result unknown = lab.runAny("analyze", args.toArray(String[]::new));
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("executor 'spark' has no parameter 'mastr'"), unknown.err());
        args = new java.util.ArrayList<>(base);
        args.addAll(List.of("--spark", "local[2]", "--strategy-param", "recordPaths=true"));
        LabFixture.Result paths = lab.runAny("analyze", args.toArray(String[]::new));
        assertEquals(1, paths.code());
        assertTrue(paths.err().contains("recordPaths=true keeps every path in memory: it runs in this lab only"), paths.err());
        assertFalse(Files.exists(lab.home.resolve("never")));
    }
}
