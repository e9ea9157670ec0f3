package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.latentlab.npy.Npy;

/** {@code latentlab dictionary} in the real runtime, on the convolutional fixture model (latent dimension 3). */
class DictionaryIT {

    static final Path MODELS = Path.of(System.getProperty("latentlab.it.models"));
    static final Path CONV = MODELS.resolve("conv-memorizer");
    static LabFixture lab;

    @BeforeAll
    static void start() throws Exception {
        lab = LabFixture.start("dictionary");
    }

    @AfterAll
    static void stop() {
        lab.close();
    }

    @Test
    void allFiveMethodsAtEverySparsityWithAChartAndTheDecodedAtoms() throws Exception {
        Path out = lab.home.resolve("out-dictionary");
        String inputs = CONV.resolve("inputs.npy").toString();
        String text = lab.run("dictionary", "--model", CONV.toString(), "--noise", "200", "--inputs", inputs, "--training", inputs,
                "--sparsity", "1,2,3", "--out", out.toString(), "--quiet");
        JsonNode json = new ObjectMapper().readTree(out.resolve("dictionary.json").toFile());
        assertEquals("dictionary", json.get("experiment").asText());
        assertEquals(200, json.at("/settings/noise").asInt());
        assertEquals("picard", json.at("/settings/strategy").asText());
        assertEquals(60, json.get("inputs").asInt());
        assertEquals(3, json.get("latentDim").asInt());
        int atoms = json.get("atoms").asInt();
        assertTrue(atoms >= 1, "at least one attractor atom");
        assertArrayEquals(new int[] {atoms, 3}, Npy.readFloats(out.resolve("atoms.npy")).shape());

        List<String> ids = new ArrayList<>();
        for (JsonNode m : json.get("methods")) {
            ids.add(m.get("id").asText());
            assertFalse(m.has("skipped"), m.toString());
            List<Integer> s = new ArrayList<>();
            for (JsonNode e : m.get("errors")) {
                s.add(e.get("s").asInt());
                assertTrue(e.get("latentMse").asDouble() >= 0 && e.get("pixelMse").asDouble() >= 0, e.toString());
            }
            assertEquals(List.of(1, 2, 3), s, m.get("id").asText());
            assertTrue(text.contains(m.get("id").asText()), "the table names " + m.get("id"));
        }
        assertEquals(List.of("attractors", "random-basis", "pca", "random-dictionary", "kmeans"), ids);
        // s = 3 = the latent dimension: a full orthonormal basis reproduces every code
        assertEquals(0, json.at("/methods/1/errors/2/latentMse").asDouble(), 1e-8);
        assertEquals(json.get("reconstructionMse").asDouble(), json.at("/methods/1/errors/2/pixelMse").asDouble(), 1e-6,
                "an exact code decodes to the model's own reconstruction");

        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("Attractors as a dictionary") && html.contains("<svg") && html.contains("latent MSE")
                && html.contains("pixel MSE"), "the chart of both curves");
        assertTrue(html.contains("report/atom-0.png") && Files.size(out.resolve("report/atom-0.png")) > 100, "decoded atoms");
    }

    @Test
    void withoutTrainingInputsPcaAndKMeansAreSkippedAndSaySo() throws Exception {
        Path out = lab.home.resolve("out-no-training");
        String text = lab.run("dictionary", "--model", CONV.toString(), "--noise", "100", "--inputs", CONV.resolve("inputs.npy").toString(),
                "--sparsity", "2", "--out", out.toString(), "--quiet");
        JsonNode json = new ObjectMapper().readTree(out.resolve("dictionary.json").toFile());
        assertEquals("no training inputs given (--training)", json.at("/methods/2/skipped").asText());
        assertEquals("no training inputs given (--training)", json.at("/methods/4/skipped").asText());
        assertEquals(0, json.at("/methods/4/errors").size());
        assertEquals(1, json.at("/methods/0/errors").size());
        assertTrue(text.contains("pca                skipped: no training inputs given (--training)"), text);
    }

    @Test
    void badUsageExitsWithTwoAndBadInputsWithOne() throws Exception {
        LabFixture.Result noInputs = lab.runAny("dictionary", "--model", CONV.toString(), "--out", lab.home.resolve("x").toString());
        assertEquals(2, noInputs.code());
        assertTrue(noInputs.err().startsWith("dictionary: --inputs TEST is required"), noInputs.err());
        LabFixture.Result wrongShape = lab.runAny("dictionary", "--model", CONV.toString(), "--inputs",
                MODELS.resolve("memorizer/seeds.npy").toString(), "--out", lab.home.resolve("y").toString(), "--quiet");
        assertEquals(1, wrongShape.code());
        assertTrue(wrongShape.err().startsWith("dictionary: failed: inputs ") && wrongShape.err().contains("model 'conv-memorizer' takes"),
                wrongShape.err());
        assertEquals(1, wrongShape.err().strip().lines().count(), "one line, no stack trace: " + wrongShape.err());
        assertFalse(Files.exists(lab.home.resolve("y/dictionary.json")), "nothing published for a failed run");
    }
}
