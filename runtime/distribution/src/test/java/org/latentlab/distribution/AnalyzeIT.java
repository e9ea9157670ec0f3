package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.latentlab.npy.Npy;

/**
 * {@code latentlab analyze} inside the real runtime, checked against an independent PyTorch run of
 * the same analysis (make_memorizer.py), through both the ONNX Runtime and the TorchScript backend;
 * and every bad input ends with a message that names the problem.
 */
class AnalyzeIT {

    static final Path MODELS = Path.of(System.getProperty("latentlab.it.models"));
    static final Path MEMORIZER = MODELS.resolve("memorizer");
    static LabFixture lab;

    @BeforeAll
    static void start() throws Exception {
        lab = LabFixture.start("analyze");
    }

    @AfterAll
    static void stop() {
        lab.close();
    }

    Path out(String name) {
        return lab.home.resolve("out-" + name);
    }

    @Test
    void attractorsMatchTheIndependentPyTorchRunOnBothBackends() throws Exception {
        // four engines: ONNX Runtime, TorchScript and layer stacks on libtorch, layer stacks on ND4J
        for (String folder : List.of("memorizer", "memorizer-torchscript", "memorizer-layers", "memorizer-nd4j")) {
            Path out = out(folder);
            String text = lab.run("analyze", "--model", MODELS.resolve(folder).toString(), "--seeds",
                    MEMORIZER.resolve("seeds.npy").toString(), "--out", out.toString(), "--quiet");
            assertMatchesReference(MEMORIZER, out, folder, text);
            JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
            assertEquals(400, result.at("/seeds/count").asInt());
            assertEquals("picard", result.at("/strategy/id").asText());
            assertEquals(1e-6, result.at("/strategy/parameters/tolerance").asDouble());
            assertEquals("cosine", result.at("/clusterer/id").asText());
            assertEquals(400, result.get("trajectories").size());
            boolean libtorch = folder.endsWith("torchscript") || folder.endsWith("layers");
            assertEquals(libtorch ? "autodiff" : "central-differences", result.at("/attractors/0/jacobian").asText(),
                    "libtorch has autograd, ONNX Runtime and ND4J here do not");
            assertArrayEquals(new int[] {400, 4}, Npy.readFloats(out.resolve("endpoints.npy")).shape());
        }
    }

    @Test
    void convolutionalAutoencoderFromEncodedInputsMatchesThePyTorchRun() throws Exception {
        Path conv = MODELS.resolve("conv-memorizer");
        Path out = out("conv");
        String text = lab.run("analyze", "--model", conv.toString(), "--inputs", conv.resolve("inputs.npy").toString(),
                "--out", out.toString(), "--quiet");
        assertMatchesReference(conv, out, "conv-memorizer", text);

        // the same inputs as CSV (one flattened image per row, with a header) give the same result
        Npy.FloatArray in = Npy.readFloats(conv.resolve("inputs.npy"));
        StringBuilder csv = new StringBuilder("pixels\n");
        for (int i = 0; i < in.shape()[0]; i++) {
            for (int j = 0; j < 64; j++) {
                csv.append(j == 0 ? "" : ",").append(in.data()[i * 64 + j]);
            }
            csv.append('\n');
        }
        Path csvFile = lab.home.resolve("conv-inputs.csv");
        Files.writeString(csvFile, csv);
        Path outCsv = out("conv-csv");
        String text2 = lab.run("analyze", "--model", conv.toString(), "--inputs", csvFile.toString(), "--out", outCsv.toString(),
                "--quiet");
        assertMatchesReference(conv, outCsv, "conv-memorizer from CSV", text2);
    }

    /** Same count, same attractor for every seed, same basins, positions within 1e-4 relative. */
    static void assertMatchesReference(Path refDir, Path out, String what, String summary) throws Exception {
        assertMatchesReference(refDir, out, what, summary, 2e-3);
    }

