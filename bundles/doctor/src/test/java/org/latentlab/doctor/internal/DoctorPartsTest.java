package org.latentlab.doctor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleException;

class DoctorPartsTest {

    @TempDir
    Path dir;

    @Test
    void fileInstallMessagesAreTiedToThePluginFileTheyNameAndItsCurrentContent() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path jar = Files.write(plugins.resolve("my plugin.jar"), new byte[] {1});
        FailureLog log = new FailureLog(plugins, () -> { });
        assertEquals("x.jar", log.fileNameIn("Failed to install artifact: " + plugins + "/x.jar"));
        assertEquals("my plugin.jar", log.fileNameIn("Error while starting bundle: " + jar.toFile().toURI()));
        assertNull(log.fileNameIn("Failed to install artifact: " + dir.resolve("etc/x.cfg")));

        LogRecord r = new LogRecord(Level.WARNING, "Error while starting bundle: " + jar.toFile().toURI());
        r.setThrown(new BundleException("Activator start error in bundle p [7].", new IllegalStateException("boom")));
        log.publish(r);
        long size = Files.size(jar);
        long modified = Files.getLastModifiedTime(jar).toMillis();
        FailureLog.Failure f = log.current("my plugin.jar", size, modified).orElseThrow();
        assertEquals(FailureLog.Kind.START, f.kind());
        assertEquals("Activator start error in bundle p [7].: boom", f.reason());
        assertTrue(log.current("my plugin.jar", size + 1, modified).isEmpty(), "a changed file has no old failure");
    }

    @Test
    void oneLineHasTheCausesAndNoLineBreaks() {
        String s = Problems.oneLine(new RuntimeException("outer\nsecond line", new IOException("inner")));
        assertEquals("outer second line: inner", s);
        assertEquals("NullPointerException", Problems.oneLine(new NullPointerException()));
    }

    @Test
    void aDatabaseThatIsNotH2FailsAndAnAbsentOneIsFine() throws IOException {
        DatabaseLocks none = new DatabaseLocks(dir.resolve("no-proc-locks"));
        assertEquals(Check.Verdict.OK, HomeChecks.database(dir, none).verdict());
        Files.createDirectories(dir.resolve("server"));
        Files.writeString(dir.resolve("server/lab.mv.db"), "garbage garbage");
        Check c = HomeChecks.database(dir, none);
        assertEquals(Check.Verdict.FAIL, c.verdict());
        assertTrue(c.detail().contains("is not an H2 database file"), c.detail());
        Files.writeString(dir.resolve("server/lab.mv.db"), "H:2,blockSize:1000,created:1a2,format:3\n");
        c = HomeChecks.database(dir, none);
        assertEquals(Check.Verdict.OK, c.verdict());
        assertTrue(c.detail().contains("not in use"), c.detail());
    }

    @Test
    void theProcessHoldingTheDatabaseComesFromProcLocks() throws IOException {
        Path db = Files.writeString(dir.resolve("lab.mv.db"), "H:2,");
        Object ino = Files.getAttribute(db, "unix:ino");
        Path locks = Files.writeString(dir.resolve("locks"), "1: POSIX  ADVISORY  WRITE 4242 fe:00:1 0 EOF\n"
                + "2: POSIX  ADVISORY  WRITE 31337 fe:00:" + ino + " 0 EOF\n");
        assertEquals("process 31337", new DatabaseLocks(locks).holder(db));
        assertNull(new DatabaseLocks(Files.writeString(dir.resolve("empty"), "")).holder(db));
    }

    @Test
    void aDataFolderBelowAFileIsNotWritable() throws IOException {
        // writable before (OK, or WARN / FAIL only for the machine's free space, which this test does not control)
        assertTrue(HomeChecks.dataFolder(dir).detail().contains(": writable, "), HomeChecks.dataFolder(dir).detail());
        Files.writeString(dir.resolve("jobs"), "a file where the jobs folder should be");
        Check c = HomeChecks.dataFolder(dir);
        assertEquals(Check.Verdict.FAIL, c.verdict());
        assertTrue(c.detail().contains("jobs is a file, not a folder"), c.detail());
        assertEquals(Check.Verdict.FAIL, HomeChecks.dataFolder(dir.resolve("jobs").resolve("sub")).verdict());
    }

    @Test
    void anEngineThatHangsOrFailsGivesALineNotAHang() {
        Check hang = EngineChecks.probe("Stuck", Duration.ofMillis(200), () -> {
            Thread.sleep(60_000);
            return "never";
        });
        assertEquals(Check.Verdict.WARN, hang.verdict());
        assertTrue(hang.detail().contains("did not load within"), hang.detail());
        Check broken = EngineChecks.probe("Broken", Duration.ofSeconds(10), () -> {
            throw new UnsatisfiedLinkError("libbroken.so: cannot open shared object file");
        });
        assertEquals(Check.Verdict.FAIL, broken.verdict());
        assertTrue(broken.detail().contains("libbroken.so"), broken.detail());
        assertEquals(Check.Verdict.OK, EngineChecks.probe("Fine", Duration.ofSeconds(10), () -> "1.0").verdict());
    }
}
