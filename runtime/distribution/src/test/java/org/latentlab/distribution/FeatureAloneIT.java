package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.latentlab.launcher.Lab;
import org.latentlab.launcher.LabConfig;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Each feature resolves and starts without the others: a lab started with {@code core} plus one feature has every
 * bundle active (the launcher refuses to start otherwise), and a backend feature with {@code core} and
 * {@code analysis} analyzes a model of its format, matching the independent PyTorch run. ND4J's lab holds no bundle
 * that imports DJL: ND4J does not pull libtorch.
 */
class FeatureAloneIT {

    static final Path MODELS = Path.of(System.getProperty("latentlab.it.models"));
    static final Path DIST = Path.of(System.getProperty("latentlab.distribution"));

    static Lab start(String testName, String command, String... features) throws Exception {
        Path home = Files.createTempDirectory(Files.createDirectories(Path.of(System.getProperty("latentlab.it.work"))),
                testName + "-");
        Files.createDirectories(home.resolve("plugins"));
        Lab lab = Lab.start(new LabConfig(home, DIST, List.of(features), command, 200, false, Map.of()));
        lab.awaitSettled(LabFixture.TIMEOUT);
        return lab;
    }

    static Stream<String> features() throws Exception {
        try (Stream<Path> s = Files.list(DIST.resolve("features"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length())).filter(n -> !n.equals("core")).sorted().toList()
                    .stream();
        }
    }

    @ParameterizedTest(name = "core + {0}")
    @MethodSource("features")
    void everyFeatureStartsWithCoreAlone(String feature) throws Exception {
        try (Lab lab = start("alone-" + feature, "services", "core", feature)) {
            // every bundle resolves, also those of later start levels (the Gogo console starts only for 'shell')
            Bundle system = lab.context().getBundle(0);
            assertTrue(system.adapt(FrameworkWiring.class).resolveBundles(null), "every bundle of core + " + feature + " resolves");
            int level = system.adapt(FrameworkStartLevel.class).getStartLevel();
            for (Bundle b : lab.context().getBundles()) {
                boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
                if (!fragment && b.adapt(BundleStartLevel.class).getStartLevel() <= level) {
                    assertEquals(Bundle.ACTIVE, b.getState(), b.getSymbolicName() + " in core + " + feature);
                }
            }
        }
    }

    @ParameterizedTest(name = "core + analysis + {0} analyzes {1}")
    @CsvSource({
            "onnx,        memorizer,             layers onnx torchscript",
            "torchscript, memorizer-torchscript, layers onnx torchscript",
            "nd4j,        memorizer-nd4j,        nd4j"})
    void eachBackendFeatureAnalyzesWithCoreAndAnalysisOnly(String feature, String folder, String backends) throws Exception {
        try (Lab lab = start("backend-" + feature, "analyze", "core", "analysis", feature)) {
            assertEquals(new TreeSet<>(Arrays.asList(backends.split(" "))), backendIds(lab), "backends of core + analysis + " + feature);
            if (feature.equals("nd4j")) { // ND4J does not pull libtorch: no DJL backend, nothing of the feature imports DJL
                for (Bundle b : lab.context().getBundles()) {
                    assertTrue(!b.getLocation().contains("latentlab-backend-djl"), b.getLocation() + " in the ND4J lab");
                    if (b.getLocation().contains("latentlab-layerstack") || b.getLocation().contains("latentlab-backend-nd4j")) {
                        String imports = b.getHeaders().get(Constants.IMPORT_PACKAGE);
                        assertTrue(!imports.contains("ai.djl"), b.getSymbolicName() + " imports DJL");
                    }
                }
                assertEquals(2, Arrays.stream(lab.context().getBundles()).filter(b -> b.getLocation().contains("latentlab-layerstack")
                        || b.getLocation().contains("latentlab-backend-nd4j")).count(), "the nd4j feature's bundles are installed");
            }
            Path out = lab.config().home().resolve("out");
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            int rc = lab.run("analyze", List.of("--model", MODELS.resolve(folder).toString(), "--seeds",
                    MODELS.resolve("memorizer/seeds.npy").toString(), "--out", out.toString(), "--quiet"),
                    new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));
            assertEquals(0, rc, () -> "analyze with " + feature + " failed: " + stderr.toString(StandardCharsets.UTF_8));
            AnalyzeIT.assertMatchesReference(MODELS.resolve("memorizer"), out, folder + " with " + feature + " alone",
                    stdout.toString(StandardCharsets.UTF_8));
        }
    }

    /** The latentlab.id of every registered model backend. */
    static Set<String> backendIds(Lab lab) throws Exception {
        // getAll: this test JVM's class path also holds the api jar, which would fail the class-space check
        ServiceReference<?>[] refs = lab.context().getAllServiceReferences("org.latentlab.api.model.ModelBackend", null);
        return refs == null ? Set.of() : Arrays.stream(refs).map(r -> String.valueOf(r.getProperty("latentlab.id")))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
