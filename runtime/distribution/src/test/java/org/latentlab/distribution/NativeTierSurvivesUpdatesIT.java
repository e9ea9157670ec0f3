package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;

/**
 * A bundle that runs models through DJL (ONNX Runtime and PyTorch engines) and ND4J keeps working
 * after it is updated three times: the native libraries live on the launcher class path, loaded once, never by a bundle's
 * class loader (an embedded engine fails after the first update with "already loaded in another
 * classloader").
 */
class NativeTierSurvivesUpdatesIT {

    static final String PROBE = "latentlab-it-probe";

    @Test
    void onnxAndTorchScriptModelsAndNd4jRunFromABundleBeforeAndAfterThreeUpdates() throws Exception {
        Path model = Path.of(System.getProperty("latentlab.it.models"), "tiny-mlp");
        String reference = Files.readString(model.resolve("reference.json"));
        float[] expected = firstRow(reference, "encoded");
        String input = "1.0,2.0,3.0,4.0"; // first row of "inputs" in reference.json

        try (LabFixture f = LabFixture.start("native", PROBE)) {
            assertAllEnginesWork(f, model, input, expected);
            for (int i = 1; i <= 3; i++) {
                String version = "9.0." + i;
                f.deploy(f.withVersion(LabFixture.pluginJar(PROBE), version), PROBE + ".jar");
                LabFixture.await("probe at version " + version, () -> f.bundles(PROBE).stream()
                        .anyMatch(b -> b.getVersion().toString().equals(version) && b.getState() == Bundle.ACTIVE)
                        && subcommandFrom(f, version));
                assertAllEnginesWork(f, model, input, expected);
            }
        }
    }

    private static void assertAllEnginesWork(LabFixture f, Path model, String input, float[] expected) throws Exception {
        assertClose(expected, parse(f.run("probe-djl", "OnnxRuntime", model.toString(), "encoder", input)));
        assertClose(expected, parse(f.run("probe-djl", "PyTorch", model.toString(), "encoder", input)));
        assertClose(new float[] {7, 10, 15, 22}, parse(f.run("probe-nd4j")));
    }

    private static boolean subcommandFrom(LabFixture f, String version) {
        return f.lab.awaitSubcommand("probe-djl", java.time.Duration.ZERO)
                .map(r -> r.getBundle() != null && r.getBundle().getVersion().toString().equals(version)).orElse(false);
    }

    static float[] firstRow(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\\[\\s*\\[([^\\]]*)\\]").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no " + key + " in reference.json");
        }
        return parse("[" + m.group(1) + "]");
    }

    static float[] parse(String text) {
        String t = text.trim();
        List<Float> vals = new ArrayList<>();
        for (String s : t.substring(t.indexOf('[') + 1, t.lastIndexOf(']')).split(",")) {
            vals.add(Float.parseFloat(s.trim()));
        }
        float[] out = new float[vals.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = vals.get(i);
        }
        return out;
    }

    static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, "output width");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5, "output " + i);
        }
    }
}
