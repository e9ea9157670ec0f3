package org.latentlab.doctor.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Checks of the data folder that need no framework: the folder itself, its free space, the job database, Java. */
final class HomeChecks {

    static final long WARN_FREE = 1L << 30;   // 1 GiB: a trained model with its results fits comfortably
    static final long FAIL_FREE = 100L << 20; // 100 MiB: jobs will fail to write results
    /** Sub-folders the lab writes to, when they exist. */
    static final List<String> WRITTEN = List.of("plugins", "cache", "jobs", "server", "datasets", "models");

    private HomeChecks() {}

    static Check java() {
        Runtime.Version v = Runtime.version();
        String what = v + " (" + System.getProperty("java.vendor", "?") + ") at " + System.getProperty("java.home", "?");
        return v.feature() >= 17 ? Check.ok("java", what)
                : Check.fail("java", what + ": LatentLab needs Java 17 or later; set JAVA_HOME to one");
    }

    static Check dataFolder(Path home) {
        if (!Files.isDirectory(home)) {
            return Check.fail("data folder", home + " is not a folder; use --home DIR with a writable folder");
        }
        List<String> bad = new ArrayList<>();
        String homeProblem = unwritable(home);
        if (homeProblem != null) {
            bad.add(home + " " + homeProblem);
        }
        for (String sub : WRITTEN) {
            Path p = home.resolve(sub);
            if (Files.exists(p) && !Files.isDirectory(p)) {
                bad.add(p + " is a file, not a folder (move it away)");
            } else if (Files.isDirectory(p)) {
                String problem = unwritable(p);
                if (problem != null) {
                    bad.add(p + " " + problem);
                }
            }
        }
        if (!bad.isEmpty()) {
            return Check.fail("data folder", String.join("; ", bad) + "; fix that or use --home DIR with a writable folder");
        }
        long free;
        try {
            free = Files.getFileStore(home).getUsableSpace();
        } catch (IOException e) {
            return Check.warn("data folder", home + ": writable, free space unknown (" + Problems.oneLine(e) + ")");
        }
        String text = home + ": writable, " + size(free) + " free";
        if (free < FAIL_FREE) {
            return Check.fail("data folder", text + "; jobs will fail to write results: free some space or use --home DIR on another disk");
        }
        if (free < WARN_FREE) {
            return Check.warn("data folder", text + "; results of large runs may not fit: free some space");
        }
        return Check.ok("data folder", text);
    }

    /** Null when a file can be created (and removed) in the folder, else why not. */
    static String unwritable(Path folder) {
        try {
            Path probe = Files.createTempFile(folder, ".doctor-", ".tmp");
            try {
                Files.write(probe, new byte[] {1});
            } finally {
                Files.deleteIfExists(probe);
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "is not writable (" + Problems.oneLine(e) + ")";
        }
    }

    /**
     * The job database of the server: absent (fine), an H2 file (its size, and whether a running
     * server holds it), or not an H2 file at all.
     */
    static Check database(Path home, DatabaseLocks locks) {
        Path db = home.resolve("server").resolve("lab.mv.db");
        if (!Files.exists(db)) {
            return Check.ok("database", "none yet (" + db + " is created by 'latentlab serve')");
        }
        if (!Files.isRegularFile(db)) {
            return Check.fail("database", db + " is not a file; move it away, 'latentlab serve' creates a new one");
        }
        long size;
        byte[] head = new byte[64];
        int n;
        try (InputStream in = Files.newInputStream(db)) {
            size = Files.size(db);
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            return Check.fail("database", db + " cannot be read (" + Problems.oneLine(e) + "); check its permissions");
        }
        // An H2 MVStore file starts with its text header "H:2,block...".
        String start = new String(head, 0, n, StandardCharsets.ISO_8859_1);
        if (!start.startsWith("H:2,")) {
            return Check.fail("database", db + " (" + size(size) + ") is not an H2 database file; 'latentlab serve' cannot "
                    + "open it: move it aside (e.g. to lab.mv.db.broken) and start the server again, results in "
                    + home.resolve("jobs") + " are not touched");
        }
        String holder = locks.holder(db);
        return Check.ok("database", db + " (" + size(size) + "), " + (holder == null ? "not in use" : "in use by " + holder));
    }

    static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
    }
}
