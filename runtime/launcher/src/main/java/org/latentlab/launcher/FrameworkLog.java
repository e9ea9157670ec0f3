package org.latentlab.launcher;

import java.io.PrintStream;
import org.apache.felix.framework.Logger;

/**
 * Felix's own error log as one line each on standard error, like {@link FileInstallLog}'s. Felix logs (and by
 * default prints with a stack trace) what no caller hears, e.g. a plugin whose activator fails when a package
 * refresh restarts it; the plugin monitor lists that plugin with its reason, so the terminal gets one line.
 * Given to Felix as "felix.log.logger" (it must be a Felix {@link Logger}); "felix.log.level" 1 keeps errors only.
 */
final class FrameworkLog extends Logger {

    private final PrintStream err;

    FrameworkLog(PrintStream err) {
        this.err = err;
    }

    @Override
    protected void doLog(int level, String message, Throwable thrown) {
        err.println("latentlab: " + (message == null ? "framework error" : message.strip())
                + (thrown == null ? "" : ": " + FileInstallLog.oneLine(thrown)));
    }
}
