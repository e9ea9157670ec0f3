package org.latentlab.server.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The server's log, {@code DATA/logs/server.log}: everything LatentLab logs (java.util.logging under
 * {@code org.latentlab}) while the server runs, one line per record plus the stack trace of an error.
 * Rotated at {@link #LIMIT} bytes, keeping {@link #KEEP} older files ({@code server.log.1} newest).
 * Stack traces go here, not to the terminal.
 */
final class ServerLog extends Handler {

    static final long LIMIT = 5L << 20;
    static final int KEEP = 3;

    private final Logger root = Logger.getLogger("org.latentlab"); // held: JUL forgets the settings of unreferenced loggers
    private final Path file;
    private final long limit;
    private OutputStream out;
    private long size;
    private boolean failing;

    private ServerLog(Path file, long limit) throws IOException {
        this.file = file;
        this.limit = limit;
        open();
    }

    /** Starts logging to {@code dir/server.log}; the caller closes it when the server stops. */
    static ServerLog install(Path dir) throws IOException {
        return install(dir, LIMIT);
    }

    static ServerLog install(Path dir, long limit) throws IOException {
        Files.createDirectories(dir);
        ServerLog log = new ServerLog(dir.resolve("server.log"), limit);
        log.setLevel(Level.INFO);
        log.root.setLevel(Level.INFO);
        log.root.setUseParentHandlers(false);
        log.root.addHandler(log);
        return log;
    }

    Path file() {
        return file;
    }

    private void open() throws IOException {
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        size = Files.size(file);
    }

    @Override
    public synchronized void publish(LogRecord r) {
        if (out == null || !isLoggable(r)) {
            return;
        }
        StringBuilder sb = new StringBuilder().append(Instant.ofEpochMilli(r.getMillis())).append(' ').append(r.getLevel())
                .append(' ').append(r.getLoggerName()).append(": ").append(r.getMessage()).append('\n');
        if (r.getThrown() != null) {
            StringWriter w = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(w));
            sb.append(w);
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        try {
            if (size > 0 && size + bytes.length > limit) {
                rotate();
            }
            out.write(bytes);
            out.flush();
            size += bytes.length;
        } catch (IOException e) {
            if (!failing) { // e.g. disk full: said once, in one line; the server goes on
                failing = true;
                System.err.println("latentlab: cannot write the server log " + file + ": " + e.getMessage());
            }
        }
    }

    /** server.log -> server.log.1 -> ... -> server.log.KEEP (dropped). */
    private void rotate() throws IOException {
        out.close();
        for (int i = KEEP - 1; i >= 1; i--) {
            Path older = file.resolveSibling(file.getFileName() + "." + i);
            if (Files.exists(older)) {
                Files.move(older, file.resolveSibling(file.getFileName() + "." + (i + 1)), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
        open();
    }

    @Override
    public synchronized void flush() {
        try {
            if (out != null) {
                out.flush();
            }
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    @Override
    public synchronized void close() {
        root.removeHandler(this);
        root.setUseParentHandlers(true);
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException ignored) {
            // closing
        } finally {
            out = null;
        }
    }
}
