package org.latentlab.spark.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.latentlab.api.LatentLabException;
import org.latentlab.io.IoErrors;

/**
 * The driver JVM of one run on Spark (a sweep's cells or an analysis's parts; SweepDriver in runtime/spark-driver):
 * writes its job file into the run folder, starts it, hands each line it prints (an event) to the run, records them in
 * {@code events.log}, and cancels it when the run is cancelled. Spark's log goes to {@code driver.log}.
 */
final class DriverProcess {

    /** What {@link #run} returns when the run was cancelled. */
    static final int CANCELLED = -1;

    private final SparkSettings settings;
    private final Path runDir;
    private volatile String error;
    private volatile boolean cancelSent;

    DriverProcess(SparkSettings settings, Path runDir) {
        this.settings = settings;
        this.runDir = runDir;
    }

    Path driverLog() {
        return runDir.resolve("driver.log");
    }

    Path results() {
        return runDir.resolve("results");
    }

    /**
     * Runs the driver until it ends.
     *
     * @param appName   the application name the cluster shows
     * @param job       adds the cells (and the task, and what else the run needs) to the job's common fields
     * @param events    each event line but {@code error}, from the thread that calls this
     * @param cancelled polled: true once the run is cancelled
     * @return the driver's exit status, or {@link #CANCELLED}
     * @throws LatentLabException when the driver cannot be started or reports an error (no SparkContext)
     */
    int run(String appName, JobWriter job, Consumer<String> events, BooleanSupplier cancelled) throws InterruptedException {
        Path jobFile = runDir.resolve("job.json");
        Path results = results();
        Process p;
        try {
            Files.createDirectories(results);
            ObjectNode j = DriverRun.JSON.createObjectNode();
            j.put("master", settings.master());
            j.put("appName", appName);
            ObjectNode conf = j.putObject("conf");
            settings.conf().forEach(conf::put);
            j.putArray("jars").add(settings.driverJar().toString());
            settings.labCommand().forEach(j.putArray("command")::add);
            j.put("results", results.toString());
            job.write(j);
            DriverRun.JSON.writerWithDefaultPrettyPrinter().writeValue(jobFile.toFile(), j);
            ProcessBuilder pb = new ProcessBuilder(settings.driverCommand(jobFile)).directory(runDir.toFile())
                    .redirectError(driverLog().toFile());
            pb.environment().put("SPARK_HOME", settings.sparkHome().toString());
            pb.environment().put("SPARK_SCALA_VERSION", "2.12");
            p = pb.start();
        } catch (IOException e) {
            throw new LatentLabException("cannot start the Spark driver in " + runDir + ": " + IoErrors.describe(e), e);
        }
        Thread canceller = new Thread(() -> cancelWhenAsked(p, cancelled), "latentlab-spark-cancel");
        canceller.setDaemon(true);
        canceller.start();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                Writer log = Files.newBufferedWriter(runDir.resolve("events.log"), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (String line; (line = in.readLine()) != null; ) {
                log.write(line);
                log.write('\n');
                log.flush();
                if (line.equals("error") || line.startsWith("error ")) {
                    error = DriverRun.unescape(line.substring(5).strip()).lines().findFirst().orElse("the driver failed");
                } else {
                    events.accept(line);
                }
            }
        } catch (IOException e) {
            // the driver's output ended early: what is missing is reported by the run
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
        if (cancelSent || cancelled.getAsBoolean()) {
            return CANCELLED;
        }
        if (error != null) {
            throw new LatentLabException("Spark: " + error + " (Spark's log: " + driverLog() + ")");
        }
        Folders.deleteIfEmpty(results);
        return rc;
    }

    /**
     * One event line of the driver (see SweepDriver): its kind, the cell or part it is about, and the rest of the line
     * ({@code ATTEMPT HOST} when started, the zip's path when finished, the reason when failed), or null.
     */
    record Event(String kind, String id, String rest) {
        static Event parse(String line) {
            String[] f = line.split(" ", 3);
            return new Event(f[0], f.length > 1 ? f[1] : "", f.length > 2 ? f[2] : null);
        }

        /** Of a {@code started} event: where the attempt runs, or "?". */
        String host() {
            String[] a = rest == null ? new String[0] : rest.split(" ", 2);
            return a.length > 1 ? a[1] : "?";
        }

        /** Of a {@code failed} event: Spark's reason in one line. */
        String reason() {
            return DriverRun.summary(DriverRun.unescape(rest == null ? "" : rest));
        }
    }

    /** The run's own part of the job file. */
    interface JobWriter {
        void write(ObjectNode job) throws IOException;
    }

    /** Why the driver gave no result for an item: it ended, or exited with a status. */
    String noResult(int rc, String what) {
        return "the Spark driver " + (rc == 0 ? "ended" : "exited with status " + rc) + " without a result for this " + what
                + "; Spark's log: " + driverLog();
    }

    private void cancelWhenAsked(Process p, BooleanSupplier cancelled) {
        try {
            while (p.isAlive()) {
                if (cancelled.getAsBoolean()) {
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
