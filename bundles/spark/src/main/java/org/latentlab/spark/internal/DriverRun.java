package org.latentlab.spark.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.latentlab.api.sweep.CellExecutor;
import org.latentlab.api.sweep.CellResult;
import org.latentlab.api.sweep.SweepCell;
import org.latentlab.io.IoErrors;
import org.latentlab.io.OutputFolder;

/**
 * One sweep on Spark: runs the driver JVM ({@link DriverProcess}) on the sweep's cells, turns its events into the listener's
 * calls, and places each cell folder that comes back into the sweep's cells folder (staged and published like a
 * local cell). The run folder keeps {@code job.json}, {@code driver.log} (the driver's standard error: Spark's log)
 * and {@code events.log} (every event, lost task attempts included).
 */
final class DriverRun {

    /** The output kind of a cell folder, as the sweep's cell runner writes it. */
    static final String CELL_KIND = "sweep-cell";
    static final ObjectMapper JSON = new ObjectMapper();

    private final List<SweepCell> cells;
    private final Path cellsDir;
    private final CellExecutor.Listener listener;
    private final Function<Path, Optional<CellResult>> reader;
    private final Map<String, SweepCell> byId = new LinkedHashMap<>();
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> startedAt = new ConcurrentHashMap<>();
    private final DriverProcess driver;

    DriverRun(SparkSettings settings, List<SweepCell> cells, Path cellsDir, Path runDir, CellExecutor.Listener listener,
            Function<Path, Optional<CellResult>> reader) {
        this.cells = cells;
        this.cellsDir = cellsDir;
        this.listener = listener;
        this.reader = reader;
        this.driver = new DriverProcess(settings, runDir);
        cells.forEach(c -> byId.put(c.id(), c));
    }

    Path driverLog() {
        return driver.driverLog();
    }

    void run() throws InterruptedException {
        int rc = driver.run("LatentLab sweep (" + cells.size() + " cell" + (cells.size() == 1 ? "" : "s") + ")", this::writeJob,
                this::handle, listener::cancelled);
        if (rc == DriverProcess.CANCELLED) {
            return;
        }
        for (SweepCell c : cells) {
            if (!reported.contains(c.id())) {
                finished(CellResult.failed(c, driver.noResult(rc, "cell"), millis(c), "spark"));
            }
        }
    }

    void writeJob(ObjectNode j) throws IOException {
        ArrayNode cs = j.putArray("cells");
        for (SweepCell c : cells) {
            cs.addObject().put("id", c.id()).put("json", JSON.writeValueAsString(c));
        }
    }

    /** One event line of the driver (see SweepDriver in runtime/spark-driver). */
    void handle(String line) {
        DriverProcess.Event e = DriverProcess.Event.parse(line);
        SweepCell c = byId.get(e.id());
        if (c == null) {
            return; // app, end, or not ours
        }
        switch (e.kind()) {
            case "started" -> {
                if (!reported.contains(c.id())) {
                    startedAt.putIfAbsent(c.id(), System.currentTimeMillis());
                    listener.started(c);
                }
            }
            case "finished" -> {
                if (e.rest() != null) {
                    finished(place(c, Path.of(e.rest())));
                }
            }
            case "failed" -> finished(CellResult.failed(c, e.reason(), millis(c), "spark"));
            default -> {
                // lost: recorded in events.log (error: by the driver process)
            }
        }
    }

    private void finished(CellResult r) {
        if (reported.add(r.cell().id())) {
            listener.finished(r);
        }
    }

    /** Puts a cell's zip into {@code cellsDir/<id>} (staged, then published) and reads its result. */
    CellResult place(SweepCell cell, Path zip) {
        Path cellDir = cellsDir.resolve(cell.id());
        try {
            try (OutputFolder out = OutputFolder.open(cellDir, CELL_KIND); InputStream in = Files.newInputStream(zip)) {
                CellZip.unpack(in, out.staging());
                out.publish();
            }
            Files.deleteIfExists(zip);
        } catch (IOException | RuntimeException e) {
            return CellResult.failed(cell, "the cell came back from Spark but cannot be written into " + cellDir + ": "
                    + (e instanceof IOException io ? IoErrors.describe(io) : e.getMessage()), millis(cell), "spark");
        }
        return reader.apply(cellDir).filter(r -> r.cell().id().equals(cell.id())).orElseGet(() -> CellResult.failed(cell,
                "the cell folder that came back from Spark holds no readable cell.json", millis(cell), "spark"));
    }

    private long millis(SweepCell c) {
        Long t = startedAt.get(c.id());
        return t == null ? 0 : System.currentTimeMillis() - t;
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(n == 'n' ? '\n' : n);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static final Pattern ATTEMPTS = Pattern.compile("failed (\\d+) times?");

    /**
     * A cell's error in one line from Spark's reason: the attempts, the task's own message and the lab's last line,
     * e.g. {@code on Spark, 4 attempts: 'latentlab sweep-cell' exited with 1 without writing the cell; last output: ...}.
     */
    static String summary(String reason) {
        List<String> lines = reason.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (lines.isEmpty()) {
            return "on Spark: the cell's job failed";
        }
        String first = lines.get(0);
        Matcher m = ATTEMPTS.matcher(first);
        String attempts = m.find() ? ", " + m.group(1) + " attempt" + (m.group(1).equals("1") ? "" : "s") : "";
        String what = first;
        int failure = what.indexOf("most recent failure: ");
        if (failure >= 0) {
            what = what.substring(failure + "most recent failure: ".length());
            int colon = what.indexOf("): "); // after "Lost task 0.3 in stage 3.0 (TID 9) (host executor 1"
            if (colon >= 0) {
                what = what.substring(colon + 3);
            }
        }
        what = what.replaceFirst("^[\\w.$]+Exception: ", "").replaceFirst("^cell \\S+: ", "").replaceFirst("; its last lines:$", "");
        String last = lines.size() > 1 && first.endsWith("its last lines:") ? "; last output: " + lines.get(lines.size() - 1) : "";
        return "on Spark" + attempts + ": " + what + last;
    }
}
