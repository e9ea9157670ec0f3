package org.latentlab.experiments.ood.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.Capability;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.Tensor;
import org.latentlab.api.catalog.CapabilityInfo;
import org.latentlab.api.catalog.CapabilityKind;
import org.latentlab.api.catalog.Catalog;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.experiment.ExperimentContext;
import org.latentlab.api.experiment.ExperimentResult;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.api.ood.OodBatch;
import org.latentlab.api.ood.OodScore;
import org.latentlab.clusterers.internal.CosineClusterer;
import org.latentlab.npy.Npy;
import org.latentlab.strategies.internal.PicardIteration;

/**
 * The whole ood pipeline on a fake model whose latent map is the contraction f(z) = z/2 + b (encoder
 * the identity, decoder z/2 + b), with the real picard strategy and cosine clusterer: the training
 * attractor is z* = 2b, in-distribution inputs lie near it and out-of-distribution ones far away, so
 * every distance score separates them perfectly.
 */
class OodExperimentTest {

    @TempDir
    Path out;

    static final float[] B = {1, 1}; // z* = (2, 2)

    /** E(x) = x, D(z) = z/2 + b. */
    static final class HalfModel implements LatentModel {
        @Override
        public ModelSpec spec() {
            return new ModelSpec(Path.of("/models/half"), "half", new int[] {2}, 2, "e", "d", null);
        }

        @Override
        public Tensor encode(Tensor inputs) {
            return Tensor.matrix(inputs.rows(), 2, inputs.data().clone());
        }

        @Override
        public Tensor decode(Tensor z) {
            float[] d = new float[z.data().length];
            for (int i = 0; i < d.length; i++) {
                d[i] = z.data()[i] / 2 + B[i % 2];
            }
            return Tensor.matrix(z.rows(), 2, d);
        }

        @Override
        public void close() {}
    }

