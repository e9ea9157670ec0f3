package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Plugins that cannot be used are listed by the server with their reason (GET /api/plugins, and the page). */
class ServerPluginsIT {

    static LabFixture lab;
    static ServerClient api;

    @BeforeAll
    static void start() throws Exception {
        lab = LabFixture.start("server-plugins", "latentlab-sample-path-length-metric");
        api = lab.serve(Path.of(System.getProperty("latentlab.it.models")));
    }

    @AfterAll
    static void stop() {
        lab.close();
    }

    @Test
    void aBrokenPluginIsListedWithItsReasonAndGoneWhenRemoved() throws Exception {
        LabFixture.await("the good plugin is active", () -> state("latentlab-sample-path-length-metric.jar").equals("active"));
        byte[] junk = new byte[2048];
        new java.util.Random(5).nextBytes(junk);
        Path tmp = Files.write(lab.home.resolve("junk.part"), junk);
        Files.move(tmp, lab.plugins().resolve("junk.jar"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        LabFixture.await("junk.jar listed as a problem", () -> state("junk.jar").equals("problem"));
        JsonNode junkEntry = entry("junk.jar");
        assertFalse(junkEntry.path("reason").asText().isBlank(), junkEntry.toString());
        assertEquals("active", state("latentlab-sample-path-length-metric.jar"), "the good plugin is unaffected");
        assertTrue(api.getWithoutToken("").body().contains("plugin-problems"), "the page has the section that shows them");

        Files.delete(lab.plugins().resolve("junk.jar"));
        LabFixture.await("junk.jar no longer listed", () -> state("junk.jar").isEmpty());
    }

    private static String state(String file) {
        JsonNode e = entry(file);
        return e == null ? "" : e.path("state").asText();
    }

    private static JsonNode entry(String file) {
        try {
            for (JsonNode n : api.get("api/plugins").json()) {
                if (n.path("file").asText().equals(file)) {
                    return n;
                }
            }
            return null;
        } catch (Exception e) {
            return null;
        }
    }
}
