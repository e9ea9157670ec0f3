package org.latentlab.engine.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.LatentMap;

/**
 * Where a job's time goes, with {@code -Dlatentlab.profile=true} (e.g. through LATENTLAB_JAVA_OPTS): wall time
 * per stage, and the latent map's calls per stage and by batch size (calls, row-steps, time inside the model).
 * {@link #report()} is printed to standard error when the job ends; with {@code -Dlatentlab.profile.calls=FILE} also every
 * map call, one per line, to FILE (what the tables in docs/performance.md on the phases of a run are made from). Off by
 * default: then nothing is wrapped.
 */
final class Profile {

    static boolean enabled() {
        return Boolean.getBoolean("latentlab.profile");
    }

    /** Batch size classes of map calls: rows below each bound. */
    private static final int[] BOUNDS = {2, 16, 64, 256, 1024, Integer.MAX_VALUE};
    private static final String[] NAMES = {"1", "2-15", "16-63", "64-255", "256-1023", ">=1024"};

    private final long start = System.nanoTime();
    private final Map<String, long[]> stages = new LinkedHashMap<>(); // stage -> {wall ns, map ns, map calls}
    private final long[] calls = new long[BOUNDS.length];
    private final long[] rowSteps = new long[BOUNDS.length];
    private final long[] nanos = new long[BOUNDS.length];
    /** The same per size class for the low-precision map (LatentMap#lowPrecision), whose rows are counted apart. */
    private final long[] lowCalls = new long[BOUNDS.length];
    private final long[] lowRowSteps = new long[BOUNDS.length];
    private final long[] lowNanos = new long[BOUNDS.length];
    private String stage = "start";
    private long stageStart = start;

    /** The listener, with each stage change timed. */
    Analysis.Listener listener(Analysis.Listener l) {
        return new Analysis.Listener() {
            public void stage(String s, long total, String message) {
                Profile.this.stage(s);
                l.stage(s, total, message);
            }

            public void advance(long units) {
                l.advance(units);
            }

            public boolean cancelled() {
                return l.cancelled();
            }

            public void checkpoint() {
                l.checkpoint();
            }
        };
    }

    synchronized void stage(String s) {
        if (s.equals(stage)) {
            return;
        }
        long now = System.nanoTime();
        stages.computeIfAbsent(stage, x -> new long[3])[0] += now - stageStart;
        stage = s;
        stageStart = now;
    }

    /** The map, each call timed. */
    LatentMap map(LatentMap f) {
        return map(f, false);
    }

    private LatentMap map(LatentMap f, boolean low) {
        return new LatentMap() {
            public Tensor apply(Tensor z) {
                long t = System.nanoTime();
                Tensor out = f.apply(z);
                record(z.rows(), 1, System.nanoTime() - t, low);
                return out;
            }

            public Tensor applySteps(Tensor z, int steps) {
                long t = System.nanoTime();
                Tensor out = f.applySteps(z, steps);
                record(z.rows(), steps, System.nanoTime() - t, low);
                return out;
            }

            public java.util.Optional<LatentMap> lowPrecision() {
                return f.lowPrecision().map(g -> map(g, true));
            }
        };
    }

    /** With {@value #CALLS}=FILE: one line per map call, written to FILE with the report. */
    static final String CALLS = "latentlab.profile.calls";
    /** The log's first line: a file that starts otherwise is not one of these logs, and is never overwritten. */
    static final String CALLS_HEADER =
            "# map calls: precision (F model, L low-precision version) rows steps microseconds stage end (microseconds since the job started)";
    private final StringBuilder callLog = System.getProperty(CALLS) == null ? null : new StringBuilder(CALLS_HEADER + "\n");

    private synchronized void record(int rows, int steps, long ns, boolean low) {
        if (callLog != null) {
            callLog.append(low ? "L " : "F ").append(rows).append(' ').append(steps).append(' ').append(ns / 1000).append(' ')
                    .append(stage).append(' ').append((System.nanoTime() - start) / 1000).append('\n');
        }
        int b = 0;
        while (rows >= BOUNDS[b]) {
            b++;
        }
        (low ? lowCalls : calls)[b]++;
        (low ? lowRowSteps : rowSteps)[b] += (long) rows * steps;
        (low ? lowNanos : nanos)[b] += ns;
        long[] st = stages.computeIfAbsent(stage, x -> new long[3]);
        st[1] += ns;
        st[2]++;
    }

    /** The breakdown so far, one line per stage and per batch size class. */
    synchronized String report() {
        stage("end");
        StringBuilder out = new StringBuilder();
        long total = System.nanoTime() - start;
        out.append(String.format(Locale.ROOT, "profile: %.2f s in the job%n", total / 1e9));
        for (Map.Entry<String, long[]> e : stages.entrySet()) {
            long[] v = e.getValue();
            if (e.getKey().equals("start") && v[0] < 1_000_000 && v[2] == 0) {
                continue;
            }
            out.append(String.format(Locale.ROOT, "profile:   %-14s %8.2f s  (map: %6d calls, %8.2f s)%n", e.getKey(),
                    v[0] / 1e9, v[2], v[1] / 1e9));
        }
        for (int b = 0; b < BOUNDS.length; b++) {
            if (calls[b] > 0) {
                out.append(String.format(Locale.ROOT, "profile:   map calls of %-9s rows: %7d calls, %10d row-steps, %8.2f s, %8.1f us/row-step%n",
                        NAMES[b], calls[b], rowSteps[b], nanos[b] / 1e9, nanos[b] / 1e3 / rowSteps[b]));
            }
        }
        for (int b = 0; b < BOUNDS.length; b++) {
            if (lowCalls[b] > 0) {
                out.append(String.format(Locale.ROOT, "profile:   low-precision map calls of %-9s rows: %7d calls, %10d row-steps, %8.2f s, %8.1f us/row-step%n",
                        NAMES[b], lowCalls[b], lowRowSteps[b], lowNanos[b] / 1e9, lowNanos[b] / 1e3 / lowRowSteps[b]));
            }
        }
        if (callLog != null) {
            java.nio.file.Path file = java.nio.file.Path.of(System.getProperty(CALLS));
            try {
                if (java.nio.file.Files.exists(file) && !isCallLog(file)) {
                    out.append("profile:   not writing the map calls over ").append(file.toAbsolutePath())
                            .append(": it exists and is not an earlier map-call log").append(System.lineSeparator());
                    return out.toString();
                }
                java.nio.file.Files.writeString(file, callLog);
                out.append("profile:   map calls, one per line: ").append(file.toAbsolutePath()).append(System.lineSeparator());
            } catch (java.io.IOException | RuntimeException e) {
                out.append("profile:   cannot write the map calls to ").append(file).append(": ").append(e).append(System.lineSeparator());
            }
        }
        return out.toString();
    }

    /** Whether {@code file} is a regular file whose first line is {@link #CALLS_HEADER} (a log this profile wrote before). */
    private static boolean isCallLog(java.nio.file.Path file) throws java.io.IOException {
        if (!java.nio.file.Files.isRegularFile(file)) {
            return false;
        }
        try (java.io.BufferedReader r = java.nio.file.Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
            char[] head = new char[CALLS_HEADER.length()];
            int got = 0;
            while (got < head.length) {
                int c = r.read(head, got, head.length - got);
                if (c < 0) {
                    return false;
                }
                got += c;
            }
            return CALLS_HEADER.equals(new String(head));
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }
}
