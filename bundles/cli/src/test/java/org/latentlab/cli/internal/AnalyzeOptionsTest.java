package org.latentlab.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.latentlab.api.engine.AnalysisRequest;
import org.latentlab.api.engine.SeedSpec;
import org.latentlab.api.engine.TrainingData;
import org.latentlab.launcher.spi.CommandLines;

/** {@code latentlab analyze}'s options, parsed as the command parses them, into the request the engine gets. */
class AnalyzeOptionsTest {

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private AnalysisRequest request;

    /** Parses like {@link AnalyzeCommand#run}, keeping the request instead of submitting it. */
    private int parse(String... args) throws Exception {
        AnalyzeOptions o = new AnalyzeOptions();
        request = null;
        return CommandLines.run("analyze", o, List.of(args), new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8), () -> {
                    request = o.request();
                    return 0;
                });
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theLeastRequestGetsTheBuildersDefaults() throws Exception {
        assertEquals(0, parse("--model", "m", "--noise", "5", "--out", "o"));
        assertEquals(Path.of("m").toAbsolutePath(), request.modelFolder());
        assertEquals(Path.of("o").toAbsolutePath(), request.outDir());
        assertEquals(SeedSpec.Kind.SOURCE, request.seeds().kind());
        assertEquals("gaussian", request.seeds().source());
        assertEquals(Map.of("count", "5", "sigma", "1", "seed", "0"), request.seeds().params());
        AnalysisRequest defaults = AnalysisRequest.builder().model(Path.of("m")).out(Path.of("o"))
                .seeds(request.seeds()).build();
        assertEquals(defaults, request);
        assertEquals(AnalysisRequest.DEFAULT_STRATEGY, request.strategy());
        assertEquals(AnalysisRequest.DEFAULT_CLUSTERER, request.clusterer());
        assertEquals(AnalysisRequest.DEFAULT_EXPORTERS, List.copyOf(request.exporters().keySet()));
        assertTrue(request.metrics().isEmpty());
        assertNull(request.training());
    }

    @Test
    void everyMethodOptionReachesTheRequest() throws Exception {
        assertEquals(0, parse("--model", "m", "--out", "o", "--noise", "8", "--noise-sigma", "0.5", "--random-seed", "7",
                "--strategy", "anderson", "--strategy-param", "tolerance=1e-5,maxSteps=500", "--strategy-param", "memory=3",
                "--clusterer", "dbscan", "--clusterer-param", "eps=0.1",
                "--metric", "memorization", "--metric", "latent-field:resolution=9,margin=0.1",
                "--training", "mnist:train:100", "--exporters", "json, csv,", "--quiet"));
        assertEquals(Map.of("count", "8", "sigma", "0.5", "seed", "7"), request.seeds().params());
        assertEquals("anderson", request.strategy());
        assertEquals(Map.of("tolerance", "1e-5", "maxSteps", "500", "memory", "3"), request.strategyParams());
        assertEquals("dbscan", request.clusterer());
        assertEquals(Map.of("eps", "0.1"), request.clustererParams());
        assertEquals(List.of("memorization", "latent-field"), List.copyOf(request.metrics().keySet()));
        assertEquals(Map.of(), request.metrics().get("memorization"));
        assertEquals(Map.of("resolution", "9", "margin", "0.1"), request.metrics().get("latent-field"));
        assertEquals(new TrainingData("mnist", "train", 100), request.training());
        assertEquals(List.of("json", "csv"), List.copyOf(request.exporters().keySet()));
    }

    @Test
    void eachKindOfSeeds() throws Exception {
        assertEquals(0, parse("--model", "m", "--out", "o", "--seeds", "z.npy"));
        assertEquals(SeedSpec.latents(Path.of("z.npy")), request.seeds());
        assertEquals(0, parse("--model", "m", "--out", "o", "--inputs", "x.npy"));
        assertEquals(SeedSpec.inputs(Path.of("x.npy")), request.seeds());
        assertEquals(0, parse("--model", "m", "--out", "o", "--seed-source", "grid", "--seed-param", "n=4,lo=-1", "--seed-param", "hi=1"));
        assertEquals(SeedSpec.source("grid", Map.of("n", "4", "lo", "-1", "hi", "1")), request.seeds());
    }

