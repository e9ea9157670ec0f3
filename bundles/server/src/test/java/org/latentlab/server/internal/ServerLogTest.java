package org.latentlab.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerLogTest {

    @TempDir
    Path tmp;

    @Test
    void logsUnderOrgLatentlabGoToTheFileAndRotate() throws IOException {
        ServerLog log = ServerLog.install(tmp.resolve("logs"), 8000);
        try {
            Logger l = Logger.getLogger("org.latentlab.server.test");
            l.warning("first line");
            l.log(java.util.logging.Level.SEVERE, "with a cause", new IllegalStateException("boom"));
            assertTrue(Files.readString(log.file()).contains("WARNING org.latentlab.server.test: first line"));
            assertTrue(Files.readString(log.file()).contains("java.lang.IllegalStateException: boom"), "stack traces go to the file");
            for (int i = 0; i < 800; i++) {
                l.info("line " + i + " " + "x".repeat(40));
            }
        } finally {
            log.close();
        }
        Path dir = tmp.resolve("logs");
        assertTrue(Files.size(dir.resolve("server.log")) <= 8000);
        assertTrue(Files.exists(dir.resolve("server.log.1")) && Files.exists(dir.resolve("server.log.3")));
        assertFalse(Files.exists(dir.resolve("server.log.4")), "at most " + ServerLog.KEEP + " older files");
        assertTrue(Files.readString(dir.resolve("server.log")).contains("line 799"));
        assertEquals(true, Logger.getLogger("org.latentlab").getUseParentHandlers(), "closing restores the console");
    }
}
