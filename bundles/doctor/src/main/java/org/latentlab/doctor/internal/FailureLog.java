package org.latentlab.doctor.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;

/**
 * The reasons FileInstall and the framework give when a plugin fails to install, start or update.
 * FileInstall reports those only in its log (the launcher routes it to java.util.logging, logger
 * {@value #FILEINSTALL_LOGGER}); this handler keeps the reason per file, with the file's size and
 * modification time then, so a reason is shown only while the file is unchanged.
 */
final class FailureLog extends Handler implements FrameworkListener {

    static final String FILEINSTALL_LOGGER = "fileinstall";

    enum Kind { INSTALL, START, UPDATE }

    record Failure(Kind kind, String reason, long size, long modified) {}

    private final Path dir;
    private final String dirPath;
    private final Map<String, Failure> byFile = new ConcurrentHashMap<>();
    private final Runnable changed;

    FailureLog(Path dir, Runnable changed) {
        this.dir = dir;
        this.dirPath = dir.toString() + "/";
        this.changed = changed;
        setLevel(Level.ALL);
    }

    @Override
    public void publish(LogRecord r) {
        String msg = r.getMessage();
        if (msg == null) {
            return;
        }
        Kind kind = msg.startsWith("Failed to install") ? Kind.INSTALL
                : msg.startsWith("Error while starting") ? Kind.START
                : msg.startsWith("Failed to update") ? Kind.UPDATE : null;
        String name = fileNameIn(msg);
        if (kind != null && name != null) {
            record(name, kind, r.getThrown() == null ? msg : Problems.oneLine(r.getThrown()));
        }
    }

    @Override
    public void frameworkEvent(FrameworkEvent e) {
        if (e.getType() == FrameworkEvent.ERROR && e.getBundle() != null && e.getThrowable() != null) {
            String name = fileNameIn(e.getBundle().getLocation());
            if (name != null) {
                record(name, Kind.START, Problems.oneLine(e.getThrowable()));
            }
        }
    }

    void record(String name, Kind kind, String reason) {
        try {
            BasicFileAttributes a = Files.readAttributes(dir.resolve(name), BasicFileAttributes.class);
            byFile.put(name, new Failure(kind, reason, a.size(), a.lastModifiedTime().toMillis()));
            changed.run();
        } catch (IOException gone) {
            byFile.remove(name);
        }
    }

    /** The last failure of the file, if it was about its current content. */
    Optional<Failure> current(String name, long size, long modified) {
        Failure f = byFile.get(name);
        return f != null && f.size() == size && f.modified() == modified ? Optional.of(f) : Optional.empty();
    }

    void forget(String name) {
        byFile.remove(name);
    }

    /** The plugin file a FileInstall message or a bundle location names, or null when it is about another folder. */
    String fileNameIn(String text) {
        int at = text.indexOf(dirPath);
        if (at < 0) {
            return null;
        }
        int uri = text.lastIndexOf("file:", at);
        if (uri >= 0 && text.substring(uri, at).indexOf(' ') < 0) {
            try { // a location: file:/dir/name%20with%20spaces.jar
                Path p = Path.of(URI.create(text.substring(uri).strip()));
                return p.getParent() != null && p.getParent().equals(dir) ? p.getFileName().toString() : null;
            } catch (RuntimeException notAUri) {
                // fall through to the plain path
            }
        }
        String rest = text.substring(at + dirPath.length()).strip();
        return rest.isEmpty() || rest.contains("/") ? null : rest;
    }

    @Override
    public void flush() {
        // nothing buffered
    }

    @Override
    public void close() {
        byFile.clear();
    }
}
