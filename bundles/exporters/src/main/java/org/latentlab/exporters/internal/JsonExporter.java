package org.latentlab.exporters.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.attractor.FixedPointKind;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.export.Exporter;
import org.latentlab.api.metric.MetricResult;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.api.result.FieldValue;
import org.latentlab.io.AtomicFile;
import org.osgi.service.component.annotations.Component;

/**
 * {@code result.json}, the contract of docs/analysis.md ("Results"): the model, the seeds' origin and count, strategy
 * and clusterer with every parameter in force, the attractors with their fields (metric fields
 * merged in), and one record per trajectory. Streamed, so 10^6 trajectories do not build a tree.
 * Values that are not finite are written as null (JSON has no NaN).
 *
 * <p>The per-seed records ({@code trajectories}) are listed when the run kept them in memory (up to the engine's
 * {@code inMemorySeeds}, 100,000 by default) or when {@code allTrajectories} is true (then read from the per-seed
 * files block by block, in bounded memory); otherwise {@code seeds.trajectoriesListed} is false and the per-seed
 * results are in the npy exporter's files.
 */
@Component(property = {ServiceProperties.ID + "=json", ServiceProperties.DESCRIPTION + "=result.json: attractors, trajectories and every setting"})
public class JsonExporter implements Exporter {

    static final String FORMAT_VERSION = "1.0";

    @Override
    public List<org.latentlab.api.ParameterSpec> parameters() {
        return List.of(ALL_TRAJECTORIES);
    }

    /** The explicit option to list every seed's record, however many. */
    static final org.latentlab.api.ParameterSpec ALL_TRAJECTORIES = org.latentlab.api.ParameterSpec.bool("allTrajectories", false,
            "list every seed's record even when the run has more seeds than the engine keeps in memory (inMemorySeeds)");

    /** Whether the per-seed records are listed: kept in memory, or asked for. */
    static boolean listTrajectories(AnalysisResult r, Parameters params) {
        return r.perSeedInMemory() || params.getBoolean("allTrajectories", false);
    }

    @Override
    public List<Path> export(AnalysisResult r, Path outDir, Parameters params) throws IOException {
        Path file = outDir.resolve("result.json");
        boolean list = listTrajectories(r, params);
        AtomicFile.write(file, out -> {
            try (JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
                g.useDefaultPrettyPrinter();
                write(g, r, list);
            }
        });
        return List.of(file);
    }

