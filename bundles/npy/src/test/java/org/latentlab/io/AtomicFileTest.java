package org.latentlab.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {

    @TempDir
    Path dir;

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws Exception {
        Path f = AtomicFile.writeString(dir.resolve("sub/a.txt"), "old");
        assertThrows(IOException.class, () -> AtomicFile.write(f, out -> {
            out.write("half".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(f));
        AtomicFile.writeString(f, "new");
        assertEquals("new", Files.readString(f));
        try (Stream<Path> s = Files.list(f.getParent())) {
            assertEquals(1, s.count(), "no temporary files left");
        }
        assertTrue(Files.getPosixFilePermissions(f).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ));
    }

    @Test
    void ioErrorsSayWhatWentWrong() {
        assertEquals("/x/y: no such file or folder", IoErrors.describe(new NoSuchFileException("/x/y")));
        assertEquals("/x/y: not a directory", IoErrors.describe(new java.nio.file.FileSystemException("/x/y", null, "Not a directory")));
        assertEquals("/x: read-only file system", IoErrors.describe(new java.nio.file.FileSystemException("/x", null, "Read-only file system")));
        assertEquals("disk full", IoErrors.describe(new IOException("disk full")));
    }
}
