package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.latentlab.launcher.spi.PluginFile;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;

/**
 * Plugin files the lab cannot use (random bytes, no manifest, a plain jar, a copy cut short, missing
 * imports, an activator that fails, a second copy of a plugin in use) are each logged once with the
 * reason, listed by {@code services} and by the PluginStatus service, and disturb nothing that works;
 * removing either of two copies of a plugin never leaves the lab without it.
 */
class PluginProblemsIT {

    static final String METRIC = PluginHotDeployIT.METRIC;
    static final String SAMPLE = PluginTestJars.SAMPLE;

    private final PrintStream originalErr = System.err;
    private final ByteArrayOutputStream errCopy = new ByteArrayOutputStream();

    @BeforeEach
    void teeStandardError() {
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                originalErr.write(b);
                synchronized (errCopy) {
                    errCopy.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                originalErr.write(b, off, len);
                synchronized (errCopy) {
                    errCopy.write(b, off, len);
                }
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStandardError() {
        System.setErr(originalErr);
    }

    private String stderr() {
        synchronized (errCopy) {
            return errCopy.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void everyBadPluginIsLoggedOnceAndListedWithItsReasonWhileTheGoodOneKeepsWorking() throws Exception {
        try (LabFixture f = LabFixture.start("problems", SAMPLE)) {
            ServiceReference<?> metric = f.service(METRIC, "path-length").orElseThrow();
            AtomicInteger metricUnregistered = countUnregistrations(f, "path-length");
            PluginTestJars jars = new PluginTestJars(Files.createTempDirectory(f.home, "jars-"));
            List<PluginTestJars.Bad> bad = List.of(jars.randomBytes(), jars.noManifest(), jars.plainJar(), jars.truncated(),
                    jars.unresolvable(), jars.badActivator());

            for (PluginTestJars.Bad b : bad) {
                f.deploy(b.jar(), b.fileName());
                LabFixture.await(b.fileName() + " listed as a problem", () -> problem(f, b.fileName()) != null);
                PluginFile p = problem(f, b.fileName());
                assertTrue(p.reason().contains(b.reason()), p.reason());

                String listing = f.run("services");
                String section = listing.substring(listing.indexOf("Plugin problems"));
                assertTrue(section.lines().anyMatch(l -> l.contains(b.fileName()) && l.contains(b.reason())), listing);
                assertTrue(listing.lines().anyMatch(l -> l.startsWith("metric") && l.contains("path-length")), listing);
            }
            String log = stderr();
            for (PluginTestJars.Bad b : bad) {
                List<String> lines = log.lines().filter(l -> l.contains("plugin " + b.fileName() + " is not used")).toList();
                assertEquals(1, lines.size(), "logged once: " + log);
                assertTrue(lines.get(0).contains(b.reason()), lines.get(0));
            }
            assertFalse(log.contains("\tat "), "no stack trace on the terminal: " + log);

            for (PluginTestJars.Bad b : bad) {
                Files.delete(f.plugins().resolve(b.fileName()));
            }
            LabFixture.await("no problems once the bad files are gone", () -> f.lab.pluginProblems().isEmpty());
            assertFalse(f.run("services").contains("Plugin problems"));
            LabFixture.await("the unresolvable bundle uninstalled", () -> f.bundles("latentlab-it-unresolvable").isEmpty());
            LabFixture.await("the bundle with the bad activator uninstalled", () -> f.bundles("latentlab-it-bad-activator").isEmpty());

            assertEquals(0, metricUnregistered.get(), "the good plugin's metric was never unregistered");
            assertEquals(metric.getProperty("service.id"), f.service(METRIC, "path-length").orElseThrow().getProperty("service.id"));
        }
    }

    @Test
    void aSecondCopyIsRefusedAndRemovingEitherCopyKeepsThePlugin() throws Exception {
        try (LabFixture f = LabFixture.start("copies", SAMPLE)) {
            String original = SAMPLE + ".jar";
            String copy = "copy-of-sample.jar";
            long bundleId = f.bundles(SAMPLE).get(0).getBundleId();
            Object serviceId = f.service(METRIC, "path-length").orElseThrow().getProperty("service.id");
            AtomicInteger unregistered = countUnregistrations(f, "path-length");

            // A second copy is refused, named, and leaves the bundle in use alone.
            f.deploy(LabFixture.pluginJar(SAMPLE), copy);
            LabFixture.await("the copy listed as a problem", () -> problem(f, copy) != null);
            assertTrue(problem(f, copy).reason().contains("second copy of " + SAMPLE), problem(f, copy).reason());
            assertTrue(problem(f, copy).reason().contains("from " + original), problem(f, copy).reason());
            assertTrue(stderr().contains("plugin " + copy + " is not used: a second copy"), stderr());
            assertEquals(List.of(bundleId), f.bundles(SAMPLE).stream().map(Bundle::getBundleId).toList(), "one bundle, not updated");

            // Removing the refused copy changes nothing.
            Files.delete(f.plugins().resolve(copy));
            LabFixture.await("the problem gone with the copy", () -> f.lab.pluginProblems().isEmpty());
            assertEquals(serviceId, f.service(METRIC, "path-length").orElseThrow().getProperty("service.id"));
            assertEquals(0, unregistered.get(), "removing the copy unregistered the metric");
            assertEquals(bundleId, f.bundles(SAMPLE).get(0).getBundleId());

            // Removing the copy in use: the other copy takes over from its own file.
            f.deploy(LabFixture.pluginJar(SAMPLE), copy);
            LabFixture.await("the copy refused again", () -> problem(f, copy) != null);
            Files.delete(f.plugins().resolve(original));
            LabFixture.await("the metric served from the remaining copy", () -> f.service(METRIC, "path-length")
                    .map(r -> r.getBundle() != null && r.getBundle().getLocation().endsWith("/" + copy)).orElse(false));
            LabFixture.await("no problem left", () -> f.lab.pluginProblems().isEmpty());
            LabFixture.await("path-length in the catalog again", () -> PluginHotDeployIT.servicesList(f).contains("path-length"));
            assertEquals(1, f.bundles(SAMPLE).size());

            // That copy is now managed like any plugin: replaced, it is updated in place; deleted, it is gone.
            long adopted = f.bundles(SAMPLE).get(0).getBundleId();
            f.deploy(f.withVersion(LabFixture.pluginJar(SAMPLE), "7.0.1"), copy);
            LabFixture.await("the copy updated to 7.0.1", () -> f.service(METRIC, "path-length")
                    .map(r -> r.getBundle() != null && r.getBundle().getVersion().toString().equals("7.0.1")).orElse(false));
            assertEquals(adopted, f.bundles(SAMPLE).get(0).getBundleId(), "updated in place");
            Files.delete(f.plugins().resolve(copy));
            LabFixture.await("the metric gone with the last copy", () -> f.service(METRIC, "path-length").isEmpty());
            LabFixture.await("its bundle uninstalled", () -> f.bundles(SAMPLE).isEmpty());
        }
    }

    @Test
    void twoCopiesPresentAtStartInstallTheFirstAndRefuseTheSecond() throws Exception {
        Path home = LauncherScriptIT.freshHome("copies-at-start");
        Path plugins = Files.createDirectories(home.resolve("plugins"));
        Files.copy(LabFixture.pluginJar(SAMPLE), plugins.resolve("a-sample.jar"));
        Files.copy(LabFixture.pluginJar(SAMPLE), plugins.resolve("b-sample.jar"));
        PluginTestJars jars = new PluginTestJars(Files.createTempDirectory(home, "jars-"));
        PluginTestJars.Bad random = jars.randomBytes();
        Files.copy(random.jar(), plugins.resolve(random.fileName()));

        LauncherScriptIT.Result r = LauncherScriptIT.latentlab(home, "services", "--kind", "metric");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("metric") && l.contains("path-length")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.contains("b-sample.jar") && l.contains("second copy") && l.contains("a-sample.jar")),
                r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.contains(random.fileName()) && l.contains(random.reason())), r.out());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("latentlab: plugin b-sample.jar is not used")).count(), r.err());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("latentlab: plugin random-bytes.jar is not used")).count(), r.err());
        assertTrue(r.err().lines().allMatch(l -> l.startsWith("latentlab: ")), "one line each, no stack trace: " + r.err());
    }

    private static PluginFile problem(LabFixture f, String fileName) {
        return f.lab.pluginProblems().stream().filter(p -> p.name().equals(fileName)).findFirst().orElse(null);
    }

    private static AtomicInteger countUnregistrations(LabFixture f, String id) throws Exception {
        AtomicInteger n = new AtomicInteger();
        ServiceListener l = e -> {
            if (e.getType() == ServiceEvent.UNREGISTERING) {
                n.incrementAndGet();
            }
        };
        f.lab.context().addServiceListener(l, "(&(objectClass=" + METRIC + ")(latentlab.id=" + id + "))");
        return n;
    }
}
