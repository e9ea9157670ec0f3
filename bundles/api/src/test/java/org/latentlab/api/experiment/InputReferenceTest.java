package org.latentlab.api.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.latentlab.api.LatentLabException;

class InputReferenceTest {

    @Test
    void dataSetReferencesNameASplitAndARange() {
        InputReference all = InputReference.parse("mnist:test");
        assertEquals("mnist", all.dataset());
        assertEquals("test", all.split());
        assertEquals(-1, all.count());
        InputReference first = InputReference.parse("mnist:test:1000");
        assertEquals(0, first.from());
        assertEquals(1000, first.to());
        assertEquals(1000, first.count());
        InputReference range = InputReference.parse("fashion-mnist:test:1000:2000");
        assertEquals(1000, range.from());
        assertEquals(2000, range.to());
        assertEquals("fashion-mnist:test:1000:2000", range.toString());
        assertEquals("mnist:test:1000", first.toString());
        assertNull(range.file());
    }

    @Test
    void npyFilesAndPathsAreFiles() {
        InputReference f = InputReference.parse("inputs.npy");
        assertTrue(f.isFile());
        assertEquals(Path.of("inputs.npy").toAbsolutePath(), f.file());
        assertTrue(InputReference.parse("/data/x:y").isFile(), "a path with a separator is a file even with colons");
    }

    @Test
    void badReferencesAreRefusedWithTheText() {
        for (String bad : new String[] {"", "mnist", "mnist:", ":test", "mnist:test:x", "mnist:test:0", "mnist:test:5:5",
                "mnist:test:-1:4", "a:b:1:2:3"}) {
            LatentLabException e = assertThrows(LatentLabException.class, () -> InputReference.parse(bad), bad);
            assertTrue(bad.isEmpty() ? e.getMessage().startsWith("no inputs given") : e.getMessage().contains("'" + bad + "'"),
                    e.getMessage());
        }
    }

    @Test
    void experimentRequestsNeedAnIdAndAnOutFolderAndDropNullParameters() {
        ExperimentRequest r = ExperimentRequest.builder("ood").model(Path.of("m")).param("steps", "100").param("knn", null)
                .out(Path.of("o")).build();
        assertEquals(Path.of("m").toAbsolutePath(), r.modelFolder());
        assertEquals(java.util.Map.of("steps", "100"), r.params());
        assertEquals("no output folder given", assertThrows(LatentLabException.class,
                () -> ExperimentRequest.builder("ood").build()).getMessage());
        assertEquals("no experiment given", assertThrows(LatentLabException.class,
                () -> ExperimentRequest.builder(" ").out(Path.of("o")).build()).getMessage());
    }
}