    /** As above; {@code differencesTolerance} for spectra by float32 differences (autodiff: 1e-5). */
    static void assertMatchesReference(Path refDir, Path out, String what, String summary, double differencesTolerance)
            throws Exception {
        Npy.FloatArray ref = Npy.readFloats(refDir.resolve("reference_attractors.npy"));
        float[] refLabels = Npy.readFloats(refDir.resolve("reference_labels.npy")).data();
        JsonNode refJson = new ObjectMapper().readTree(refDir.resolve("reference.json").toFile());
        assertTrue(summary.contains(refJson.get("attractors").asInt() + " distinct fixed points"), summary);
        Npy.FloatArray att = Npy.readFloats(out.resolve("attractors.npy"));
        assertArrayEquals(ref.shape(), att.shape(), what + ": same number of attractors under the same rule");
        int k = ref.shape()[1];
        for (int a = 0; a < ref.shape()[0]; a++) {
            double diff = 0;
            double norm = 0;
            for (int j = 0; j < k; j++) {
                double d = att.data()[a * k + j] - ref.data()[a * k + j];
                diff += d * d;
                norm += (double) ref.data()[a * k + j] * ref.data()[a * k + j];
            }
            assertTrue(Math.sqrt(diff / norm) < 1e-4, what + " attractor " + a + " relative error " + Math.sqrt(diff / norm));
        }
        assertArrayEquals(refLabels, Npy.readFloats(out.resolve("labels.npy")).data(), what + ": every seed's attractor");
        JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
        for (int a = 0; a < ref.shape()[0]; a++) {
            JsonNode at = result.at("/attractors/" + a);
            assertEquals(refJson.get("basinSizes").get(a).asInt(), at.get("basinSize").asInt());
            // Jacobian spectra against PyTorch autograd: exact with autodiff, ~1e-4 with central differences
            // autodiff: exact (dense) or to the Krylov methods' residuals (matrix-free); differences: float32 rounding
            String how = at.get("jacobian").asText();
            double tol = how.equals("autodiff") ? 1e-5 : how.startsWith("matrix-free autodiff") ? 1e-4 : differencesTolerance;
            assertEquals(refJson.get("spectralRadius").get(a).asDouble(), at.get("spectralRadius").asDouble(), tol,
                    what + " spectral radius of attractor " + a + " (" + at.get("jacobian").asText() + ")");
            assertEquals(refJson.get("spectralNorm").get(a).asDouble(), at.get("spectralNorm").asDouble(), tol,
                    what + " spectral norm of attractor " + a);
        }
        assertEquals(ref.shape()[0] + 1, Files.readAllLines(out.resolve("attractors.csv")).size());
    }

    @Test
    void otherStrategiesAndNoiseSeedsReachTheSameAttractors() throws Exception {
        Npy.FloatArray ref = Npy.readFloats(MEMORIZER.resolve("reference_attractors.npy"));
        for (String strategy : List.of("anderson", "damped", "flow")) {
            Path out = out("noise-" + strategy);
            lab.run("analyze", "--model", MEMORIZER.toString(), "--noise", "100", "--noise-sigma", "3", "--strategy", strategy,
                    "--out", out.toString(), "--quiet");
            Npy.FloatArray att = Npy.readFloats(out.resolve("attractors.npy"));
            int k = ref.shape()[1];
            JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
            for (int a = 0; a < att.shape()[0]; a++) {
                if (!result.at("/attractors/" + a + "/stable").asBoolean()) {
                    continue; // anderson may also stop on an unstable fixed point
                }
                double best = Double.MAX_VALUE;
                for (int b = 0; b < ref.shape()[0]; b++) {
                    double d = 0;
                    for (int j = 0; j < k; j++) {
                        double t = att.data()[a * k + j] - ref.data()[b * k + j];
                        d += t * t;
                    }
                    best = Math.min(best, Math.sqrt(d));
                }
                assertTrue(best < 1e-3, strategy + " attractor " + a + " is " + best + " from every reference attractor");
            }
        }
    }

