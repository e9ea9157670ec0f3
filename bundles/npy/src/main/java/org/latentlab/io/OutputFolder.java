package org.latentlab.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.latentlab.api.LatentLabException;

/**
 * The one way LatentLab writes a folder of results (a model, an analysis, a field, the demo): it
 * never deletes or overwrites anything it did not create.
 *
 * <p>{@link #open} checks the target before any work: it must not be a file; when it exists it
 * must be empty or a LatentLab output of the same kind (it holds a {@value #MARKER} file naming
 * the kind and LatentLab's files); a place next to it must be writable. The caller writes into
 * {@link #staging()}, a hidden folder beside the target on the same file system, then calls
 * {@link #publish()}: a new target is one atomic rename; a previous output of the same kind has
 * exactly the files its marker lists replaced (other files a user put there stay), and the marker
 * is written last. {@link #close()} without publish deletes the staging folder only, so a failed
 * or cancelled job leaves either nothing new or a complete, marked set of files.
 *
 * <p>Errors are {@link LatentLabException}s whose message names the folder and says what to do.
 */
public final class OutputFolder implements AutoCloseable {

    /** The marker file: {@code {"format", "kind", "files", "complete", "created"}}. */
    public static final String MARKER = ".latentlab-output.json";

    /** Kinds of output: a trained model folder, an analysis, a latent field, the demo's folder. */
    public static final String MODEL = "model";
    public static final String ANALYSIS = "analysis";
    public static final String FIELD = "field";
    public static final String DEMO = "demo";
    public static final String EXPERIMENT = "experiment";

    private static final String FORMAT = "latentlab-output/1";
    private static final String STAGING = ".latentlab-staging-";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What a marker says.
     *
     * @param kind     e.g. {@code model}, {@code analysis}, {@code field}, {@code demo}
     * @param files    LatentLab's files in the folder, relative, with {@code /} separators
     * @param complete false while a publish is under way (or was interrupted)
     * @param created  when the output was published (ISO-8601)
     */
    public record Marker(String kind, List<String> files, boolean complete, String created) {
        public Marker {
            files = List.copyOf(files);
        }
    }

    private final Path target;
    private final String kind;
    private final Path staging;
    private boolean published;
    private boolean discarded;

    private OutputFolder(Path target, String kind, Path staging) {
        this.target = target;
        this.kind = kind;
        this.staging = staging;
    }

    /**
     * Checks, without writing anything that stays, that {@code target} can receive an output of
     * {@code kind}: for front ends and validation before any work is queued.
     *
     * @throws LatentLabException naming the folder and what to do
     */
    public static void check(Path target, String kind) {
        Path t = normalise(target, kind);
        if (Files.isDirectory(t)) {
            requireOursOrEmpty(t, kind);
            Path real = realPath(t);
            if (real.getParent() == null) {
                throw new LatentLabException("output folder " + t + " is the root folder: choose another --out");
            }
            probe(t, real.getParent());
        } else if (Files.exists(t, LinkOption.NOFOLLOW_LINKS)) {
            throw new LatentLabException("output folder " + t + (Files.exists(t) ? " is an existing file, not a folder"
                    : " is a broken link") + ": choose another --out");
        } else {
            Path a = t.getParent();
            while (a != null && !Files.exists(a, LinkOption.NOFOLLOW_LINKS)) {
                a = a.getParent();
            }
            if (a == null) {
                throw new LatentLabException("cannot create output folder " + t + ": none of its parent folders exists");
            }
            if (!Files.isDirectory(a)) {
                throw new LatentLabException("cannot create output folder " + t + ": " + a + " is a file, not a folder;"
                        + " choose another --out");
            }
            probe(t, a);
        }
    }

