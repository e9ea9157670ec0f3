package org.latentlab.launcher;

import java.io.PrintStream;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * FileInstall's warnings and errors as one line each on standard error, without its stack traces.
 * FileInstall logs to java.util.logging (felix.fileinstall.log.default=jul, logger "fileinstall").
 * Messages about the plugins folder are left to the plugin monitor (the PluginStatus service), which
 * says the same in plain words, once per file; they are printed here only when no monitor runs.
 */
final class FileInstallLog extends Handler {

    static final String LOGGER = "fileinstall";

    private final Logger logger = Logger.getLogger(LOGGER); // strong reference: JUL drops the handlers of collected loggers
    private final String pluginsFolder;
    private final BooleanSupplier monitorRunning;
    private final PrintStream err;
    private final Runnable onRecord;

    /** @param onRecord called for every record FileInstall logs (the lab wakes its waits: a plugin may have failed) */
    FileInstallLog(String pluginsFolder, BooleanSupplier monitorRunning, PrintStream err, Runnable onRecord) {
        this.pluginsFolder = pluginsFolder;
        this.monitorRunning = monitorRunning;
        this.err = err;
        this.onRecord = onRecord;
        setLevel(Level.WARNING);
    }

    FileInstallLog attach() {
        logger.setUseParentHandlers(false); // the default console handler prints two lines and the stack trace
        logger.addHandler(this);
        return this;
    }

    void detach() {
        logger.removeHandler(this);
    }

    @Override
    public void publish(LogRecord r) {
        onRecord.run();
        String msg = r.getMessage();
        if (msg == null || !isLoggable(r) || msg.contains(pluginsFolder) && monitorRunning.getAsBoolean()) {
            return;
        }
        err.println("latentlab: " + msg + (r.getThrown() == null ? "" : ": " + oneLine(r.getThrown())));
    }

    static String oneLine(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage().strip();
            if (b.indexOf(m) < 0) {
                b.append(b.length() == 0 ? "" : ": ").append(m);
            }
        }
        return b.toString().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    @Override
    public void flush() {
        err.flush();
    }

    @Override
    public void close() {
        // err belongs to the process
    }
}
