package org.latentlab.engine.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.LatentLabException;

/** {@code analyze --seeds out/endpoints.npy --out out}: the run would replace its own seeds. */
class SeedsInOutputTest {

    @TempDir
    Path dir;

    private Path earlierOutput() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve(".latentlab-output.json"), "{\"format\": \"latentlab-output/1\", \"kind\": \"analysis\", "
                + "\"files\": [\"endpoints.npy\", \"labels.npy\", \"result.json\"], \"complete\": true, \"created\": \"x\"}");
        Files.write(out.resolve("endpoints.npy"), new byte[] {1});
        Files.write(out.resolve("my-seeds.npy"), new byte[] {2}); // the user's own file in it: this run keeps it
        return out;
    }

    @Test
    void aFileOfTheEarlierOutputIsRefusedAsSeeds() throws Exception {
        Path out = earlierOutput();
        LatentLabException e = assertThrows(LatentLabException.class,
                () -> DefaultAnalysisEngine.checkNotReplaced(out.resolve("endpoints.npy"), out));
        assertTrue(e.getMessage().startsWith("seed file " + out.resolve("endpoints.npy") + " is a file of the earlier output in "
                + out + ", which this run replaces"), e.getMessage());
        // the same file by another path
        Path link = Files.createSymbolicLink(dir.resolve("seeds-link.npy"), out.resolve("endpoints.npy"));
        assertThrows(LatentLabException.class, () -> DefaultAnalysisEngine.checkNotReplaced(link, dir.resolve("./out")));
    }

    @Test
    void otherSeedFilesAreFine() throws Exception {
        Path out = earlierOutput();
        DefaultAnalysisEngine.checkNotReplaced(out.resolve("my-seeds.npy"), out); // not LatentLab's: it stays
        Path elsewhere = Files.write(dir.resolve("seeds.npy"), new byte[] {3});
        DefaultAnalysisEngine.checkNotReplaced(elsewhere, out);
        DefaultAnalysisEngine.checkNotReplaced(out.resolve("endpoints.npy"), dir.resolve("new-out")); // a new folder
    }
}
