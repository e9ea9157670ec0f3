package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every capability of the default runtime is registered and listed: a component that fails to
 * activate (a reference cycle, a missing import) shows up here instead of as a missing option later.
 */
class DefaultServicesIT {

    @Test
    void theDefaultRuntimeRegistersEveryCapabilityAndCommand() throws Exception {
        try (LabFixture lab = LabFixture.start("services")) {
            Map<String, Set<String>> byKind = new TreeMap<>();
            for (String line : lab.run("services").lines().skip(1).toList()) {
                String[] cols = line.trim().split("\\s+");
                byKind.computeIfAbsent(cols[0], k -> new TreeSet<>()).add(cols[1]);
            }
            assertEquals(Set.of("layers", "nd4j", "onnx", "torchscript"), byKind.get("backend"));
            assertEquals(Set.of("anderson", "damped", "flow", "newton", "picard"), byKind.get("strategy"));
            assertEquals(Set.of("cosine", "dbscan", "euclidean"), byKind.get("clusterer"));
            assertEquals(Set.of("latent-field", "memorization", "sparsity"), byKind.get("metric"));
            assertEquals(Set.of("csv", "html", "json", "npy"), byKind.get("exporter"));
            assertEquals(Set.of("fashion-mnist", "mnist"), byKind.get("dataset"));
            assertEquals(Set.of("dataset", "gaussian", "grid", "noise-images", "uniform"), byKind.get("seeds"));
            assertEquals(Set.of("dictionary", "ood", "sweep"), byKind.get("experiment"));
            assertEquals(Set.of("local", "spark"), byKind.get("cell-executor"));
            assertEquals(Set.of("local", "spark"), byKind.get("part-executor"));
            assertEquals(Set.of("code-sparsity", "end-to-attractor", "field-norm", "knn", "nearest", "path-length", "reconstruction",
                    "start-to-attractor", "trajectory"), byKind.get("ood-score"));
            assertEquals(Set.of("analyze", "demo", "dictionary", "doctor", "experiment", "field", "ood", "serve", "services", "sweep", "train"),
                    lab.lab.subcommands().keySet(), "sweep-cell (what a Spark task runs) is hidden");
            assertTrue(lab.lab.awaitSubcommand("sweep-cell", java.time.Duration.ZERO).isPresent(), "and registered");
            assertTrue(lab.lab.awaitSubcommand("analyze-part", java.time.Duration.ZERO).isPresent(), "analyze-part too");
        }
    }
}
