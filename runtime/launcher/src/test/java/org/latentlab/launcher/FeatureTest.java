package org.latentlab.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureTest {

    @TempDir
    Path dir;

    @Test
    void readsBundlesWithStartOrderAndBothIdForms() throws IOException {
        Path f = dir.resolve("core.json");
        Files.writeString(f, """
                {"feature-resource-version": "1.0", "id": "org.latentlab:core:json:1.0", "name": "Core",
                 "bundles": [ {"id": "org.apache.felix:org.apache.felix.scr:2.2.18", "start-order": "1"},
                              "g.h:art:jar:linux:3.0" ]}
                """);
        Feature feature = Feature.read(f);
        assertEquals("Core", feature.name());
        assertEquals(2, feature.bundles().size());
        Feature.Artifact scr = feature.bundles().get(0);
        assertEquals(1, scr.startOrder());
        assertEquals(Path.of("repo/org/apache/felix/org.apache.felix.scr/2.2.18/org.apache.felix.scr-2.2.18.jar"),
                scr.in(Path.of("repo")));
        Feature.Artifact classified = feature.bundles().get(1);
        assertEquals("linux", classified.classifier());
        assertEquals(Path.of("r/g/h/art/3.0/art-3.0-linux.jar"), classified.in(Path.of("r")));
        assertNull(scr.classifier());
    }

    @Test
    void badFilesAreReportedWithTheirName() throws IOException {
        Path notJson = dir.resolve("broken.json");
        Files.writeString(notJson, "{ not json");
        IOException e1 = assertThrows(IOException.class, () -> Feature.read(notJson));
        assertTrue(e1.getMessage().contains("broken.json"), e1.getMessage());

        Path badId = dir.resolve("badid.json");
        Files.writeString(badId, "{\"id\": \"x:y:1\", \"bundles\": [\"only:two\"]}");
        IOException e2 = assertThrows(IOException.class, () -> Feature.read(badId));
        assertTrue(e2.getMessage().contains("only:two"), e2.getMessage());

        Path noId = dir.resolve("noid.json");
        Files.writeString(noId, "{\"bundles\": []}");
        assertTrue(assertThrows(IOException.class, () -> Feature.read(noId)).getMessage().contains("no \"id\""));
    }
}
