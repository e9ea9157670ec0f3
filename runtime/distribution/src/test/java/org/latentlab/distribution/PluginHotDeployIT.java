package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;

/**
 * Plugins are jar files in the watched folder of a running lab: copied in they are used, deleted
 * they are gone, replaced they are updated in place, and nothing else is disturbed.
 */
class PluginHotDeployIT {

    static final String METRIC = "org.latentlab.api.metric.Metric";
    static final String SAMPLE = "latentlab-sample-path-length-metric";

    @Test
    void copiedPluginIsRegisteredAndUsedByConsumersThenRemovedCleanly() throws Exception {
        try (LabFixture f = LabFixture.start("deploy", "latentlab-it-probe")) {
            assertFalse(servicesList(f).contains("path-length")); // metrics only: an OOD score has that id too
            assertFalse(f.run("probe-metrics").contains("path-length"));
            long coreBundlesActive = activeCount(f);

            f.deploy(LabFixture.pluginJar(SAMPLE), SAMPLE + ".jar");
            LabFixture.await("path-length metric registered", () -> f.service(METRIC, "path-length").isPresent());
            // the registry shows a new service a moment before every listener (the catalog) has bound it
            LabFixture.await("path-length in the catalog", () -> servicesList(f).contains("path-length"));

            // Seen by the catalog (a consumer with dynamic references) and usable through it.
            String listing = f.run("services", "--kind", "metric", "--params");
            assertTrue(listing.contains("path-length"), listing);
            assertTrue(listing.contains("quantile"), listing);
            String result = f.run("probe-metrics");
            assertTrue(result.contains("path-length"), result);
            assertTrue(result.contains("meanPathLength=2.5"), result); // mean of 1, 2, 3, 4

            Files.delete(f.plugins().resolve(SAMPLE + ".jar"));
            LabFixture.await("path-length metric gone", () -> f.service(METRIC, "path-length").isEmpty());
            LabFixture.await("sample bundle uninstalled", () -> f.bundles(SAMPLE).isEmpty());

            assertFalse(servicesList(f).contains("path-length")); // metrics only: an OOD score has that id too
            assertFalse(f.run("probe-metrics").contains("path-length"));
            assertEquals(coreBundlesActive, activeCount(f), "removing a plugin stopped another bundle");
        }
    }

    @Test
    void pluginReplacedThreeTimesInARowIsUpdatedInPlaceAndKeepsWorking() throws Exception {
        try (LabFixture f = LabFixture.start("update", "latentlab-it-probe", SAMPLE)) {
            assertTrue(f.service(METRIC, "path-length").isPresent());
            long bundleId = f.bundles(SAMPLE).get(0).getBundleId();
            for (int i = 1; i <= 3; i++) {
                String version = "7.0." + i;
                Path variant = f.withVersion(LabFixture.pluginJar(SAMPLE), version);
                f.deploy(variant, SAMPLE + ".jar");
                LabFixture.await("metric served by version " + version, () -> f.service(METRIC, "path-length")
                        .map(r -> r.getBundle() != null && r.getBundle().getVersion().toString().equals(version)).orElse(false));
                // the registry shows a new service a moment before every listener (the catalog) has bound it
                LabFixture.await("the catalog serves version " + version, () -> servicesList(f).lines()
                        .anyMatch(l -> l.contains("path-length") && l.contains(" " + version + " ")));

                assertEquals(1, f.bundles(SAMPLE).size(), "an update must not install a second copy");
                assertEquals(bundleId, f.bundles(SAMPLE).get(0).getBundleId(), "updated in place");
                String result = f.run("probe-metrics");
                assertTrue(result.contains("path-length " + version + " "), result);
                assertTrue(result.contains("meanPathLength=2.5"), result);
                String listing = f.run("services", "--kind", "metric");
                assertEquals(1, listing.lines().filter(l -> l.contains("path-length")).count(), listing);
            }
        }
    }

    static String servicesList(LabFixture f) {
        try {
            return f.run("services", "--kind", "metric");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long activeCount(LabFixture f) {
        return java.util.Arrays.stream(f.lab.context().getBundles())
                .filter(b -> b.getState() == Bundle.ACTIVE && !b.getSymbolicName().equals(SAMPLE)).count();
    }
}
