package org.latentlab.server.internal;

import java.lang.reflect.Array;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.latentlab.launcher.spi.ConfigFiles;

/**
 * The server's configuration (PID {@code org.latentlab.server}), read leniently: a value that cannot
 * be used is reported in {@link #problems()} (one line naming the file, the key and the value) and
 * its default applies, so a typo in a .cfg file never stops the server.
 *
 * @param modelRoots      folders under which model folders and seed files may lie
 * @param maxQueuedJobs   jobs queued or running at most
 * @param maxRequestBytes largest request body accepted
 * @param problems        what could not be used, one line each
 */
record ServerSettings(List<Path> modelRoots, int maxQueuedJobs, long maxRequestBytes, List<String> problems) {

    static final int DEFAULT_MAX_QUEUED = 8;
    static final long DEFAULT_MAX_REQUEST_BYTES = 1L << 20;
    static final long MIN_REQUEST_BYTES = 1024;

    ServerSettings {
        modelRoots = List.copyOf(modelRoots);
        problems = List.copyOf(problems);
    }

    static ServerSettings from(Map<String, ?> props, Path home) {
        List<String> problems = new ArrayList<>();
        Path file = ConfigFiles.file(props.get(ConfigFiles.ORIGIN));
        String where = file == null ? "configuration org.latentlab.server" : file.toString();
        List<Path> roots = new ArrayList<>();
        for (String s : strings(props.get("modelRoots"))) {
            try {
                roots.add(Path.of(s).toAbsolutePath().normalize());
            } catch (InvalidPathException e) {
                problems.add(where + ": modelRoots entry '" + s + "' is not a valid path (" + e.getReason() + "); ignored");
            }
        }
        if (roots.isEmpty()) {
            roots.add(home.resolve("models").toAbsolutePath().normalize());
            roots.add(home.resolve("data").toAbsolutePath().normalize());
        }
        int queued = (int) number(props.get("maxQueuedJobs"), "maxQueuedJobs", 1, 100_000, DEFAULT_MAX_QUEUED, where, problems);
        long bytes = number(props.get("maxRequestBytes"), "maxRequestBytes", MIN_REQUEST_BYTES, 1L << 31, DEFAULT_MAX_REQUEST_BYTES,
                where, problems);
        return new ServerSettings(roots, queued, bytes, problems);
    }

    private static List<String> strings(Object v) {
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        List<Object> items = new ArrayList<>();
        if (v.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(v); i++) {
                items.add(Array.get(v, i));
            }
        } else if (v instanceof Collection<?> c) {
            items.addAll(c);
        } else {
            items.add(v);
        }
        for (Object o : items) {
            for (String s : String.valueOf(o).split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        }
        return out;
    }

    /** A whole number (optionally with a k, m or g suffix of 1024s) in [min, max], else the default and a problem. */
    private static long number(Object v, String key, long min, long max, long def, String where, List<String> problems) {
        if (v == null || String.valueOf(v).isBlank()) {
            return def;
        }
        String text = String.valueOf(v).trim();
        long value;
        try {
            String t = text.toLowerCase(Locale.ROOT);
            long unit = t.endsWith("k") ? 1L << 10 : t.endsWith("m") ? 1L << 20 : t.endsWith("g") ? 1L << 30 : 1;
            value = Math.multiplyExact(Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1).trim()), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            problems.add(where + ": " + key + " = '" + text + "' is not a whole number; using " + def);
            return def;
        }
        if (value < min || value > max) {
            problems.add(where + ": " + key + " = " + text + " is outside " + min + ".." + max + "; using " + def);
            return def;
        }
        return value;
    }
}