    /** Points around (cx, cy) at radius r, at n angles. */
    static Tensor ring(double cx, double cy, double r, int n) {
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            double a = 2 * Math.PI * i / n + 0.1;
            rows[i] = new float[] {(float) (cx + r * Math.cos(a)), (float) (cy + r * Math.sin(a))};
        }
        return Tensor.ofRows(rows);
    }

    /** A catalog with the built-in scores (and any extra ones), the picard strategy and the cosine clusterer. */
    static final class FakeCatalog implements Catalog {
        final Map<String, Capability> scores = new LinkedHashMap<>();
        final Map<String, String> descriptions = new LinkedHashMap<>();

        FakeCatalog(Map<String, OodScore> extra) {
            add(new TrajectoryScore(), new KnnScore(), new NearestScore(), new FieldNormScore(), new PathLengthScore(),
                    new StartToAttractorScore(), new EndToAttractorScore(), new ReconstructionScore(), new CodeSparsityScore());
            extra.forEach(this::put);
        }

        void add(OodScore... s) {
            for (OodScore score : s) {
                // the service properties as the component description bnd generated declares them
                String xml;
                try (var in = getClass().getClassLoader().getResourceAsStream("OSGI-INF/" + score.getClass().getName() + ".xml")) {
                    xml = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                } catch (java.io.IOException | NullPointerException e) {
                    throw new AssertionError("no component description for " + score.getClass(), e);
                }
                String id = property(xml, ServiceProperties.ID);
                put(id, score);
                descriptions.put(id, property(xml, ServiceProperties.DESCRIPTION));
            }
        }

        static String property(String xml, String name) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"" + java.util.regex.Pattern.quote(name)
                    + "\" type=\"String\" value=\"([^\"]*)\"").matcher(xml);
            if (!m.find()) {
                throw new AssertionError("no property " + name + " in " + xml);
            }
            return m.group(1).replace("&apos;", "'").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">")
                    .replace("&amp;", "&");
        }

        void put(String id, OodScore s) {
            scores.put(id, s);
        }

        @Override
        public List<CapabilityInfo> list() {
            List<CapabilityInfo> out = new ArrayList<>();
            // listed sorted by id, as the real catalog does
            scores.keySet().stream().sorted().forEach(id -> out.add(new CapabilityInfo(CapabilityKind.OOD_SCORE, id,
                    descriptions.getOrDefault(id, ""), scores.get(id).parameters(), "b", "1")));
            return out;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T extends Capability> Optional<T> find(Class<T> type, String id) {
            if (type == OodScore.class) {
                return Optional.ofNullable((T) scores.get(id));
            }
            if (type == org.latentlab.api.dynamics.IterationStrategy.class && id.equals("picard")) {
                return Optional.of((T) new PicardIteration());
            }
            if (type == org.latentlab.api.attractor.AttractorClusterer.class && id.equals("cosine")) {
                return Optional.of((T) new CosineClusterer());
            }
            return Optional.empty();
        }
    }

    final class Context implements ExperimentContext {
        final Parameters params;
        final Catalog catalog;
        final LatentModel model = new HalfModel();
        final Map<String, Tensor> inputs;
        final List<String> stages = new ArrayList<>();
        boolean cancelAfterFirstStage;

        Context(Map<String, String> given, Catalog catalog, Map<String, Tensor> inputs) {
            this.params = Parameters.resolve("experiment 'ood'", new OodExperiment().parameters(), given);
            this.catalog = catalog;
            this.inputs = inputs;
        }

        public String jobId() {
            return "test";
        }

        public Parameters params() {
            return params;
        }

        public Optional<LatentModel> model() {
            return Optional.of(model);
        }

        public LatentMap latentMap() {
            return z -> model.encode(model.decode(z));
        }

        public Path outDir() {
            return out;
        }

        public Tensor inputs(String reference) {
            Tensor t = inputs.get(reference);
            if (t == null) {
                throw new LatentLabException("no inputs " + reference);
            }
            return t;
        }

        public <T extends Capability> T capability(Class<T> type, String id) {
            return catalog.require(type, id);
        }

        public void stage(String name, long total, String message) {
            stages.add(name);
        }

        public Progress progress() {
            return Progress.NONE;
        }

        public void checkCancelled() {
            if (cancelAfterFirstStage && stages.contains("scoring in")) {
                throw new CancellationException("cancelled");
            }
        }
    }

    Context context(Map<String, String> params, Map<String, OodScore> extraScores) {
        Map<String, String> p = new LinkedHashMap<>(Map.of("training", "train", "in", "near", "ood", "far", "steps", "5", "knn", "3",
                "batch", "7"));
        p.putAll(params);
        FakeCatalog catalog = new FakeCatalog(extraScores);
        return new Context(p, catalog, Map.of(
                "train", ring(2, 2, 0.1, 40),
                "near", ring(2, 2, 0.2, 30),
                "far", ring(2, 2, 5, 20)));
    }

    OodExperiment experiment(Catalog catalog) {
        OodExperiment e = new OodExperiment();
        for (CapabilityInfo i : catalog.list()) {
            e.addScore(Map.of(ServiceProperties.ID, i.id(), ServiceProperties.DESCRIPTION, i.description()));
        }
        return e;
    }

    ExperimentResult run(Context c) throws Exception {
        return experiment(c.catalog).run(c);
    }

    @Test
    void perfectlySeparatedSetsGiveAurocOneForEveryDistanceScoreAndAllFilesInColumnOrder() throws Exception {
        Context c = context(Map.of(), Map.of());
        ExperimentResult r = run(c);
        OodReport report = (OodReport) r.details();
        assertEquals(OodExperiment.BUILT_IN, report.scores().stream().map(ScoreSummary::id).toList(), "the issue's order");
        for (ScoreSummary s : report.scores()) {
            if (List.of("trajectory", "knn", "nearest", "field-norm", "path-length", "start-to-attractor", "end-to-attractor")
                    .contains(s.id())) {
                assertEquals(1.0, s.auroc(), s.id());
                assertEquals(0.0, s.fpr95(), s.id());
                assertTrue(s.meanOod() > s.meanIn(), s.id());
            }
        }
        assertEquals(1, report.attractors(), "one training attractor, (2, 2)");
        assertEquals(40, report.seedsUsed());
        assertEquals(40, report.converged());

        // files: npy [n, scores] in column order, ood.json with the settings in force
        Npy.FloatArray in = Npy.readFloats(out.resolve("scores-in.npy"));
        Npy.FloatArray ood = Npy.readFloats(out.resolve("scores-ood.npy"));
        assertArrayEquals(new int[] {30, 9}, in.shape());
        assertArrayEquals(new int[] {20, 9}, ood.shape());
        // column 3 is field-norm: ||f(z0) - z0|| = |z0 - z*| / 2 = 0.1 for in, 2.5 for ood
        assertEquals(0.1, in.data()[3], 1e-5);
        assertEquals(2.5, ood.data()[9 + 3], 1e-5);
        // column 5 is start-to-attractor: the radius of the ring around the attractor
        assertEquals(0.2, in.data()[5], 1e-5);
        // column 7 is reconstruction: ||D(z0) - z0||^2 = (|z0 - z*|/2)^2 summed over both values
        assertEquals(6.25, ood.data()[9 + 7], 1e-4);
        JsonNode json = new ObjectMapper().readTree(out.resolve("ood.json").toFile());
        assertEquals("half", json.get("model").asText());
        assertEquals("train", json.get("training").asText());
        assertEquals("near", json.get("in").asText());
        assertEquals("far", json.get("ood").asText());
        assertEquals(5, json.get("steps").asInt());
        assertEquals(3, json.get("knn").asInt());
        assertEquals(2000, json.get("attractorSeeds").asInt());
        assertEquals("picard", json.at("/strategy/id").asText());
        assertEquals(1e-6, json.at("/strategy/parameters/tolerance").asDouble());
        assertEquals(0.99, json.at("/clusterer/parameters/threshold").asDouble());
        assertEquals(1, json.at("/trainingAttractors/count").asInt());
        assertEquals(9, json.get("scores").size());
        for (int s = 0; s < 9; s++) {
            JsonNode score = json.get("scores").get(s);
            assertEquals(OodExperiment.BUILT_IN.get(s), score.get("id").asText());
            assertEquals(OodExperiment.BUILT_IN.get(s), json.get("columns").get(s).asText());
            assertEquals(report.scores().get(s).auroc(), score.get("auroc").asDouble());
            assertTrue(score.has("fpr95") && score.has("meanIn") && score.has("medianOod") && !score.get("description").asText().isEmpty());
        }
        assertEquals(3, json.at("/scores/1/parameters/k").asInt(), "knn's k comes from the experiment's knn");
        assertEquals(List.of("ood.json", "scores-in.npy", "scores-ood.npy"), r.files());
        assertEquals(1.0, ((org.latentlab.api.result.FieldValue.Real) r.summary().get("best AUROC")).value());
        assertEquals("trajectory", r.summary().get("best score").toString(), "ties keep the column order");
        assertTrue(c.stages.containsAll(List.of("reading", "encoding", "attractors", "scoring in", "scoring ood", "writing")), c.stages.toString());
    }

    @Test
    void knnMatchesABruteForceSearchAndMeansAndMediansMatchTheColumns() throws Exception {
        Context c = context(Map.of("scores", "knn,nearest"), Map.of());
        OodReport report = (OodReport) run(c).details();
        Tensor train = c.inputs("train");
        Tensor near = c.inputs("near");
        Npy.FloatArray in = Npy.readFloats(out.resolve("scores-in.npy"));
        assertArrayEquals(new int[] {30, 2}, in.shape());
        double[] kth = new double[near.rows()];
        for (int i = 0; i < near.rows(); i++) {
            double[] d = new double[train.rows()];
            for (int j = 0; j < train.rows(); j++) {
                d[j] = Math.hypot(near.data()[2 * i] - train.data()[2 * j], near.data()[2 * i + 1] - train.data()[2 * j + 1]);
            }
            java.util.Arrays.sort(d);
            kth[i] = d[2];
            assertEquals(d[2], in.data()[2 * i], 1e-6, "3rd nearest of input " + i);
            assertEquals(d[0], in.data()[2 * i + 1], 1e-6, "nearest of input " + i);
        }
        assertEquals(java.util.Arrays.stream(kth).average().orElseThrow(), report.scores().get(0).meanIn(), 1e-9);
        double[] sorted = kth.clone();
        java.util.Arrays.sort(sorted);
        assertEquals((sorted[14] + sorted[15]) / 2, report.scores().get(0).medianIn(), 1e-12, "median of an even count");
    }

    @Test
    void scoresRunInTheOrderGivenAndAWorseScoreRanksBelow() throws Exception {
        // a score that says the opposite: AUROC 0
        OodScore backwards = new OodScore() {
            public double[] score(OodBatch b, Parameters p) {
                double[] d = b.reference().nearestAttractor(b.path(0));
                for (int i = 0; i < d.length; i++) {
                    d[i] = -d[i];
                }
                return d;
            }
        };
        Context c = context(Map.of("scores", "backwards,field-norm"), Map.of("backwards", backwards));
        ExperimentResult r = run(c);
        OodReport report = (OodReport) r.details();
        assertEquals(List.of("backwards", "field-norm"), report.scores().stream().map(ScoreSummary::id).toList());
        assertEquals(0.0, report.scores().get(0).auroc());
        assertEquals(1.0, report.scores().get(0).fpr95());
        assertEquals(List.of("field-norm", "backwards"), report.ranked().stream().map(ScoreSummary::id).toList());
        assertEquals("field-norm", r.summary().get("best score").toString());
        // the default takes every registered score: built-ins in the order, then the others by id
        List<String> all = OodExperiment.scoreIds("", c.catalog.list().stream().map(CapabilityInfo::id).toList());
        assertEquals(10, all.size());
        assertEquals(OodExperiment.BUILT_IN, all.subList(0, 9));
        assertEquals("backwards", all.get(9));
    }

    @Test
    void aScoreThatGivesNaNFailsTheRunNamingTheScoreAndTheRow() {
        OodScore broken = new OodScore() {
            public double[] score(OodBatch b, Parameters p) {
                double[] d = new double[b.size()];
                if (b.inputs().data()[0] > 100) { // never; the row below is chosen by position
                    return d;
                }
                for (int i = 0; i < d.length; i++) {
                    d[i] = b.inputs().data()[2 * i] == b.inputs().data()[2 * i] && i == 3 && b.size() == 7 ? Double.NaN : 0;
                }
                return d;
            }
        };
        Context c = context(Map.of("scores", "nearest,broken"), Map.of("broken", broken));
        LatentLabException e = assertThrows(LatentLabException.class, () -> run(c));
        // batches of 7: the first batch's row 3 is row 3 of the in set
        assertEquals("score 'broken' is NaN for row 3 of the in inputs (near)", e.getMessage());

        OodScore throwing = new OodScore() {
            public double[] score(OodBatch b, Parameters p) {
                throw new IllegalStateException("boom");
            }
        };
        Context c2 = context(Map.of("scores", "thrower"), Map.of("thrower", throwing));
        LatentLabException e2 = assertThrows(LatentLabException.class, () -> run(c2));
        assertTrue(e2.getMessage().startsWith("score 'thrower' failed on in inputs 0..6 of near: "), e2.getMessage());
        assertTrue(e2.getMessage().contains("boom"), e2.getMessage());
    }

    @Test
    void badSettingsAreNamed() {
        LatentLabException unknown = assertThrows(LatentLabException.class, () -> run(context(Map.of("scores", "nope"), Map.of())));
        assertTrue(unknown.getMessage().contains("'nope'"), unknown.getMessage());
        LatentLabException knn = assertThrows(LatentLabException.class, () -> run(context(Map.of("knn", "41"), Map.of())));
        assertEquals("knn 41 is more than the 40 training inputs of train; use a smaller --knn or more training inputs",
                knn.getMessage());
        Map<String, String> noOod = new LinkedHashMap<>(Map.of("ood", " "));
        LatentLabException missing = assertThrows(LatentLabException.class, () -> run(context(noOod, Map.of())));
        assertTrue(missing.getMessage().contains("needs the parameter 'ood'"), missing.getMessage());
    }

    @Test
    void cancelStopsBetweenBatches() {
        Context c = context(Map.of(), Map.of());
        c.cancelAfterFirstStage = true;
        assertThrows(CancellationException.class, () -> run(c));
    }
}
