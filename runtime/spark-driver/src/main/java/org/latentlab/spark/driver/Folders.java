package org.latentlab.spark.driver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** A cell folder as the bytes of a zip (regular files, names relative with '/'), a shared zip unpacked, and cleaning up. */
final class Folders {

    private Folders() {}

    /** The regular files under {@code dir}, sorted, as a zip. Links and other special files are left out. */
    static byte[] zip(Path dir) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Path f : files) {
                String name = dir.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
                ZipEntry e = new ZipEntry(name);
                e.setTime(Files.getLastModifiedTime(f).toMillis());
                zip.putNextEntry(e);
                Files.copy(f, zip);
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /**
     * Writes the files of {@code zip} under {@code into}. Names must be plain relative paths ('/' separators, no '..', no
     * absolute or empty parts): anything else is refused, so a zip cannot write outside its folder.
     */
    static void unzip(Path zip, Path into) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                String name = e.getName();
                String n = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
                if (n.isEmpty() || n.startsWith("/") || n.contains("\\") || List.of(n.split("/", -1)).stream()
                        .anyMatch(p -> p.isEmpty() || p.equals(".") || p.equals(".."))) {
                    throw new IOException(zip + " holds the entry '" + name + "', which is not a plain relative path");
                }
                Path f = into.resolve(n);
                if (e.isDirectory()) {
                    Files.createDirectories(f);
                } else {
                    Files.createDirectories(f.getParent());
                    Files.copy(in, f);
                }
            }
        }
    }

    /** Deletes {@code dir} and everything in it; quietly gives up on what cannot be deleted. */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a temporary folder
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }
}