    static void write(JsonGenerator g, AnalysisResult r, boolean listTrajectories) throws IOException {
        g.writeStartObject();
        g.writeStringField("format", "latentlab-result/" + FORMAT_VERSION);
        g.writeStringField("created", Instant.now().toString());
        ModelSpec m = r.model();
        g.writeObjectFieldStart("model");
        g.writeStringField("name", m.name());
        g.writeStringField("folder", m.folder().toAbsolutePath().toString());
        g.writeArrayFieldStart("inputShape");
        for (int d : m.inputShape()) {
            g.writeNumber(d);
        }
        g.writeEndArray();
        g.writeNumberField("latentDim", m.latentDim());
        g.writeStringField("encoder", m.encoder());
        g.writeStringField("decoder", m.decoder());
        if (m.backend() != null) {
            g.writeStringField("backend", m.backend());
        }
        g.writeEndObject();
        g.writeObjectFieldStart("seeds");
        g.writeStringField("origin", r.seedOrigin());
        g.writeNumberField("count", r.seedCount());
        g.writeBooleanField("trajectoriesListed", listTrajectories);
        g.writeEndObject();
        g.writeObjectFieldStart("strategy");
        g.writeStringField("id", r.strategy());
        g.writeFieldName("parameters");
        value(g, r.strategyParams().values());
        long evaluations = r.mapEvaluations();
        if (evaluations >= 0) { // rows all seeds passed through f; a strategy that does not count them leaves it out
            g.writeNumberField("mapEvaluations", evaluations);
        }
        if (r.lowPrecisionEvaluations() > 0) { // rows of f's bfloat16 version a mixed-precision run moved seeds with first
            g.writeNumberField("lowPrecisionEvaluations", r.lowPrecisionEvaluations());
        }
        if (r.iteratedOn() != null) { // seeds iterated by an executor (e.g. on Spark), not in the lab's own loop
            g.writeStringField("iteratedOn", r.iteratedOn());
        }
        g.writeEndObject();
        choice(g, "clusterer", r.clusterer(), r.clustererParams());
        long converged = r.seedSummary().converged();
        long diverged = r.seedSummary().diverged();
        g.writeObjectFieldStart("summary");
        // distinct fixed points of every kind; "attractors" counts only those the Jacobian shows attracting, so a
        // saddle a strategy stopped on is never counted as one
        g.writeNumberField("attractors", r.attractors().stream().filter(a -> a.kind() == FixedPointKind.ATTRACTOR).count());
        g.writeNumberField("fixedPoints", r.attractors().size());
        g.writeNumberField("converged", converged);
        g.writeNumberField("diverged", diverged);
        g.writeNumberField("notConverged", r.seedSummary().notConverged());
        g.writeNumberField("elapsedMillis", r.elapsedMillis());
        if (r.iteratedOn() != null) { // also here: the server lists jobs by this summary (and rebuilds it from here)
            g.writeStringField("iteratedOn", r.iteratedOn());
        }
        g.writeEndObject();
        g.writeObjectFieldStart("metrics");
        for (Map.Entry<String, MetricResult> metric : r.metrics().entrySet()) {
            g.writeFieldName(metric.getKey());
            fields(g, metric.getValue().summary());
        }
        g.writeEndObject();
        g.writeArrayFieldStart("attractors");
        for (Attractor a : r.attractors()) {
            g.writeStartObject();
            g.writeNumberField("id", a.id());
            g.writeFieldName("latent");
            value(g, a.latent());
            g.writeNumberField("basinSize", a.basinSize());
            number(g, "spectralRadius", a.spectralRadius());
            number(g, "spectralNorm", a.spectralNorm());
            g.writeBooleanField("stable", a.stable());
            g.writeStringField("kind", a.kind().name().toLowerCase());
            number(g, "meanSteps", a.meanSteps());
            number(g, "predictedSteps", a.predictedSteps());
            if (a.jacobian() != null) {
                g.writeFieldName("eigenvaluesReal");
                value(g, a.eigenvaluesReal());
                g.writeFieldName("eigenvaluesImag");
                value(g, a.eigenvaluesImag());
                g.writeStringField("jacobian", a.jacobian());
            }
            for (Map.Entry<String, FieldValue> e : a.fields().entrySet()) {
                g.writeFieldName(e.getKey());
                value(g, e.getValue());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        if (listTrajectories) {
            g.writeArrayFieldStart("trajectories");
            try {
                r.perSeed().forEach(BLOCK, b -> {
                    try {
                        for (int i = 0; i < b.rows(); i++) {
                            trajectory(g, b.trajectory(i), b.labels()[i]);
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /** Per-seed records read at a time. */
    static final int BLOCK = 8192;

    private static void trajectory(JsonGenerator g, Trajectory t, int attractor) throws IOException {
        g.writeStartObject();
        g.writeNumberField("seed", t.seed());
        g.writeNumberField("attractor", attractor);
        g.writeNumberField("steps", t.steps());
        g.writeBooleanField("converged", t.converged());
        g.writeBooleanField("diverged", t.diverged());
        number(g, "pathLength", t.pathLength());
        number(g, "finalResidual", t.finalResidual());
        if (t.mapEvaluations() >= 0) {
            g.writeNumberField("mapEvaluations", t.mapEvaluations());
        }
        g.writeEndObject();
    }

    private static void choice(JsonGenerator g, String field, String id, Parameters p) throws IOException {
        g.writeObjectFieldStart(field);
        g.writeStringField("id", id);
        g.writeFieldName("parameters");
        value(g, p.values());
        g.writeEndObject();
    }

    private static void number(JsonGenerator g, String field, double v) throws IOException {
        g.writeFieldName(field);
        value(g, v);
    }

    private static void fields(JsonGenerator g, Map<String, FieldValue> fields) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, FieldValue> e : fields.entrySet()) {
            g.writeFieldName(e.getKey());
            value(g, e.getValue());
        }
        g.writeEndObject();
    }

    /** A typed field value; images are written as their flat values. */
    static void value(JsonGenerator g, FieldValue v) throws IOException {
        if (v instanceof FieldValue.Int i) {
            g.writeNumber(i.value());
        } else if (v instanceof FieldValue.Real d) {
            value(g, (Object) d.value());
        } else if (v instanceof FieldValue.Text t) {
            g.writeString(t.value());
        } else if (v instanceof FieldValue.Flag f) {
            g.writeBoolean(f.value());
        } else if (v instanceof FieldValue.Reals a) {
            value(g, (Object) a.values());
        } else if (v instanceof FieldValue.Ints a) {
            value(g, (Object) a.values());
        } else if (v instanceof FieldValue.Image image) {
            value(g, (Object) image.values());
        } else if (v instanceof FieldValue.Items items) {
            g.writeStartArray();
            for (FieldValue item : items.items()) {
                value(g, item);
            }
            g.writeEndArray();
        } else {
            throw new IllegalArgumentException("no JSON form for " + v.getClass().getName());
        }
    }

    /** Numbers, strings, booleans, arrays, lists and maps; non-finite numbers become null. */
    static void value(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Double d) {
            if (Double.isFinite(d)) {
                g.writeNumber(d);
            } else {
                g.writeNull();
            }
        } else if (v instanceof Float f) {
            value(g, (double) f);
        } else if (v instanceof Number n) {
            g.writeNumber(n.longValue());
        } else if (v instanceof FieldValue f) {
            value(g, f);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof float[] a) {
            g.writeStartArray();
            for (float x : a) {
                if (Float.isFinite(x)) {
                    g.writeNumber(x);
                } else {
                    g.writeNull();
                }
            }
            g.writeEndArray();
        } else if (v instanceof double[] a) {
            g.writeStartArray();
            for (double x : a) {
                value(g, x);
            }
            g.writeEndArray();
        } else if (v instanceof int[] a) {
            g.writeStartArray();
            for (int x : a) {
                g.writeNumber(x);
            }
            g.writeEndArray();
        } else if (v instanceof Iterable<?> it) {
            g.writeStartArray();
            for (Object o : it) {
                value(g, o);
            }
            g.writeEndArray();
        } else if (v instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                value(g, e.getValue());
            }
            g.writeEndObject();
        } else {
            g.writeString(v.toString());
        }
    }
}
