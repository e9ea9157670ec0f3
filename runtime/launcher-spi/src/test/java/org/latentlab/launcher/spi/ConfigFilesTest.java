package org.latentlab.launcher.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFilesTest {

    @Test
    void aConfigurationIsStaleOnlyWhenItsFileIsGone(@TempDir Path dir) throws Exception {
        Path cfg = Files.writeString(dir.resolve("org.latentlab.engine.cfg"), "modelBatch = 16384\n");
        Map<String, Object> fromFile = Map.of(ConfigFiles.ORIGIN, cfg.toUri().toString(), "modelBatch", "16384");
        assertEquals(cfg, ConfigFiles.file(cfg.toUri().toString()), "FileInstall's file: URL");
        assertEquals(cfg, ConfigFiles.file(cfg.toString()), "a plain path");
        assertFalse(ConfigFiles.stale(fromFile));
        Files.delete(cfg);
        assertTrue(ConfigFiles.stale(fromFile));
    }

    @Test
    void configurationsNotMadeFromAFileAreNeverStale() {
        assertFalse(ConfigFiles.stale(Map.of("modelBatch", "16384")), "set through ConfigAdmin, the web console or Gogo");
        assertFalse(ConfigFiles.stale(null));
        assertNull(ConfigFiles.file(null));
        assertNull(ConfigFiles.file("null"));
        assertNull(ConfigFiles.file("file:not a uri"), "unreadable: not stale");
    }
}
