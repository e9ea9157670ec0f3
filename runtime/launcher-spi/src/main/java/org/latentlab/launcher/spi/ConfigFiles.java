package org.latentlab.launcher.spi;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a configuration came from: FileInstall, which turns the {@code .cfg} files of {@code DATA/etc} into
 * ConfigAdmin configurations, stores the file's URL in each under {@value #ORIGIN}. A file deleted while no lab ran
 * leaves its configuration stored in {@code DATA/config}, still applied at the next start; the files are what the user
 * sees and edits, so such a configuration is stale and must go (the doctor bundle removes them as a lab starts).
 */
public final class ConfigFiles {

    /** The property FileInstall writes into each configuration it made from a file. */
    public static final String ORIGIN = "felix.fileinstall.filename";

    private ConfigFiles() {}

    /** The file a configuration with this {@link #ORIGIN} value came from, or null when it came from none. */
    public static Path file(Object origin) {
        if (origin == null || "null".equals(origin)) {
            return null;
        }
        String s = String.valueOf(origin);
        try {
            return s.startsWith("file:") ? Path.of(URI.create(s)) : Path.of(s);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** True for a configuration (its properties) that came from a file which no longer exists. */
    public static boolean stale(Map<String, ?> properties) {
        Path file = properties == null ? null : file(properties.get(ORIGIN));
        return file != null && !Files.exists(file);
    }
}
