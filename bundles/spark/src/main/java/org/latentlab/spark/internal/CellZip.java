package org.latentlab.spark.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.latentlab.io.OutputFolder;

/** Unpacks a cell folder that came back from a Spark task (the driver's zip) into a folder of this machine. */
final class CellZip {

    private CellZip() {}

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