    @Test
    void badUsageNamesTheProblemFirstThenShowsTheHelp() throws Exception {
        String[][] cases = {
            {"--model DIR is required"},
            {"--out DIR is required", "--model", "m"},
            {"give exactly one of --seeds, --inputs, --noise, --seed-source", "--model", "m", "--out", "o"},
            {"give exactly one of --seeds, --inputs, --noise, --seed-source", "--model", "m", "--out", "o", "--noise", "5",
                "--seeds", "z.npy"},
            {"unknown option --bogus", "--model", "m", "--bogus", "1", "--out", "o"},
            {"unexpected argument 'oops'", "oops", "--model", "m"},
            {"--model needs a value", "--model"},
            {"'tolerance' is not key=value", "--model", "m", "--noise", "5", "--strategy-param", "tolerance", "--out", "o"},
        };
        for (String[] c : cases) {
            errBytes.reset();
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            assertEquals(2, parse(args), String.join(" ", args));
            assertNull(request);
            assertEquals("analyze: " + c[0], err().lines().findFirst().orElse(""), err());
            assertTrue(err().contains("Usage: latentlab analyze --model DIR"), err());
        }
    }

    @Test
    void helpListsEveryOptionOnTheNormalOutput() throws Exception {
        assertEquals(0, parse("--help"));
        String help = outBytes.toString(StandardCharsets.UTF_8);
        for (String o : List.of("--model", "--seeds", "--inputs", "--noise", "--noise-sigma", "--random-seed", "--seed-source",
                "--seed-param", "--strategy", "--strategy-param", "--clusterer", "--clusterer-param", "--metric", "--training",
                "--exporters", "--out", "--quiet", "latentlab services --params")) {
            assertTrue(help.contains(o), o + " in " + help);
        }
        assertTrue(help.contains("default " + AnalysisRequest.DEFAULT_STRATEGY), help);
        assertFalse(err().contains("Usage"), err());
        assertFalse(help.contains("Usage: Usage"), help);
    }

    @Test
    void sparkIteratesTheSeedsOnTheSparkExecutor() throws Exception {
        assertEquals(0, parse("--model", "m", "--noise", "5", "--out", "o", "--spark", "local[2]", "--spark-conf",
                "spark.executor.memory=2g", "--spark-conf", "spark.task.cpus=1", "--partitions", "4"));
        assertEquals("spark", request.executor());
        assertEquals(Map.of("master", "local[2]", "conf", "spark.executor.memory=2g\nspark.task.cpus=1"), request.executorParams());
        assertEquals(4, request.partitions());
        assertTrue(request.iteratedElsewhere());
        assertEquals(0, parse("--model", "m", "--noise", "5", "--out", "o", "--executor", "spark", "--executor-param", "master=yarn"));
        assertEquals(Map.of("master", "yarn"), request.executorParams());
        assertEquals(0, request.partitions(), "the engine's choice");
        assertEquals(0, parse("--model", "m", "--noise", "5", "--out", "o"));
        assertNull(request.executor());
        assertFalse(request.iteratedElsewhere());
    }

    @Test
    void badExecutorOptionsAreRefusedClearly() throws Exception {
        String[][] bad = {
            {"--spark", "local[2]", "--executor", "other"},
            {"--spark", " "},
            {"--spark-conf", "spark.executor.memory=2g"},
            {"--spark", "local[2]", "--spark-conf", "novalue"},
            {"--partitions", "3"},
            {"--spark", "local[2]", "--partitions", "0"},
            {"--spark", "local[2]", "--partitions", "two"},
            {"--executor-param", "master=local[2]"},
            {"--executor", "spark", "--executor-param", "master"},
        };
        String[] expected = {
            "--spark iterates the seeds on the spark executor; it cannot be combined with --executor other",
            "--spark needs a master URL",
            "--spark-conf is for --spark MASTER (or --executor spark)",
            "--spark-conf novalue: give KEY=VALUE",
            "--partitions splits the seeds for --spark MASTER",
            "--partitions 0: give a whole number of parts, 1 or more",
            "--partitions two: give a whole number of parts, 1 or more",
            "--executor-param is for an executor that iterates elsewhere",
            "--executor-param master: give KEY=VALUE",
        };
        for (int i = 0; i < bad.length; i++) {
            errBytes.reset();
            List<String> args = new java.util.ArrayList<>(List.of("--model", "m", "--noise", "5", "--out", "o"));
            args.addAll(List.of(bad[i]));
            assertEquals(2, parse(args.toArray(String[]::new)), String.join(" ", bad[i]));
            assertTrue(err().contains(expected[i]), err());
        }
    }
}
