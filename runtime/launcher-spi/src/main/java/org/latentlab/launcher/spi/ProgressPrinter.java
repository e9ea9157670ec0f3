package org.latentlab.launcher.spi;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Progress of a long command on the terminal, the same for every command. On a console one line is
 * redrawn in place: a new stage at once, further updates of the same stage at most ten times a
 * second. Elsewhere (a pipe, a log file, a test) only each new stage's log line is printed, once, so
 * logs stay short. Thread-safe: jobs report from their own threads.
 */
public final class ProgressPrinter {

    /** The shortest interval between two redraws of the same stage. */
    static final long INTERVAL_NANOS = 100_000_000L;
    private static final int WIDTH = 100;

    private final PrintStream err;
    private final boolean console;
    private final LongSupplier nanoClock;
    private String stage;
    private long lastShown;
    private boolean lineOpen;

    /**
     * @param err       where to print
     * @param console   whether {@code err} is a terminal that understands carriage returns
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime})
     */
    public ProgressPrinter(PrintStream err, boolean console, LongSupplier nanoClock) {
        this.err = Objects.requireNonNull(err);
        this.console = console;
        this.nanoClock = Objects.requireNonNull(nanoClock);
    }

    /** Progress on {@code err}, redrawn in place when the process has a console. */
    public static ProgressPrinter onTerminal(PrintStream err) {
        return new ProgressPrinter(err, System.console() != null, System::nanoTime);
    }

    /** Whether lines are redrawn in place. */
    public boolean console() {
        return console;
    }

    /**
     * Shows progress.
     *
     * @param stage   identifies what is being done; a stage unlike the last one is never throttled
     * @param line    the line for a console (with counts, a bar, ...)
     * @param logLine the line printed once per new stage where there is no console; null or blank for none
     */
    public synchronized void show(String stage, String line, String logLine) {
        long now = nanoClock.getAsLong();
        boolean news = !Objects.equals(stage, this.stage);
        if (!news && now - lastShown < INTERVAL_NANOS) {
            return;
        }
        this.stage = stage;
        lastShown = now;
        if (console) {
            err.print("\r" + String.format("%-" + WIDTH + "." + WIDTH + "s", line));
            err.flush();
            lineOpen = true;
        } else if (news && logLine != null && !logLine.isBlank()) {
            err.println(logLine);
        }
    }

    /**
     * Shows a job's progress the one way every command does: "stage: message" and, on a console, the count done of
     * the total ("3/10"), or the count alone when the total is unknown ("(1,234 seed-steps)").
     *
     * @param unit what an unknown total counts, e.g. "seed-steps"; null for a bare number
     */
    public void progress(String stage, String message, long done, long total, String unit) {
        String what = stage + ": " + message;
        String counts = total > 0 ? String.format(Locale.ROOT, " %d/%d", done, total)
                : done > 0 ? String.format(Locale.ROOT, unit == null ? " (%,d)" : " (%,d " + unit + ")", done) : "";
        show(what, what + counts, message.isEmpty() ? null : what);
    }

    /**
     * Ends the line being redrawn, so what follows starts on a line of its own; the next
     * {@link #show} is a new stage.
     */
    public synchronized void endLine() {
        if (lineOpen) {
            err.println();
            lineOpen = false;
        }
        stage = null;
    }
}
