package org.latentlab.spark.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.latentlab.io.OutputFolder;

/**
 * Unpacks a cell or part folder that came back from a Spark task (the driver's zip) into a folder of this machine, and
 * packs a model folder that goes to the executors.
 */
final class CellZip {

    private CellZip() {}

    /**
     * Zips the regular files under {@code dir} (links followed), names relative with '/', sorted.
     *
     * @return the bytes of the files zipped
     */
    static long pack(Path dir, Path zip) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        long bytes = 0;
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (Path f : files) {
                out.putNextEntry(new ZipEntry(dir.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/")));
                bytes += Files.copy(f, out);
                out.closeEntry();
            }
        }
        return bytes;
    }

    /** The bytes of the regular files under {@code dir} (links followed). */
    static long size(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
            long total = 0;
            for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                total += Files.size(f);
            }
            return total;
        }
    }

    /**
     * Writes the files of {@code zip} under {@code into}. Names must be plain relative paths ('/' separators, no
     * '..', no absolute or empty parts): anything else is refused, so a zip cannot write outside its folder. The
     * worker's output marker is left out: the folder gets this machine's when it is published.
     *
     * @return the number of files written
     */
    static int unpack(InputStream zip, Path into) throws IOException {
        int files = 0;
        try (ZipInputStream in = new ZipInputStream(zip)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                String name = e.getName();
                if (!plain(name)) {
                    throw new IOException("the cell's zip holds the entry '" + name + "', which is not a plain relative path");
                }
                if (e.isDirectory() || name.equals(OutputFolder.MARKER)) {
                    continue;
                }
                Path f = into.resolve(name);
                Files.createDirectories(f.getParent());
                Files.copy(in, f);
                files++;
            }
        }
        return files;
    }

    static boolean plain(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.contains("\0")) {
            return false;
        }
        String n = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        for (String part : n.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        return true;
    }
}
