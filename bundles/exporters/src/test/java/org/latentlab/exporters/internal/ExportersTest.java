package org.latentlab.exporters.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.attractor.FixedPointKind;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.metric.MetricResult;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.api.result.FieldValue;
import org.latentlab.npy.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportersTest {

    @TempDir
    Path out;

    static AnalysisResult result() {
        ModelSpec spec = new ModelSpec(Path.of("/models/m"), "m", new int[] {4}, 2, "e.onnx", "d.onnx", null);
        Map<String, FieldValue> fields = new LinkedHashMap<>();
        fields.put("mem", FieldValue.of(0.97));
        List<Attractor> atts = List.of(new Attractor(0, new float[] {1, 2}, 2, 0.5, 0.6, true, FixedPointKind.ATTRACTOR, 10,
                Double.POSITIVE_INFINITY, new double[] {0.5, 0.25}, new double[] {0, 0}, "autodiff", fields));
        List<Trajectory> ts = List.of(new Trajectory(0, new float[] {1, 2}, 10, true, false, 3.5, 1e-4, null),
                new Trajectory(1, new float[] {1.001f, 2}, 11, true, false, 2.5, 2e-4, null),
                new Trajectory(2, new float[] {Float.NaN, 0}, 3, false, true, Double.NaN, Double.NaN, null));
        return new AnalysisResult(spec, "gaussian{count=3}", Tensor.matrix(3, 2, new float[6]), "picard",
                new Parameters(Map.of("tolerance", 1e-6, "maxSteps", 3000L)), "cosine", new Parameters(Map.of("threshold", 0.99)),
                atts, ts, new int[] {0, 0, -1}, Map.of("path-length", MetricResult.ofSummary(Map.of("meanPathLength", FieldValue.of(3.0)))), 42);
    }

    @Test
    void resultJsonFollowsTheContract() throws Exception {
        new JsonExporter().export(result(), out, Parameters.EMPTY);
        JsonNode j = new ObjectMapper().readTree(out.resolve("result.json").toFile());
        assertEquals("m", j.at("/model/name").asText());
        assertEquals(2, j.at("/model/latentDim").asInt());
        assertEquals(3, j.at("/seeds/count").asInt());
        assertEquals("picard", j.at("/strategy/id").asText());
        assertEquals(3000, j.at("/strategy/parameters/maxSteps").asInt());
        assertEquals(0.99, j.at("/clusterer/parameters/threshold").asDouble());
        JsonNode a = j.at("/attractors/0");
        assertEquals(0, a.get("id").asInt());
        assertEquals(2.0, a.get("latent").get(1).asDouble());
        assertEquals(2, a.get("basinSize").asInt());
        assertTrue(a.get("stable").asBoolean());
        assertEquals("attractor", a.get("kind").asText());
        assertTrue(a.get("predictedSteps").isNull(), "infinite written as null");
        assertEquals(0.97, a.get("mem").asDouble(), "metric fields merged into the attractor");
        assertEquals(3, j.get("trajectories").size());
        assertEquals(-1, j.at("/trajectories/2/attractor").asInt());
        assertTrue(j.at("/trajectories/2/diverged").asBoolean());
        assertTrue(j.at("/trajectories/2/pathLength").isNull());
        assertEquals(3.0, j.at("/metrics/path-length/meanPathLength").asDouble());
        assertEquals(1, j.at("/summary/diverged").asInt());
        assertTrue(j.at("/strategy/mapEvaluations").isMissingNode(), "not counted by this strategy: left out");
        assertTrue(j.at("/trajectories/0/mapEvaluations").isMissingNode());
    }

    /** Map evaluations per trajectory and for the run; a saddle is a fixed point but not counted as an attractor. */
    @Test
    void mapEvaluationsAndFixedPointKindsAreInResultJson() throws Exception {
        AnalysisResult r = result();
        List<Trajectory> ts = List.of(new Trajectory(0, new float[] {1, 2}, 10, true, false, 3.5, 1e-4, null, 11),
                new Trajectory(1, new float[] {0, 0}, 4, true, false, 2.5, 2e-4, null, 9),
                new Trajectory(2, new float[] {Float.NaN, 0}, 3, false, true, Double.NaN, Double.NaN, null, 4));
        List<Attractor> atts = List.of(r.attractors().get(0),
                new Attractor(1, new float[] {0, 0}, 1, 1.5, 1.5, false, FixedPointKind.SADDLE, 4, Double.NaN));
        r = new AnalysisResult(r.model(), r.seedOrigin(), r.seeds(), "anderson", r.strategyParams(), r.clusterer(),
                r.clustererParams(), atts, ts, new int[] {0, 1, -1}, Map.of(), 42);
        assertEquals(24, r.mapEvaluations());
        new JsonExporter().export(r, out, Parameters.EMPTY);
        JsonNode j = new ObjectMapper().readTree(out.resolve("result.json").toFile());
        assertEquals(24, j.at("/strategy/mapEvaluations").asLong());
        assertEquals("anderson", j.at("/strategy/id").asText());
        assertEquals(11, j.at("/trajectories/0/mapEvaluations").asLong());
        assertEquals(4, j.at("/trajectories/2/mapEvaluations").asLong());
        assertEquals(1, j.at("/summary/attractors").asInt(), "the saddle is not an attractor");
        assertEquals(2, j.at("/summary/fixedPoints").asInt());
        assertEquals("saddle", j.at("/attractors/1/kind").asText());
    }

    /** Typed values are written exactly as the plain values metrics used to hand over (result.json unchanged). */
    @Test
    void typedValuesWriteTheSameJsonAsThePlainValuesTheyReplace() throws Exception {
        Object[][] pairs = {
            {FieldValue.of(7), 7},
            {FieldValue.of(0.1), 0.1},
            {FieldValue.of(Double.NaN), Double.NaN},
            {FieldValue.of("no training inputs"), "no training inputs"},
            {FieldValue.of(true), true},
            {FieldValue.of(new double[] {1.5, Double.POSITIVE_INFINITY}), new double[] {1.5, Double.POSITIVE_INFINITY}},
            {FieldValue.ofInts(3, -1), List.of(3, -1)},
            {new FieldValue.Image(new int[] {1, 2}, new float[] {0.1f, Float.NaN}), new float[] {0.1f, Float.NaN}},
            {FieldValue.points(new double[][] {{1, 2}, {3, 4}}), List.of(new double[] {1, 2}, new double[] {3, 4})},
            {new FieldValue.Items(List.of(FieldValue.points(new double[][] {{0.25, 1}}))), List.of(List.of(new double[] {0.25, 1}))},
        };
        for (Object[] p : pairs) {
            assertEquals(json(p[1]), json(p[0]), "JSON of " + p[0]);
        }
        assertEquals("[0.1,null]", json(pairs[7][0]), "float32 values keep their short form");
    }

    private static String json(Object v) throws Exception {
        java.io.StringWriter w = new java.io.StringWriter();
        try (com.fasterxml.jackson.core.JsonGenerator g = new com.fasterxml.jackson.core.JsonFactory().createGenerator(w)) {
            JsonExporter.value(g, v);
        }
        return w.toString();
    }

    @Test
    void engineFieldsComeBeforeMetricFieldsInEachAttractor() throws Exception {
        new JsonExporter().export(result(), out, Parameters.EMPTY);
        JsonNode a = new ObjectMapper().readTree(out.resolve("result.json").toFile()).at("/attractors/0");
        List<String> names = new java.util.ArrayList<>();
        a.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("id", "latent", "basinSize", "spectralRadius", "spectralNorm", "stable", "kind", "meanSteps",
                "predictedSteps", "eigenvaluesReal", "eigenvaluesImag", "jacobian", "mem"), names);
        assertEquals(0.25, a.get("eigenvaluesReal").get(1).asDouble());
        assertEquals("autodiff", a.get("jacobian").asText());
    }

    @Test
    void npyFilesHoldAttractorsEndpointsAndLabels() throws Exception {
        new NpyExporter().export(result(), out, Parameters.EMPTY);
        Npy.FloatArray a = Npy.readFloats(out.resolve("attractors.npy"));
        assertArrayEquals(new int[] {1, 2}, a.shape());
        assertArrayEquals(new float[] {1, 2}, a.data());
        assertArrayEquals(new int[] {3, 2}, Npy.readFloats(out.resolve("endpoints.npy")).shape());
        assertArrayEquals(new float[] {0, 0, -1}, Npy.readFloats(out.resolve("labels.npy")).data());
    }

    @Test
    void recordedPathsArePaddedWithNan() throws Exception {
        AnalysisResult r = result();
        List<Trajectory> ts = List.of(new Trajectory(0, new float[] {1, 2}, 1, true, false, 1, 0, new float[][] {{0, 0}, {1, 2}}),
                new Trajectory(1, new float[] {1, 2}, 0, true, false, 0, 0, new float[][] {{1, 2}}));
        AnalysisResult withPaths = new AnalysisResult(r.model(), r.seedOrigin(), Tensor.matrix(2, 2, new float[4]), r.strategy(),
                r.strategyParams(), r.clusterer(), r.clustererParams(), r.attractors(), ts, new int[] {0, 0}, Map.of(), 1);
        new NpyExporter().export(withPaths, out, Parameters.EMPTY);
        Npy.FloatArray p = Npy.readFloats(out.resolve("paths.npy"));
        assertArrayEquals(new int[] {2, 2, 2}, p.shape());
        assertArrayEquals(new float[] {0, 0, 1, 2, 1, 2, Float.NaN, Float.NaN}, p.data());
        new NpyExporter().export(result(), out.resolve("none"), Parameters.EMPTY);
        assertTrue(Files.notExists(out.resolve("none/paths.npy")), "no paths file when nothing was recorded");
    }

    @Test
    void csvFilesHaveAHeaderAndOneLinePerRow() throws Exception {
        new CsvExporter().export(result(), out, Parameters.EMPTY);
        List<String> att = Files.readAllLines(out.resolve("attractors.csv"));
        assertEquals("id,basinSize,spectralRadius,spectralNorm,stable,kind,meanSteps,predictedSteps,z0,z1", att.get(0));
        assertEquals("0,2,0.5,0.6,true,attractor,10.0,inf,1.0,2.0", att.get(1));
        List<String> tr = Files.readAllLines(out.resolve("trajectories.csv"));
        assertEquals(4, tr.size());
        assertEquals("2,-1,3,false,true,nan,nan", tr.get(3));
        try (var s = Files.list(out)) {
            assertTrue(s.noneMatch(p -> p.toString().endsWith(".tmp")), "no temporary files left");
        }
        assertTrue(Files.getPosixFilePermissions(out.resolve("attractors.csv"))
                .contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ), "results are ordinary readable files");
    }
}
