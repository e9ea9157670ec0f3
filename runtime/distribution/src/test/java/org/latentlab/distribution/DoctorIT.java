package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@code latentlab doctor}: one OK / WARN / FAIL line per check, exit 1 exactly when something failed. */
class DoctorIT {

    static final String SAMPLE = PluginTestJars.SAMPLE;

    @Test
    void aHealthyLabPassesEveryCheckIncludingTheNativeEngines() throws Exception {
        Path home = LauncherScriptIT.freshHome("doctor-ok");
        Files.createDirectories(home.resolve("plugins"));
        Files.copy(LabFixture.pluginJar(SAMPLE), home.resolve("plugins").resolve(SAMPLE + ".jar"));

        LauncherScriptIT.Result r = LauncherScriptIT.latentlab(home, "doctor");
        assertEquals(0, r.code(), r.out() + r.err());
        assertLine(r.out(), "OK", "java");
        assertLine(r.out(), "OK", "data folder", home.toString(), "writable", "free");
        assertLine(r.out(), "OK", "database", "none yet");
        assertLine(r.out(), "OK", "plugin", SAMPLE + ".jar", "active");
        assertLine(r.out(), "OK", "engine", "PyTorch");
        assertLine(r.out(), "OK", "engine", "OnnxRuntime");
        assertLine(r.out(), "OK", "engine", "ND4J");
        assertTrue(r.out().lines().noneMatch(l -> l.startsWith("FAIL") || l.startsWith("WARN")), r.out());
        assertTrue(r.out().contains("doctor: all checks passed"), r.out());
        assertTrue(r.err().lines().noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception")), r.err());
    }

    @Test
    void aCorruptPluginAndACorruptDatabaseFailByNameWithoutAStackTrace() throws Exception {
        Path home = LauncherScriptIT.freshHome("doctor-broken");
        Path plugins = Files.createDirectories(home.resolve("plugins"));
        PluginTestJars.Bad random = new PluginTestJars(Files.createTempDirectory(home, "jars-")).randomBytes();
        Files.copy(random.jar(), plugins.resolve(random.fileName()));
        byte[] garbage = new byte[8192];
        new Random(7).nextBytes(garbage);
        Files.write(Files.createDirectories(home.resolve("server")).resolve("lab.mv.db"), garbage);

        LauncherScriptIT.Result r = LauncherScriptIT.latentlab(home, "doctor", "--no-engines");
        assertEquals(1, r.code(), r.out() + r.err());
        assertLine(r.out(), "FAIL", "plugin", random.fileName(), random.reason(), "remove it");
        assertLine(r.out(), "FAIL", "database", "lab.mv.db", "is not an H2 database file", "move it aside");
        assertLine(r.out(), "OK", "data folder");
        assertTrue(r.out().lines().noneMatch(l -> l.contains("engine")), "--no-engines: " + r.out());
        assertTrue(r.out().contains("doctor: 2 check(s) failed"), r.out());
        assertTrue((r.out() + r.err()).lines().noneMatch(l -> l.startsWith("\tat ")), r.out() + r.err());
        assertTrue(Files.isRegularFile(home.resolve("server/lab.mv.db")), "doctor touches nothing");
    }

    @Test
    void aDatabaseInUseIsReportedWithTheServerProcessHoldingIt() throws Exception {
        Path home = LauncherScriptIT.freshHome("doctor-serving");
        Path script = Path.of(System.getProperty("latentlab.distribution"), "bin", "latentlab");
        Path log = home.resolveSibling(home.getFileName() + ".serve.log");
        Process serve = new ProcessBuilder(script.toString(), "--home", home.toString(), "serve", "--port", "0")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            LabFixture.await("the server's token", () -> serve.isAlive() && read(log).contains("token:"));
            LauncherScriptIT.Result r = LauncherScriptIT.latentlab(home, "doctor", "--no-engines");
            assertEquals(0, r.code(), r.out() + r.err());
            assertLine(r.out(), "OK", "database", "lab.mv.db", "in use by process " + serve.pid());
        } finally {
            serve.destroy();
            serve.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        LauncherScriptIT.Result r = LauncherScriptIT.latentlab(home, "doctor", "--no-engines");
        assertLine(r.out(), "OK", "database", "lab.mv.db", "not in use");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    void badOptionsAreUsageErrors() throws Exception {
        try (LabFixture f = LabFixture.start("doctor-usage")) {
            LabFixture.Result r = f.runAny("doctor", "--timeout", "0");
            assertEquals(2, r.code());
            assertTrue(r.err().contains("--timeout must be at least 1 second"), r.err());
            assertEquals(2, f.runAny("doctor", "--frobnicate").code());
        }
    }

    /** A line that starts with the verdict and the subject and contains every word given. */
    static void assertLine(String out, String verdict, String subject, String... words) {
        assertTrue(out.lines().anyMatch(l -> l.startsWith(verdict + " ") && l.substring(6).startsWith(subject)
                && java.util.Arrays.stream(words).allMatch(l::contains)),
                () -> "no line '" + verdict + " " + subject + " ... " + String.join(" ... ", words) + "' in:\n" + out);
    }
}