    /**
     * {@link #check Checks} {@code target}, then creates its parent folders and the staging folder.
     * Use with try-with-resources: closing without {@link #publish()} discards the staging folder.
     */
    public static OutputFolder open(Path target, String kind) {
        check(target, kind);
        Path t = normalise(target, kind);
        Path parent = Files.isDirectory(t) ? realPath(t).getParent() : t.getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new LatentLabException("cannot create output folder " + t + ": " + IoErrors.describe(e), e);
        }
        try {
            String name = t.getFileName().toString();
            // hidden, recognisable, and short enough for the file system's name limit
            String prefix = "." + name.substring(0, Math.min(name.length(), 100)) + STAGING;
            removeAbandonedStaging(parent, prefix);
            Path s = Files.createTempDirectory(parent, prefix + ProcessHandle.current().pid() + "@" + HOST + "@");
            try { // temporary folders are owner-only; an output is an ordinary folder
                Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException ignored) {
                // not POSIX
            }
            return new OutputFolder(t, kind, s);
        } catch (IOException e) {
            throw new LatentLabException("cannot write next to output folder " + t + " (for a temporary folder): "
                    + IoErrors.describe(e), e);
        }
    }

    /** The folder the results will be in once published (absolute). */
    public Path target() {
        return target;
    }

    public String kind() {
        return kind;
    }

    /** Where to write the results until {@link #publish()}: a hidden sibling of the target. */
    public Path staging() {
        if (published || discarded) {
            throw new IllegalStateException("output " + target + " was already " + (published ? "published" : "discarded"));
        }
        return staging;
    }

    /**
     * Moves everything written to {@link #staging()} into the target and marks it: one atomic
     * rename when the target does not exist; else LatentLab's files of the previous output are
     * replaced (files of the previous output that this one does not have are removed) and every
     * other file stays. Refuses, writing nothing, when the target has meanwhile become something
     * other than an empty folder or an output of this kind, or holds a file of another owner
     * under a name this output uses.
     *
     * @return the target
     */
    public Path publish() {
        if (published) {
            return target;
        }
        staging(); // not discarded
        try {
            List<String> files = listFiles(staging);
            if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                writeMarker(staging, new Marker(kind, files, true, Instant.now().toString()));
                try {
                    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                    published = true;
                    return target;
                } catch (IOException e) {
                    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                        throw e;
                    }
                    Files.delete(staging.resolve(MARKER)); // someone created the target meanwhile: merge below
                }
            }
            merge(files);
            published = true;
            return target;
        } catch (IOException e) {
            throw new LatentLabException("cannot write the results into " + target + ": " + IoErrors.describe(e), e);
        } finally {
            if (!published) {
                discard();
            }
        }
    }

    /** This machine's name as it appears in staging folder names: letters, digits, '.', '-' only. */
    static final String HOST = host();

    private static String host() {
        try {
            String h = java.net.InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9.-]", "");
            return h.isEmpty() ? "localhost" : h.substring(0, Math.min(h.length(), 40));
        } catch (IOException e) {
            return "localhost";
        }
    }

    /**
     * Deletes staging folders of this target that a process killed mid-write left behind: named {@code
     * PREFIX<pid>@<host>@...} with this machine's host name and a pid that no longer runs. A staging folder of a
     * live process, of another machine (a shared file system), or without an owner in its name is left alone.
     */
    static void removeAbandonedStaging(Path parent, String prefix) {
        try (Stream<Path> s = Files.list(parent)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
                String[] owner = p.getFileName().toString().substring(prefix.length()).split("@", 3);
                if (owner.length == 3 && owner[1].equals(HOST) && owner[0].matches("\\d{1,18}")
                        && ProcessHandle.of(Long.parseLong(owner[0])).isEmpty()) {
                    deleteTree(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort: a leftover staging folder is only clutter, never part of an output
        }
    }

    /** Deletes the staging folder (and nothing else); the target stays as it was. */
    public void discard() {
        if (published || discarded) {
            return;
        }
        discarded = true;
        deleteTree(staging);
    }

    /** Discards unless published. */
    @Override
    public void close() {
        discard();
    }

    /**
     * Moves the files of another, published output (e.g. an analysis the engine wrote into a
     * subfolder of {@link #staging()}) into this staging folder, then removes that output folder.
     */
    public void moveIn(Path output) {
        Path o = output.toAbsolutePath().normalize();
        if (!o.startsWith(staging()) || o.equals(staging)) {
            throw new IllegalArgumentException(o + " is not inside the staging folder " + staging);
        }
        Marker m = marker(o).orElseThrow(() -> new LatentLabException("no LatentLab output in " + o));
        try {
            for (String f : m.files()) {
                Path from = inside(o, f);
                Path to = inside(staging, f);
                if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
                    throw new LatentLabException("two parts of the output " + target + " both write " + f);
                }
                Files.createDirectories(to.getParent());
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new LatentLabException("cannot gather the results for " + target + ": " + IoErrors.describe(e), e);
        }
        deleteTree(o);
    }

    /**
     * Marks a folder that an earlier LatentLab version wrote (before outputs carried a marker) as
     * an output of {@code kind}, so it can be replaced: only when it has no marker, holds files only
     * (no links), and {@code ours} accepts every file name (relative, '/' separators). Adds the
     * marker and changes nothing else.
     *
     * @return whether the folder is now marked as {@code kind}
     */
    public static boolean adopt(Path folder, String kind, java.util.function.Predicate<String> ours) {
        Path t = normalise(folder, kind);
        if (!Files.isDirectory(t, LinkOption.NOFOLLOW_LINKS) || Files.exists(t.resolve(MARKER), LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            List<String> files;
            try (Stream<Path> s = Files.walk(t)) {
                if (s.anyMatch(p -> !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))) {
                    return false;
                }
            }
            files = listFiles(t);
            if (files.isEmpty() || !files.stream().allMatch(ours)) {
                return false;
            }
            writeMarker(t, new Marker(kind, files, true, Instant.now().toString()));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The marker of a folder, if it has a readable one. */
    public static Optional<Marker> marker(Path folder) {
        Path f = folder.resolve(MARKER);
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            JsonNode j = JSON.readTree(f.toFile());
            if (!j.path("kind").isTextual() || !j.path("files").isArray()) {
                return Optional.empty();
            }
            List<String> files = new ArrayList<>();
            for (JsonNode x : j.get("files")) {
                if (!x.isTextual() || !plainRelative(x.asText())) {
                    return Optional.empty(); // an edited marker cannot make LatentLab touch files elsewhere
                }
                files.add(x.asText());
            }
            return Optional.of(new Marker(j.get("kind").asText(), files, j.path("complete").asBoolean(false),
                    j.path("created").asText("")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    // ---- publishing into an existing folder

    private void merge(List<String> files) throws IOException {
        if (!Files.isDirectory(target)) {
            throw new LatentLabException("output folder " + target + " is now an existing file, not a folder: the results"
                    + " were not written; choose another --out");
        }
        requireOursOrEmpty(target, kind);
        Set<String> ours = new TreeSet<>();
        marker(target).ifPresent(m -> ours.addAll(m.files()));
        Path real = realPath(target);
        for (String f : files) { // refuse before changing anything
            Path d = target.resolve(f);
            for (Path a = d.getParent(); !a.equals(target); a = a.getParent()) {
                if (Files.exists(a, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(a, LinkOption.NOFOLLOW_LINKS)) {
                    throw conflict(a);
                }
            }
            if (Files.exists(d, LinkOption.NOFOLLOW_LINKS)
                    && (!ours.contains(f) || !Files.isRegularFile(d, LinkOption.NOFOLLOW_LINKS))) {
                throw conflict(d);
            }
        }
        Set<String> all = new TreeSet<>(ours);
        all.addAll(files);
        writeMarker(target, new Marker(kind, List.copyOf(all), false, Instant.now().toString()));
        for (String f : files) {
            Path d = target.resolve(f);
            Files.createDirectories(d.getParent());
            move(staging.resolve(f), d);
        }
        for (String f : ours) {
            if (!files.contains(f)) { // a file of the previous output that this one does not have
                Path d = target.resolve(f);
                if (Files.isRegularFile(d, LinkOption.NOFOLLOW_LINKS) && realPath(d.getParent()).startsWith(real)) {
                    Files.delete(d);
                    pruneEmptyFolders(d.getParent());
                }
            }
        }
        writeMarker(target, new Marker(kind, files, true, Instant.now().toString()));
        deleteTree(staging);
    }

    private LatentLabException conflict(Path p) {
        return new LatentLabException(p + " is in the way and was not written by LatentLab: the results were not written;"
                + " move it away or choose another --out");
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) { // the target is a link to another file system
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void pruneEmptyFolders(Path dir) throws IOException {
        for (Path d = dir; d != null && !d.equals(target) && d.startsWith(target); d = d.getParent()) {
            try (Stream<Path> s = Files.list(d)) {
                if (s.findAny().isPresent()) {
                    return;
                }
            }
            Files.delete(d);
        }
    }

    // ---- checks

    private static Path normalise(Path target, String kind) {
        if (target == null) {
            throw new LatentLabException("no output folder given");
        }
        if (kind == null || kind.isBlank()) {
            throw new IllegalArgumentException("an output needs a kind");
        }
        Path t = target.toAbsolutePath().normalize();
        if (t.getFileName() == null) {
            throw new LatentLabException("output folder " + t + " is the root folder: choose another --out");
        }
        return t;
    }

    /** An existing folder must be empty or an output of the same kind. */
    private static void requireOursOrEmpty(Path t, String kind) {
        List<String> entries;
        try (Stream<Path> s = Files.list(t)) {
            entries = s.map(p -> p.getFileName().toString()).sorted().limit(4).toList();
        } catch (IOException e) {
            throw new LatentLabException("cannot read output folder " + t + ": " + IoErrors.describe(e), e);
        }
        if (entries.isEmpty()) {
            return;
        }
        Optional<Marker> m = marker(t);
        if (m.isEmpty()) {
            throw new LatentLabException("output folder " + t + " is not empty and was not written by LatentLab (it holds "
                    + String.join(", ", entries.subList(0, Math.min(3, entries.size()))) + (entries.size() > 3 ? ", ..." : "")
                    + "): nothing was changed; choose another --out, or empty the folder yourself");
        }
        if (!m.get().kind().equals(kind)) {
            throw new LatentLabException("output folder " + t + " holds a LatentLab " + m.get().kind() + " output, not "
                    + article(kind) + " " + kind + " output: nothing was changed; choose another --out");
        }
    }

    /** Creates and deletes a file in {@code dir}: finds a read-only or full file system now, not after the work. */
    private static void probe(Path t, Path dir) {
        try {
            Path p = Files.createTempFile(dir, ".latentlab-probe-", ".tmp");
            Files.delete(p);
        } catch (IOException e) {
            throw new LatentLabException("cannot write output folder " + t + ": cannot create files in " + dir + " ("
                    + IoErrors.reason(e) + "); choose another --out", e);
        }
    }

    // ---- files

    private static void writeMarker(Path dir, Marker m) throws IOException {
        ObjectNode j = JSON.createObjectNode();
        j.put("format", FORMAT);
        j.put("kind", m.kind());
        m.files().forEach(j.putArray("files")::add);
        j.put("complete", m.complete());
        j.put("created", m.created());
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(j);
        AtomicFile.write(dir.resolve(MARKER), out -> out.write(bytes));
    }

    /** Regular files below {@code dir}, relative with '/' separators, sorted; the marker excluded. */
    private static List<String> listFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> dir.relativize(p).toString().replace(dir.getFileSystem().getSeparator(), "/"))
                    .filter(f -> !f.equals(MARKER)).sorted().toList();
        }
    }

    /** A relative name that stays inside its folder: no root, no "..", not the marker. */
    private static boolean plainRelative(String f) {
        if (f.isEmpty() || f.startsWith("/") || f.contains("\\") || f.equals(MARKER)) {
            return false;
        }
        for (String part : f.split("/")) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** {@code dir/f}, refusing names that leave {@code dir} (a marker could have been edited). */
    private static Path inside(Path dir, String f) {
        Path p = dir.resolve(f).normalize();
        if (!p.startsWith(dir) || p.equals(dir)) {
            throw new LatentLabException("bad file name '" + f + "' in " + dir.resolve(MARKER));
        }
        return p;
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /** Deletes a tree this class created (links are deleted, not followed); best effort. */
    private static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a leftover hidden temporary folder is harmless; the target is untouched
        }
    }

    private static String article(String word) {
        return "aeiou".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
    }
}