    /**
     * Mixed precision on a real TorchScript model: a first leg on its bfloat16 version (forced on, so this runs on any
     * CPU), then float32; the same attractors, spectra and basins as PyTorch's run (boundary seeds may move: ≥ 99 % of
     * the labels for picard; for anderson ≥ 98.5 %, and ≥ 99 % of its own float32 run's), both maps' evaluations in
     * result.json and the summary. The ONNX model has no bfloat16 version: its run
     * says so and is the float32 run, label for label.
     */
    @Test
    void mixedPrecisionFindsThePyTorchAttractorsAndCountsBothMaps() throws Exception {
        System.setProperty("latentlab.bfloat16", "on");
        try {
            for (String strategy : List.of("picard", "anderson")) {
                Path out = out("mixed-" + strategy);
                String text = lab.run("analyze", "--model", MODELS.resolve("memorizer-torchscript").toString(), "--seeds",
                        MEMORIZER.resolve("seeds.npy").toString(), "--strategy", strategy, "--strategy-param",
                        strategy.equals("anderson") ? "capture=true,mixedPrecision=true" : "mixedPrecision=true",
                        "--out", out.toString(), "--quiet");
                JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
                long low = result.at("/strategy/lowPrecisionEvaluations").asLong();
                long exact = result.at("/strategy/mapEvaluations").asLong();
                assertTrue(low > 400, strategy + ": the first leg ran on the bfloat16 version: " + result.at("/strategy"));
                assertTrue(exact > 400, strategy + ": every seed finished on the model itself: " + exact);
                assertTrue(text.contains("Mixed precision: " + low + " evaluations of the model's bfloat16 version, then "
                        + exact + " of the model itself"), text);
                assertEquals(400, result.at("/summary/converged").asInt());
                Npy.FloatArray ref = Npy.readFloats(MEMORIZER.resolve("reference_attractors.npy"));
                Npy.FloatArray att = Npy.readFloats(out.resolve("attractors.npy"));
                assertArrayEquals(ref.shape(), att.shape(), strategy + ": the same attractors");
                float[] refLabels = Npy.readFloats(MEMORIZER.resolve("reference_labels.npy")).data();
                float[] labels = Npy.readFloats(out.resolve("labels.npy")).data();
                int same = 0;
                for (int i = 0; i < labels.length; i++) {
                    same += labels[i] == refLabels[i] ? 1 : 0;
                }
                if (strategy.equals("picard")) {
                    assertTrue(same >= 396, strategy + ": " + same + " of 400 seeds in PyTorch's basins");
                } else {
                    // the float32 anderson run already ends 4 of these 400 boundary seeds in a neighbouring basin (its
                    // mixing moves them): 396. The bfloat16 leg may move one or two more (fused layers: 395, unfused: 396);
                    // against the float32 run of the same strategy it must keep 99 %
                    assertTrue(same >= 394, strategy + ": " + same + " of 400 seeds in PyTorch's basins");
                    Path f32 = out("float32-" + strategy);
                    lab.run("analyze", "--model", MODELS.resolve("memorizer-torchscript").toString(), "--seeds",
                            MEMORIZER.resolve("seeds.npy").toString(), "--strategy", strategy, "--strategy-param", "capture=true",
                            "--out", f32.toString(), "--quiet");
                    float[] f32Labels = Npy.readFloats(f32.resolve("labels.npy")).data();
                    int asFloat32 = 0;
                    for (int i = 0; i < labels.length; i++) {
                        asFloat32 += labels[i] == f32Labels[i] ? 1 : 0;
                    }
                    assertTrue(asFloat32 >= 396, strategy + ": " + asFloat32 + " of 400 seeds in the float32 run's basins");
                }
                for (int a = 0; a < ref.shape()[0]; a++) {
                    int k = ref.shape()[1];
                    double diff = 0;
                    for (int j = 0; j < k; j++) {
                        double d = att.data()[a * k + j] - ref.data()[a * k + j];
                        diff += d * d;
                    }
                    assertTrue(Math.sqrt(diff) < 1e-3, strategy + " attractor " + a + " is " + Math.sqrt(diff) + " off");
                }
            }
            Path onnx = out("mixed-onnx");
            String text = lab.run("analyze", "--model", MEMORIZER.toString(), "--seeds", MEMORIZER.resolve("seeds.npy").toString(),
                    "--strategy-param", "mixedPrecision=true", "--out", onnx.toString(), "--quiet");
            assertTrue(text.contains("Note: mixedPrecision=true, but the model has no bfloat16 version here"), text);
            assertTrue(new ObjectMapper().readTree(onnx.resolve("result.json").toFile()).at("/strategy/lowPrecisionEvaluations")
                    .isMissingNode());
            assertMatchesReference(MEMORIZER, onnx, "onnx, mixedPrecision asked", text);
        } finally {
            System.clearProperty("latentlab.bfloat16");
        }
    }

