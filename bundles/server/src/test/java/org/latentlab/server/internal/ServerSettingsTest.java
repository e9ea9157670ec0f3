package org.latentlab.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerSettingsTest {

    static final Path HOME = Path.of("/data/lab");

    @Test
    void defaultsWithoutConfiguration() {
        ServerSettings s = ServerSettings.from(Map.of(), HOME);
        assertEquals(List.of(HOME.resolve("models"), HOME.resolve("data")), s.modelRoots());
        assertEquals(8, s.maxQueuedJobs());
        assertEquals(1 << 20, s.maxRequestBytes());
        assertTrue(s.problems().isEmpty());
    }

    @Test
    void valuesAsFileInstallGivesThem() {
        ServerSettings s = ServerSettings.from(Map.of("modelRoots", "/a, /b/c", "maxQueuedJobs", "3", "maxRequestBytes", "64k"), HOME);
        assertEquals(List.of(Path.of("/a"), Path.of("/b/c")), s.modelRoots());
        assertEquals(3, s.maxQueuedJobs());
        assertEquals(64 * 1024, s.maxRequestBytes());
        assertEquals(2 * 1024 * 1024, ServerSettings.from(Map.of("maxRequestBytes", 2097152L), HOME).maxRequestBytes());
    }

    @Test
    void aBadValueIsReportedNamingFileKeyAndValueAndItsDefaultApplies() {
        ServerSettings s = ServerSettings.from(Map.of("maxQueuedJobs", "abc", "maxRequestBytes", "0",
                "felix.fileinstall.filename", "file:/data/lab/etc/org.latentlab.server.cfg"), HOME);
        assertEquals(8, s.maxQueuedJobs());
        assertEquals(1 << 20, s.maxRequestBytes());
        assertEquals(2, s.problems().size(), s.problems().toString());
        assertEquals("/data/lab/etc/org.latentlab.server.cfg: maxQueuedJobs = 'abc' is not a whole number; using 8", s.problems().get(0));
        assertTrue(s.problems().get(1).contains("maxRequestBytes = 0 is outside 1024.."), s.problems().get(1));
    }
}
