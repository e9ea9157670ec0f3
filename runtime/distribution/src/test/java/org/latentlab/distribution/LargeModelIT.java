package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * A convolutional autoencoder with big inputs (3×128×128 colour images) and a 1024-dimensional latent
 * (4×16×16; make_conv_large.py), analysed end to end in the real runtime through ONNX Runtime and TorchScript:
 * the attractors, basins and Jacobian spectra match the independent PyTorch run, and images given as inputs are
 * encoded and iterated, with matrix-free spectra at k = 1024.
 */
class LargeModelIT {

    static final Path MODELS = Path.of(System.getProperty("latentlab.it.models"));
    static final Path ONNX = MODELS.resolve("conv-large-onnx");
    static final Path TORCHSCRIPT = MODELS.resolve("conv-large-torchscript");
    static LabFixture lab;

    @BeforeAll
    static void start() throws Exception {
        lab = LabFixture.start("large");
    }

    @AfterAll
    static void stop() {
        lab.close();
    }

    @Test
    void aConvolutionalModelWithA1024DimensionalLatentMatchesThePyTorchRunOnBothEngines() throws Exception {
        for (Path model : List.of(ONNX, TORCHSCRIPT)) {
            Path out = lab.home.resolve("out-" + model.getFileName());
            String text = lab.run("analyze", "--model", model.toString(), "--seeds", ONNX.resolve("seeds.npy").toString(),
                    "--out", out.toString(), "--quiet");
            // ONNX Runtime has no autodiff: its spectra come from float32 differences; at this model's latent norms
            // (about 340) the norm from the Richardson-extrapolated dense differences was measured 2e-5 from the exact
            // one (per-coordinate steps without extrapolation: 2.4e-3 below), the radius 8e-5
            AnalyzeIT.assertMatchesReference(ONNX, out, model.getFileName().toString(), text, 1e-3);
            JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
            assertTrue(result.at("/attractors/0/jacobian").asText().startsWith(model == ONNX ? "matrix-free finite-differences"
                    : "matrix-free autodiff"), result.at("/attractors/0/jacobian").asText());
            assertArrayEquals(new int[] {30, 1024}, Npy.readFloats(out.resolve("endpoints.npy")).shape());
        }
    }

    @Test
    void bigImagesAsInputsAreEncodedAndIterated() throws Exception {
        // six 3×128×128 images in [0, 1], the model's input range (49,152 values, 192 KB per image)
        int n = 6;
        int size = 3 * 128 * 128;
        float[] x = new float[n * size];
        Random r = new Random(4);
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        Path inputs = lab.home.resolve("images.npy");
        Npy.writeFloats(inputs, new int[] {n, 3, 128, 128}, x);
        Path out = lab.home.resolve("out-images");
        lab.run("analyze", "--model", TORCHSCRIPT.toString(), "--inputs", inputs.toString(), "--exporters", "json,npy,html",
                "--out", out.toString(), "--quiet");
        JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
        assertEquals(n, result.at("/seeds/count").asInt());
        assertEquals(n, result.at("/summary/converged").asInt(), result.at("/summary").toString());
        assertTrue(result.at("/summary/attractors").asInt() >= 1);
        assertArrayEquals(new int[] {n, 1024}, Npy.readFloats(out.resolve("endpoints.npy")).shape());
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<h2>Attractors") && html.contains("<h2>Stability"), "the report of the run");
        assertTrue(result.at("/attractors/0/jacobian").asText().startsWith("matrix-free autodiff"),
                "k = 1024 is above the dense threshold: " + result.at("/attractors/0/jacobian").asText());
    }
}