    @Test
    void fieldVanishesAtTheAttractorsAndGridsWork() throws Exception {
        Path out = out("field");
        lab.run("field", "--model", MEMORIZER.toString(), "--points", MEMORIZER.resolve("reference_attractors.npy").toString(),
                "--out", out.toString());
        float[] v = Npy.readFloats(out.resolve("field.npy")).data();
        for (float x : v) {
            assertTrue(Math.abs(x) < 1e-4, "v(z*) = " + x);
        }
        Path grid = out("grid");
        lab.run("field", "--model", MODELS.resolve("tiny-mlp").toString(), "--grid", "-1:1:5,-2:2:3", "--out", grid.toString());
        assertArrayEquals(new int[] {15, 2}, Npy.readFloats(grid.resolve("field2d.npy")).shape());
        assertArrayEquals(new float[] {-1, -2, -0.5f, -2}, java.util.Arrays.copyOf(Npy.readFloats(grid.resolve("grid.npy")).data(), 4));
    }

    @Test
    void badInputFailsWithAMessageNamingTheProblem() throws Exception {
        Path bad = Files.createDirectories(lab.home.resolve("bad"));
        Path seeds = MEMORIZER.resolve("seeds.npy").toString().isEmpty() ? null : MEMORIZER.resolve("seeds.npy");

        expectError(List.of("--model", bad.resolve("nope").toString(), "--seeds", seeds.toString()), "does not exist");

        Path invalid = model(bad, "invalid-json", "{ \"name\": ");
        expectError(List.of("--model", invalid.toString(), "--seeds", seeds.toString()), "is not valid JSON");

        Path wrongLatent = model(bad, "wrong-latent", json(16, 3));
        expectError(List.of("--model", wrongLatent.toString(), "--seeds", seeds.toString()), "latentDim 3");

        Path wrongInput = model(bad, "wrong-input", json(15, 4));
        expectError(List.of("--model", wrongInput.toString(), "--seeds", seeds.toString()), "inputShape");

        Path corrupt = model(bad, "corrupt", json(16, 4));
        Files.write(corrupt.resolve("encoder.onnx"), new byte[] {1, 2, 3, 4, 5});
        expectError(List.of("--model", corrupt.toString(), "--seeds", seeds.toString()), "encoder.onnx could not be loaded");

        Path missingFile = model(bad, "missing-file", json(16, 4));
        Files.delete(missingFile.resolve("decoder.onnx"));
        expectError(List.of("--model", missingFile.toString(), "--seeds", seeds.toString()), "decoder.onnx, which does not exist");

        Path narrow = bad.resolve("narrow.npy");
        Npy.writeFloats(narrow, new int[] {2, 3}, new float[6]);
        expectError(List.of("--model", MEMORIZER.toString(), "--seeds", narrow.toString()), "must be [n, 4]");

        Path nan = bad.resolve("nan.npy");
        Npy.writeFloats(nan, new int[] {2, 4}, new float[] {0, 0, 0, 0, 0, Float.NaN, 0, 0});
        expectError(List.of("--model", MEMORIZER.toString(), "--seeds", nan.toString()), "row 1, column 1 is NaN");

        expectError(List.of("--model", MEMORIZER.toString(), "--seeds", seeds.toString(), "--strategy", "nope"),
                "no strategy with id 'nope'");
        expectError(List.of("--model", MEMORIZER.toString(), "--seeds", seeds.toString(), "--strategy-param", "tolerance=-1"),
                "'tolerance' = -1 is out of range");

        LabFixture.Result usage = lab.runAny("analyze", "--model", MEMORIZER.toString());
        assertEquals(2, usage.code());
        assertTrue(usage.err().contains("--out DIR is required"), usage.err());
    }

    private void expectError(List<String> args, String words) throws Exception {
        String[] all = Stream.concat(args.stream(), Stream.of("--out", out("err").toString(), "--quiet")).toArray(String[]::new);
        LabFixture.Result r = lab.runAny("analyze", all);
        assertEquals(1, r.code(), "expected failure for " + args + "; out: " + r.out());
        assertTrue(r.err().contains(words), "message should contain '" + words + "': " + r.err());
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    private static String json(int input, int latent) {
        return "{\"name\": \"m\", \"inputShape\": [" + input + "], \"latentDim\": " + latent
                + ", \"encoder\": \"encoder.onnx\", \"decoder\": \"decoder.onnx\"}";
    }

    private static Path model(Path root, String name, String modelJson) throws Exception {
        Path dir = Files.createDirectories(root.resolve(name));
        Files.copy(MEMORIZER.resolve("encoder.onnx"), dir.resolve("encoder.onnx"));
        Files.copy(MEMORIZER.resolve("decoder.onnx"), dir.resolve("decoder.onnx"));
        Files.writeString(dir.resolve("model.json"), modelJson);
        return dir;
    }
}
