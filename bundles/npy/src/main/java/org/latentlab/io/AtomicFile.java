package org.latentlab.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes one file under a temporary name in the same folder and renames it into place, so a reader
 * never sees half a file and a failed write leaves the old file (if any) as it was. It replaces
 * {@code file} when it exists: write only where the caller owns the file, e.g. into the staging
 * folder of an {@link OutputFolder}.
 */
public final class AtomicFile {

    /** Writes the content of a file; the stream is buffered and closed by {@link AtomicFile}. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFile() {}

    /** Writes {@code file} (its folder is created when missing) and returns it. */
    public static Path write(Path file, Content content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            readableByAll(tmp);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                content.writeTo(out);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return file;
    }

    /** Writes text as UTF-8. */
    public static Path writeString(Path file, CharSequence text) throws IOException {
        return write(file, out -> out.write(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** Temporary files are created owner-only; results are ordinary files (rw-r--r--). */
    static void readableByAll(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX file system: keep its default
        }
    }
}
