package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.latentlab.npy.Npy;

/**
 * {@code latentlab ood} through the real lab on the memorizer fixture model (ONNX Runtime), with
 * small .npy input sets: every built-in score in ood.json with AUROC and FPR95, the score files in
 * its column order, the report's ROC chart; and bad usage answered by one line before any work.
 */
class OodIT {

    static final Path MODELS = Path.of(System.getProperty("latentlab.it.models"));
    static final Path MEMORIZER = MODELS.resolve("memorizer");
    static final List<String> SCORES = List.of("trajectory", "knn", "nearest", "field-norm", "path-length", "start-to-attractor",
            "end-to-attractor", "reconstruction", "code-sparsity");
    static LabFixture lab;
    static Path training;
    static Path in;
    static Path ood;

    @BeforeAll
    static void start() throws Exception {
        lab = LabFixture.start("ood");
        Random r = new Random(11);
        training = inputs("training.npy", 300, 1, r);
        in = inputs("in.npy", 60, 1, r);
        ood = inputs("ood.npy", 40, 8, r); // the same kind of inputs, eight times brighter
    }

    /** n inputs of 16 values uniform in [0, scale). */
    static Path inputs(String name, int n, float scale, Random r) throws Exception {
        float[] x = new float[n * 16];
        for (int i = 0; i < x.length; i++) {
            x[i] = scale * r.nextFloat();
        }
        Path p = lab.home.resolve(name);
        Npy.writeFloats(p, new int[] {n, 16}, x);
        return p;
    }

    @AfterAll
    static void stop() {
        lab.close();
    }

    @Test
    void everyScoreGetsAurocAndFpr95AndTheReportShowsTheRocCurves() throws Exception {
        Path out = lab.home.resolve("ood-out");
        LabFixture.Result r = lab.runAny("ood", "--model", MEMORIZER.toString(), "--training", training.toString(), "--in",
                in.toString(), "--ood", ood.toString(), "--steps", "20", "--knn", "10", "--attractor-seeds", "100", "--out",
                out.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        for (String s : SCORES) {
            assertTrue(r.out().lines().anyMatch(l -> l.matches(java.util.regex.Pattern.quote(s) + " +[01]\\.\\d{4} +[01]\\.\\d{4}")),
                    "table row for " + s + ": " + r.out());
        }
        assertTrue(r.out().contains("Results in " + out), r.out());

        JsonNode json = new ObjectMapper().readTree(out.resolve("ood.json").toFile());
        assertEquals("memorizer", json.get("model").asText());
        assertEquals(training.toString(), json.get("training").asText());
        assertEquals(20, json.get("steps").asInt());
        assertEquals(10, json.get("knn").asInt());
        assertEquals(100, json.get("attractorSeeds").asInt());
        assertEquals(100, json.at("/trainingAttractors/seeds").asInt());
        assertTrue(json.at("/trainingAttractors/count").asInt() >= 1, json.toString());
        assertEquals("picard", json.at("/strategy/id").asText());
        assertEquals("cosine", json.at("/clusterer/id").asText());
        assertEquals(300, json.at("/counts/training").asInt());
        assertEquals(SCORES.size(), json.get("scores").size());
        Npy.FloatArray sin = Npy.readFloats(out.resolve("scores-in.npy"));
        Npy.FloatArray sood = Npy.readFloats(out.resolve("scores-ood.npy"));
        assertArrayEquals(new int[] {60, SCORES.size()}, sin.shape());
        assertArrayEquals(new int[] {40, SCORES.size()}, sood.shape());
        for (int s = 0; s < SCORES.size(); s++) {
            JsonNode score = json.get("scores").get(s);
            assertEquals(SCORES.get(s), score.get("id").asText());
            double auroc = score.get("auroc").asDouble();
            double fpr95 = score.get("fpr95").asDouble();
            assertTrue(auroc >= 0 && auroc <= 1 && fpr95 >= 0 && fpr95 <= 1, score.toString());
            // the columns of the score files are the scores of ood.json, in its order
            assertEquals(score.get("meanIn").asDouble(), columnMean(sin, s), 1e-4 * (1 + Math.abs(columnMean(sin, s))), SCORES.get(s));
            assertEquals(score.get("meanOod").asDouble(), columnMean(sood, s), 1e-4 * (1 + Math.abs(columnMean(sood, s))), SCORES.get(s));
        }
        // inputs eight times brighter reconstruct far worse than the training-like ones
        assertTrue(json.at("/scores/7/auroc").asDouble() > 0.9, json.at("/scores/7").toString());

        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("Out-of-distribution scores") && html.contains("ROC curves of every score"), "ROC chart in the report");
        assertTrue(html.split("<polyline", -1).length - 1 >= SCORES.size(), "one curve per score");
        assertTrue(html.contains("How to read this"));
    }

    static double columnMean(Npy.FloatArray a, int c) {
        int n = a.shape()[0];
        int w = a.shape()[1];
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += a.data()[i * w + c];
        }
        return s / n;
    }

    @Test
    void badUsageIsOneLineBeforeAnyWork() throws Exception {
        Path out = lab.home.resolve("ood-bad");
        String[] base = {"--model", MEMORIZER.toString(), "--training", training.toString(), "--in", in.toString(), "--ood",
            ood.toString(), "--out", out.toString(), "--quiet"};
        LabFixture.Result unknown = lab.runAny("ood", concat(base, "--score", "knn,nope"));
        CommandValidationIT.assertError(unknown, 2, "ood: --score nope: no OOD score with that id is registered");
        LabFixture.Result dataset = lab.runAny("ood", concat(new String[] {"--model", MEMORIZER.toString(), "--training",
            "cifar:train", "--in", in.toString(), "--ood", ood.toString(), "--out", out.toString()}));
        CommandValidationIT.assertError(dataset, 2, "--training cifar:train: no data set 'cifar' is registered");
        LabFixture.Result missing = lab.runAny("ood", "--model", MEMORIZER.toString(), "--in", in.toString(), "--ood", ood.toString(),
                "--out", out.toString());
        CommandValidationIT.assertError(missing, 2, "ood: --training is required");
        LabFixture.Result noFile = lab.runAny("ood", concat(new String[] {"--model", MEMORIZER.toString(), "--training",
            lab.home.resolve("none.npy").toString(), "--in", in.toString(), "--ood", ood.toString(), "--out", out.toString()}));
        CommandValidationIT.assertError(noFile, 1, "--training file " + lab.home.resolve("none.npy") + " does not exist");
        LabFixture.Result noModel = lab.runAny("ood", concat(new String[] {"--model", lab.home.resolve("no-model").toString(),
            "--training", training.toString(), "--in", in.toString(), "--ood", ood.toString(), "--out", out.toString()}));
        CommandValidationIT.assertError(noModel, 1, lab.home.resolve("no-model").toString());
        LabFixture.Result tooMany = lab.runAny("ood", concat(base, "--knn", "301"));
        CommandValidationIT.assertError(tooMany, 1, "knn 301 is more than the 300 training inputs");
        assertFalse(Files.exists(out), "nothing written");
    }

    static String[] concat(String[] a, String... b) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b)).toArray(String[]::new);
    }
}
