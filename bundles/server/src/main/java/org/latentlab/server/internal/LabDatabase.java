package org.latentlab.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Opens the job database {@code DATA/server/lab.mv.db} and tells its failures apart: held by another
 * server (a clear message), damaged (moved aside, never deleted, and the job list rebuilt from the
 * job folders in {@code DATA/jobs}), or unreadable for another reason (a clear message).
 */
final class LabDatabase {

    /** The store and what was done to open it, one line each (for the terminal and the log). */
    record Opened(JobStore store, List<String> notes) {}

    /** Why the server cannot start on this data folder, in one line that says what to do. */
    static final class StartupException extends Exception {
        private static final long serialVersionUID = 1L;

        StartupException(String message) {
            super(message);
        }
    }

    static final int H2_ALREADY_OPEN = 90020;
    static final int H2_IO_ERROR = 90028;
    static final int H2_FILE_CORRUPTED = 90030;

    private LabDatabase() {}

    static Opened open(Path home) throws StartupException {
        Path dir = home.resolve("server");
        Path base = dir.resolve("lab");
        Path file = dir.resolve("lab.mv.db");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StartupException("cannot create " + dir + " (" + reason(e) + "); the data folder " + home
                    + " must be a writable folder with free space");
        }
        List<String> notes = new ArrayList<>();
        boolean existed = Files.isRegularFile(file);
        JobStore store;
        try {
            store = openVerified(base);
        } catch (SQLException e) {
            if (e.getErrorCode() == H2_ALREADY_OPEN) {
                throw new StartupException("the data folder " + home + " is in use by another LatentLab server (its job database "
                        + file + " is locked); stop that server first, or start this one with another data folder (--home DIR)");
            }
            if (!corrupt(e, file)) {
                throw new StartupException("cannot open the job database " + file + ": " + firstLine(e.getMessage())
                        + "; check that the data folder is writable and has free space");
            }
            Path aside = file.resolveSibling("lab.mv.db.corrupt-"
                    + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneId.systemDefault()).format(Instant.now()));
            try {
                Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
                store = openVerified(base);
            } catch (IOException | SQLException e2) {
                throw new StartupException("the job database " + file + " is damaged (" + firstLine(e.getMessage())
                        + ") and could not be replaced (" + firstLine(e2.getMessage()) + "); move it aside by hand and start again");
            }
            Rebuilt r = rebuild(store, home.resolve("jobs"));
            notes.add("the job database " + file + " was damaged (" + firstLine(e.getMessage()) + "); moved it to " + aside
                    + " and rebuilt the job list from " + home.resolve("jobs") + ": " + r.describe()
                    + "; register model names again (POST /api/models)");
            return new Opened(store, notes);
        }
        try {
            if (store.verify() == 0 && hasJobFolders(home.resolve("jobs"))) {
                Rebuilt r = rebuild(store, home.resolve("jobs"));
                notes.add((existed ? "the job database " + file + " was empty" : "there was no job database " + file)
                        + "; rebuilt the job list from " + home.resolve("jobs") + ": " + r.describe());
            }
        } catch (SQLException e) {
            close(store);
            throw new StartupException("cannot read the job database " + file + ": " + firstLine(e.getMessage()));
        }
        return new Opened(store, notes);
    }

    private static JobStore openVerified(Path base) throws SQLException {
        JobStore store = new JobStore(base);
        try {
            store.verify();
            return store;
        } catch (SQLException e) {
            close(store);
            throw e;
        }
    }

    /**
     * H2 says the file is corrupted, or cannot make sense of a file that reads fine (so it is not a disk
     * or permission problem).
     */
    static boolean corrupt(SQLException e, Path file) {
        if (e.getErrorCode() == H2_FILE_CORRUPTED) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().toLowerCase().contains("corrupt")) {
                return true;
            }
        }
        if (e.getErrorCode() == H2_IO_ERROR && Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
                return true;
            } catch (IOException readFails) {
                return false;
            }
        }
        return false;
    }

    record Rebuilt(int recovered, int withoutResult, int unreadable) {
        String describe() {
            return recovered + " finished job(s) listed again" + (withoutResult > 0 ? ", " + withoutResult
                    + " folder(s) without result.json left as they are" : "") + (unreadable > 0 ? ", " + unreadable
                    + " unreadable result.json file(s) left as they are" : "");
        }
    }

    private static boolean hasJobFolders(Path jobs) {
        if (!Files.isDirectory(jobs)) {
            return false;
        }
        try (Stream<Path> s = Files.list(jobs)) {
            return s.anyMatch(Files::isDirectory);
        } catch (IOException e) {
            return false;
        }
    }

    /** One record per job folder with a result.json (a succeeded job); other folders stay untouched and unlisted. */
    static Rebuilt rebuild(JobStore store, Path jobs) {
        int recovered = 0;
        int without = 0;
        int unreadable = 0;
        List<Path> dirs;
        try (Stream<Path> s = Files.isDirectory(jobs) ? Files.list(jobs) : Stream.empty()) {
            dirs = s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            return new Rebuilt(0, 0, 0);
        }
        for (Path dir : dirs) {
            Path result = dir.resolve("result.json");
            if (!Files.isRegularFile(result)) {
                without++;
                continue;
            }
            try {
                JsonNode r = Json.MAPPER.readTree(result.toFile());
                Instant finished = Files.getLastModifiedTime(result).toInstant();
                Instant created = r.hasNonNull("created") ? Instant.parse(r.get("created").asText()) : finished;
                store.insert(new JobStore.JobRecord(dir.getFileName().toString(), created, "SUCCEEDED", request(r).toString(),
                        "listed again from " + result + " when the job database was rebuilt", finished, dir.toString(),
                        r.has("summary") ? r.get("summary").toString() : null));
                recovered++;
            } catch (IOException | RuntimeException | SQLException e) {
                unreadable++;
            }
        }
        return new Rebuilt(recovered, without, unreadable);
    }

    private static final Pattern SOURCE = Pattern.compile("([A-Za-z0-9._-]+)\\{(.*)}");

    /** The request as far as result.json tells it, in the form POST /api/jobs takes (so the job can be re-run). */
    static ObjectNode request(JsonNode r) {
        ObjectNode q = Json.MAPPER.createObjectNode();
        q.put("model", r.at("/model/folder").asText());
        String origin = r.at("/seeds/origin").asText("");
        if (origin.startsWith("latents:")) {
            q.putObject("seeds").put("latents", origin.substring("latents:".length()));
        } else if (origin.startsWith("inputs:")) {
            q.putObject("seeds").put("inputs", origin.substring("inputs:".length()));
        } else {
            Matcher m = SOURCE.matcher(origin);
            if (m.matches()) {
                ObjectNode s = q.putObject("seeds");
                s.put("source", m.group(1));
                ObjectNode p = s.putObject("params");
                for (String kv : m.group(2).split(", ")) {
                    int eq = kv.indexOf('=');
                    if (eq > 0) {
                        p.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                }
            }
        }
        for (String part : List.of("strategy", "clusterer")) {
            if (r.path(part).hasNonNull("id")) {
                q.put(part, r.path(part).get("id").asText());
                ObjectNode p = q.putObject(part + "Params");
                r.path(part).path("parameters").fields().forEachRemaining(e -> p.put(e.getKey(), e.getValue().asText()));
            }
        }
        if (r.path("metrics").isObject() && r.path("metrics").size() > 0) {
            var ids = q.putArray("metrics");
            r.path("metrics").fieldNames().forEachRemaining(ids::add);
        }
        return q;
    }

    static void close(JobStore store) {
        try {
            store.close();
        } catch (SQLException ignored) {
            // closing what could not be used
        }
    }

    /** The first line of an (H2) error message, without H2's advice about its own tools and its error codes. */
    static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        String line = s.lines().findFirst().orElse(s).replaceAll("\\s*Possible solution.*$", "")
                .replaceAll("\\s*\\[[0-9./-]+]", "").trim();
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    private static String reason(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
