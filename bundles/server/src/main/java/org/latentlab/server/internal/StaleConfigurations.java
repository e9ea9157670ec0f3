package org.latentlab.server.internal;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Removes configurations that came from a file in {@code DATA/etc} which no longer exists. FileInstall
 * removes a configuration when its file is deleted while a lab runs; a file deleted while none ran
 * left its configuration stored in {@code DATA/config}, still applied (a bad value kept failing the
 * server until a corrected file appeared). The .cfg files are what the user sees and edits, so they win.
 */
final class StaleConfigurations {

    static final String ORIGIN = "felix.fileinstall.filename";

    private StaleConfigurations() {}

    /** Deletes them; returns one line for each. */
    static List<String> remove(ConfigurationAdmin configAdmin) {
        List<String> removed = new ArrayList<>();
        try {
            Configuration[] all = configAdmin.listConfigurations("(" + ORIGIN + "=*)");
            for (Configuration c : all == null ? new Configuration[0] : all) {
                Object origin = c.getProperties() == null ? null : c.getProperties().get(ORIGIN);
                Path file = file(origin);
                if (file != null && !Files.exists(file)) {
                    try {
                        c.delete();
                        removed.add("configuration " + c.getPid() + " came from " + file + ", which no longer exists; removed it");
                    } catch (IllegalStateException alreadyDeleted) {
                        // FileInstall, scanning DATA/etc at the same time, was quicker
                    }
                }
            }
        } catch (Exception e) { // never keep the server from starting
            removed.add("could not check the stored configurations for deleted .cfg files: " + e);
        }
        return removed;
    }

    /** True for a configuration that came from a file which no longer exists. */
    static boolean stale(Map<String, ?> config) {
        Path file = file(config.get(ORIGIN));
        return file != null && !Files.exists(file);
    }

    static Path file(Object origin) {
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
}
