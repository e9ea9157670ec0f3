package org.latentlab.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.felix.framework.Logger;
import org.junit.jupiter.api.Test;

/** Felix's error log reaches the terminal as one line per message, with the causes but never a stack trace. */
class FrameworkLogTest {

    @Test
    void anErrorWithACauseIsOneLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FrameworkLog log = new FrameworkLog(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        log.setLogLevel(Logger.LOG_ERROR);
        // the path Felix takes for an activator that fails when a refresh restarts its bundle (no caller to throw to)
        log.log((org.osgi.framework.Bundle) null, Logger.LOG_ERROR, "Error starting bundle bad-activator [44]",
                new RuntimeException("activator failed", new ClassNotFoundException("org.example.NoSuchActivator not found")));
        log.log((org.osgi.framework.Bundle) null, Logger.LOG_WARNING, "below the level: not printed", null);
        String out = bytes.toString(StandardCharsets.UTF_8).replace("\r", "");
        assertEquals(1, out.lines().count(), out);
        assertTrue(out.startsWith("latentlab: Error starting bundle bad-activator [44]"), out);
        assertTrue(out.strip().endsWith("activator failed: org.example.NoSuchActivator not found"), out);
        assertFalse(out.contains("\tat "), "no stack trace: " + out);
    }
}
