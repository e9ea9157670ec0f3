package org.latentlab.spark.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.engine.SeedPartExecutor;
import org.latentlab.api.engine.SeedPartExecutor.SeedPart;
import org.latentlab.io.IoErrors;

/**
 * The seed parts of one analysis on Spark: the same driver program and protocol as a sweep ({@link DriverRun}; SweepDriver
 * in runtime/spark-driver), each part one job of one task that runs {@code latentlab analyze-part} on its worker. A part's
 * folder comes back zipped and is unpacked into the engine's folder for it; the run folder keeps {@code job.json},
 * {@code driver.log} and {@code events.log}.
 */
final class PartRun {

    /** What a task runs: {@code latentlab analyze-part --part FILE --out DIR}, whole once {@code part.json} is written. */
    static final String SUBCOMMAND = "analyze-part";

    private final SparkSettings settings;
    private final SeedPartExecutor.PartJob job;
    private final Path runDir;
    private final SeedPartExecutor.Listener listener;
    private final Map<String, SeedPart> byName = new LinkedHashMap<>();
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private volatile String error;
    private volatile boolean cancelSent;

    PartRun(SparkSettings settings, SeedPartExecutor.PartJob job, Path runDir, SeedPartExecutor.Listener listener) {
        this.settings = settings;
        this.job = job;
        this.runDir = runDir;
        this.listener = listener;
        job.parts().forEach(p -> byName.put(p.name(), p));
    }

    Path driverLog() {
        return runDir.resolve("driver.log");
    }

    void run() throws InterruptedException {
        Path jobFile = runDir.resolve("job.json");
        Path results = runDir.resolve("results");
        Process p;
        try {
            Files.createDirectories(results);
            writeJob(jobFile, results);
            ProcessBuilder pb = new ProcessBuilder(settings.driverCommand(jobFile)).directory(runDir.toFile())
                    .redirectError(driverLog().toFile());
            pb.environment().put("SPARK_HOME", settings.sparkHome().toString());
            pb.environment().put("SPARK_SCALA_VERSION", "2.12");
            p = pb.start();
        } catch (IOException e) {
            throw new LatentLabException("cannot start the Spark driver in " + runDir + ": " + IoErrors.describe(e), e);
        }
        Thread canceller = new Thread(() -> cancelWhenAsked(p), "latentlab-spark-cancel");
        canceller.setDaemon(true);
        canceller.start();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                Writer events = Files.newBufferedWriter(runDir.resolve("events.log"), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (String line; (line = in.readLine()) != null; ) {
                events.write(line);
                events.write('\n');
                events.flush();
                handle(line);
            }
        } catch (IOException e) {
            // the driver's output ended early: what is missing is reported below
        }
        int rc;
        try {
            rc = p.waitFor();
        } catch (InterruptedException e) {
            cancel(p);
            throw e;
        } finally {
            canceller.interrupt();
        }
        if (cancelSent || listener.cancelled()) {
            return;
        }
        if (error != null) {
            throw new LatentLabException("Spark: " + error + " (Spark's log: " + driverLog() + ")");
        }
        for (SeedPart part : job.parts()) {
            if (reported.add(part.name())) {
                listener.failed(part, "the Spark driver " + (rc == 0 ? "ended" : "exited with status " + rc)
                        + " without a result for this part; Spark's log: " + driverLog());
            }
        }
        Folders.deleteIfEmpty(results);
    }

    private void writeJob(Path file, Path results) throws IOException {
        ObjectNode j = DriverRun.JSON.createObjectNode();
        long seeds = job.parts().stream().mapToLong(SeedPart::count).sum();
        j.put("master", settings.master());
        j.put("appName", "LatentLab analysis (" + seeds + " seeds in " + job.parts().size() + " part"
                + (job.parts().size() == 1 ? "" : "s") + ")");
        ObjectNode conf = j.putObject("conf");
        settings.conf().forEach(conf::put);
        j.putArray("jars").add(settings.driverJar().toString());
        ArrayNode cmd = j.putArray("command");
        settings.labCommand().forEach(cmd::add);
        j.put("results", results.toString());
        ArrayNode cs = j.putArray("cells");
        for (SeedPart part : job.parts()) {
            cs.addObject().put("id", part.name()).put("json", DriverRun.JSON.writeValueAsString(PartInput.of(job, part)));
        }
        j.putObject("task").put("subcommand", SUBCOMMAND).put("inputOption", "--part").put("doneFile", SeedPartExecutor.DONE_FILE);
        DriverRun.JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), j);
    }

    /** One event line of the driver (see SweepDriver in runtime/spark-driver). */
    void handle(String line) {
        String[] f = line.split(" ", 2);
        String rest = f.length > 1 ? f[1] : "";
        switch (f[0]) {
            case "started" -> {
                String[] a = rest.split(" ", 3);
                SeedPart part = byName.get(a[0]);
                if (part != null && !reported.contains(part.name())) {
                    listener.started(part, a.length > 2 ? a[2] : "?");
                }
            }
            case "finished" -> {
                String[] a = rest.split(" ", 2);
                SeedPart part = byName.get(a[0]);
                if (part != null && a.length == 2 && reported.add(part.name())) {
                    String failure = place(part, Path.of(a[1]));
                    if (failure == null) {
                        listener.finished(part);
                    } else {
                        listener.failed(part, failure);
                    }
                }
            }
            case "failed" -> {
                String[] a = rest.split(" ", 2);
                SeedPart part = byName.get(a[0]);
                if (part != null && reported.add(part.name())) {
                    listener.failed(part, DriverRun.summary(DriverRun.unescape(a.length > 1 ? a[1] : "")));
                }
            }
            case "error" -> error = DriverRun.unescape(rest).lines().findFirst().orElse("the driver failed");
            default -> {
                // app, lost, end: recorded in events.log
            }
        }
    }

    /** Unpacks a part's zip into its folder; null when done, else why not. */
    String place(SeedPart part, Path zip) {
        Path dir = job.folder(part);
        try {
            if (Files.exists(dir)) {
                Folders.deleteTree(dir);
            }
            Files.createDirectories(dir);
            try (InputStream in = Files.newInputStream(zip)) {
                CellZip.unpack(in, dir);
            }
            Files.deleteIfExists(zip);
            return null;
        } catch (IOException | RuntimeException e) {
            return "the part came back from Spark but cannot be written into " + dir + ": "
                    + (e instanceof IOException io ? IoErrors.describe(io) : e.getMessage());
        }
    }

    private void cancelWhenAsked(Process p) {
        try {
            while (p.isAlive()) {
                if (listener.cancelled()) {
                    cancel(p);
                    return;
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            // the run is over
        }
    }

    /** Asks the driver to cancel its jobs (they kill their labs) and stop; forces it after a minute. */
    private void cancel(Process p) {
        cancelSent = true;
        try (OutputStream control = p.getOutputStream()) {
            control.write("cancel\n".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the driver is gone already
        }
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
