package org.latentlab.experiments.sweep.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.latentlab.api.sweep.CellMeasures;
import org.latentlab.api.sweep.CellResult;
import org.latentlab.api.sweep.SeedSetMeasures;

/**
 * {@code sweep.json} (the spec, the environment, every cell with its rows, and a flat "rows" table: one per cell
 * and checkpoint) and {@code sweep.csv} (that table). Numbers that are not defined (NaN) are JSON null and an
 * empty CSV field.
 */
final class SweepFiles {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String FORMAT = "latentlab-sweep/1";
    static final List<String> SEED_SETS = List.of("train", "test", "noise");
    static final List<String> SET_COLUMNS = List.of("count", "converged", "attractors", "meanMemorization",
            "medianMemorization", "memorizedShare", "meanRho", "medianRho", "meanRadius", "decodedRank90");

    private SweepFiles() {}

    /** Column names of the table, for a sweep with these axes. */
    static List<String> header(List<String> axes) {
        List<String> h = new ArrayList<>(List.of("cell", "status"));
        h.addAll(axes);
        h.addAll(List.of("step", "final", "trainLoss", "testLoss", "memorizationBaseline", "contractionMean",
                "contractionMedian", "contractionMax"));
        for (String s : SEED_SETS) {
            for (String c : SET_COLUMNS) {
                h.add(s + "." + c);
            }
        }
        h.addAll(List.of("millis", "error"));
        return h;
    }

    /** The table: one row per measured model of a finished cell, one row (status failed) per failed cell. */
    static List<List<Object>> rows(List<String> axes, List<CellResult> cells) {
        List<List<Object>> out = new ArrayList<>();
        for (CellResult c : cells) {
            if (c.rows().isEmpty()) {
                List<Object> r = new ArrayList<>(List.of(c.cell().id(), status(c)));
                axes.forEach(a -> r.add(c.cell().axes().get(a)));
                for (int i = 0; i < 8 + SEED_SETS.size() * SET_COLUMNS.size(); i++) {
                    r.add(null);
                }
                r.add(c.millis());
                r.add(c.error());
                out.add(r);
                continue;
            }
            for (CellMeasures m : c.rows()) {
                List<Object> r = new ArrayList<>(List.of(c.cell().id(), status(c)));
                axes.forEach(a -> r.add(c.cell().axes().get(a)));
                r.addAll(List.of(m.step(), m.isFinal(), m.trainLoss(), m.testLoss(), m.memorizationBaseline(),
                        m.contractionMean(), m.contractionMedian(), m.contractionMax()));
                for (String s : SEED_SETS) {
                    SeedSetMeasures x = m.seedSet(s).orElse(null);
                    if (x == null) {
                        SET_COLUMNS.forEach(col -> r.add(null));
                    } else {
                        r.addAll(List.of(x.count(), x.converged(), x.attractors(), x.meanMemorization(), x.medianMemorization(),
                                x.memorizedShare(), x.meanRho(), x.medianRho(), x.meanRadius(), x.decodedRank90()));
                    }
                }
                r.add(c.millis());
                r.add(c.error());
                out.add(r);
            }
        }
        return out;
    }

    static String status(CellResult c) {
        return c.status().name().toLowerCase(Locale.ROOT);
    }

    static void writeJson(Path file, SweepSpec spec, List<CellResult> cells, Map<String, Object> environment, int reused)
            throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("name", spec.name());
        root.set("spec", spec.source());
        root.set("environment", JSON.valueToTree(environment));
        root.set("axes", JSON.valueToTree(spec.axisValues()));
        root.put("cellCount", cells.size());
        root.put("done", cells.stream().filter(c -> c.status() == CellResult.Status.DONE).count());
        root.put("failed", cells.stream().filter(c -> c.status() == CellResult.Status.FAILED).count());
        root.put("reused", reused);
        ArrayNode cs = root.putArray("cells");
        for (CellResult c : cells) {
            ObjectNode n = cs.addObject();
            n.put("id", c.cell().id());
            n.put("index", c.cell().index());
            n.set("axes", JSON.valueToTree(c.cell().axes()));
            n.put("status", status(c));
            n.put("error", c.error());
            n.put("millis", c.millis());
            n.put("host", c.host());
            n.put("folder", "cells/" + c.cell().id());
            n.set("training", JSON.valueToTree(c.cell().training()));
            n.set("checkpoints", JSON.valueToTree(c.cell().checkpoints()));
            n.set("rows", JSON.valueToTree(c.rows()));
        }
        List<String> axes = new ArrayList<>(spec.axisValues().keySet());
        List<String> header = header(axes);
        ArrayNode rows = root.putArray("rows");
        for (List<Object> r : rows(axes, cells)) {
            ObjectNode n = rows.addObject();
            for (int i = 0; i < header.size(); i++) {
                n.set(header.get(i), JSON.valueToTree(r.get(i)));
            }
        }
        Files.writeString(file, JSON.writeValueAsString(nanToNull(root)), StandardCharsets.UTF_8);
    }

    static void writeCsv(Path file, List<String> axes, List<CellResult> cells) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(String.join(",", header(axes).stream().map(SweepFiles::csv).toList()));
            w.write("\n");
            for (List<Object> r : rows(axes, cells)) {
                w.write(String.join(",", r.stream().map(SweepFiles::csvValue).toList()));
                w.write("\n");
            }
        }
    }

    private static String csvValue(Object v) {
        if (v == null || v instanceof Double d && !Double.isFinite(d)) {
            return "";
        }
        if (v instanceof Double d) {
            return Double.toString(d);
        }
        return csv(v.toString());
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /** JSON has no NaN: undefined numbers become null. */
    static JsonNode nanToNull(JsonNode n) {
        if (n.isObject()) {
            ObjectNode o = (ObjectNode) n;
            List<String> keys = new ArrayList<>();
            o.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                JsonNode v = o.get(k);
                if (v.isNumber() && !Double.isFinite(v.asDouble())) {
                    o.putNull(k);
                } else {
                    nanToNull(v);
                }
            }
        } else if (n.isArray()) {
            ArrayNode a = (ArrayNode) n;
            for (int i = 0; i < a.size(); i++) {
                JsonNode v = a.get(i);
                if (v.isNumber() && !Double.isFinite(v.asDouble())) {
                    a.set(i, JSON.nullNode());
                } else {
                    nanToNull(v);
                }
            }
        }
        return n;
    }
}
