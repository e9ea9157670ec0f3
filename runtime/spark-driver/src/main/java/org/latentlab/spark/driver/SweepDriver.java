package org.latentlab.spark.driver;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutionException;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import scala.collection.JavaConverters;

/**
 * The driver program of a sweep on Spark, in a JVM of its own (started by the {@code spark} cell executor of the
 * latentlab-spark bundle, never inside OSGi). Each cell is one Spark job of one task ({@link CellTask}), so Spark
 * retries a cell whose task fails (up to {@code spark.task.maxFailures}, or F in {@code local[N,F]}), re-runs it
 * elsewhere when its executor is lost, and one cell that fails for good does not stop the others. Jobs are submitted
 * in grid order; the cluster's free cores decide how many run at once.
 *
 * <p>Talks to the executor by lines on standard output (everything else, Spark's log included, goes to standard
 * error), fields separated by one space, the last field the rest of the line with newlines written as {@code \n}:
 * <pre>
 * app APP-ID UI-URL|-            the SparkContext is up
 * started CELL ATTEMPT HOST      a task attempt of the cell started (attempts count from 0)
 * lost CELL ATTEMPT REASON       a task attempt failed; Spark runs it again while attempts remain
 * finished CELL ZIP              the cell's folder, zipped, is at ZIP (a file in the job's results folder)
 * failed CELL REASON             Spark gave up on the cell
 * error REASON                   the driver cannot go on (no SparkContext)
 * end                            every cell is finished or failed
 * </pre>
 * A line {@code cancel} on standard input, or its end (the lab that started this driver died), cancels every job and
 * ends the driver with exit status 3.
 */
public final class SweepDriver {

    static final String JAVA_SERIALIZER = "org.apache.spark.serializer.JavaSerializer";
    /** Job group of a cell's job: this prefix and the cell id. */
    static final String GROUP = "latentlab-cell-";
    /** Spark 3.5 on Java 17 (docs/distributed.md): what the driver JVM is started with, and executors get too. */
    public static final List<String> JAVA_17_OPTIONS = List.of("java.lang", "java.lang.invoke", "java.nio", "sun.nio.ch", "java.util",
            "java.util.concurrent", "sun.security.action", "java.net", "java.io").stream()
            .map(p -> "--add-opens=java.base/" + p + "=ALL-UNNAMED").toList();

    private final DriverJob job;
    private final PrintStream events;
    private volatile boolean cancelled;
    /** Whether this driver is its own process (main), which it may halt when a cancel does not stop Spark. */
    private boolean ownProcess;

    SweepDriver(DriverJob job, PrintStream events) {
        this.job = job;
        this.events = events;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: SweepDriver JOB.json");
            System.exit(2);
        }
        PrintStream events = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // standard output carries events only
        int rc;
        try {
            SweepDriver driver = new SweepDriver(DriverJob.read(Path.of(args[0])), events);
            driver.ownProcess = true;
            rc = driver.run(System.in);
        } catch (Throwable e) {
            events.println("error " + oneLine(describe(e)));
            e.printStackTrace();
            rc = 1;
        }
        events.flush();
        System.exit(rc);
    }

    /** Runs every cell; 0 when each is finished or failed, 1 when Spark could not start, 3 when cancelled. */
    int run(InputStream control) throws Exception {
        SparkConf conf = new SparkConf().setMaster(job.master()).setAppName(job.appName());
        if (!job.jars().isEmpty()) {
            conf.setJars(job.jars().toArray(String[]::new));
        }
        job.conf().forEach(conf::set);
        if (!conf.get("spark.serializer", JAVA_SERIALIZER).equals(JAVA_SERIALIZER)) {
            // a cell's data is read from disk as its task is serialized (TaskInput): only Java's serializer does that
            System.err.println("LatentLab: spark.serializer " + conf.get("spark.serializer") + " ignored: the driver ships its "
                    + "cells with " + JAVA_SERIALIZER);
            conf.set("spark.serializer", JAVA_SERIALIZER);
        }
        String opts = String.join(" ", JAVA_17_OPTIONS);
        String given = conf.get("spark.executor.extraJavaOptions", "");
        conf.set("spark.executor.extraJavaOptions", given.isBlank() ? opts : opts + " " + given);
        Path results = Path.of(job.results());
        Files.createDirectories(results);

        String unreachable = unreachableMaster(job.master(), MASTER_CONNECT_MILLIS);
        if (unreachable != null) { // Spark itself retries for about a minute, then may leave the driver waiting for good
            emit("error", unreachable);
            return 1;
        }
        JavaSparkContext sc;
        try {
            sc = new JavaSparkContext(conf);
        } catch (RuntimeException e) {
            emit("error", describe(e));
            return 1;
        }
        try {
            emit("app", sc.sc().applicationId(), sc.sc().uiWebUrl().isDefined() ? sc.sc().uiWebUrl().get() : "-");
            sc.sc().addSparkListener(new Attempts());
            Thread watcher = new Thread(() -> watch(control, sc), "latentlab-control");
            watcher.setDaemon(true);
            watcher.start();

            String shared = null;
            if (job.shared() != null) { // fetched by each executor once, from this driver
                sc.addFile(job.shared());
                shared = Path.of(job.shared()).getFileName().toString();
            }
            CellTask task = new CellTask(job.command(), job.task(), shared);
            List<JavaFutureAction<List<byte[]>>> jobs = new ArrayList<>();
            for (DriverJob.Cell cell : job.cells()) { // submitted in grid order, one job per cell
                sc.setJobGroup(GROUP + cell.id(), "LatentLab sweep cell " + cell.id(), true);
                jobs.add(sc.parallelize(List.of(new TaskInput(cell)), 1).map(task).collectAsync());
            }
            CountDownLatch left = new CountDownLatch(jobs.size());
            for (int i = 0; i < jobs.size(); i++) { // results are written as they arrive, in any order
                DriverJob.Cell cell = job.cells().get(i);
                JavaFutureAction<List<byte[]>> f = jobs.get(i);
                Thread t = new Thread(() -> {
                    try {
                        collect(cell, f, results);
                    } finally {
                        left.countDown();
                    }
                }, "latentlab-cell-" + cell.id());
                t.setDaemon(true);
                t.start();
            }
            while (!left.await(500, TimeUnit.MILLISECONDS)) {
                if (sc.sc().isStopped()) { // e.g. the master stopped answering: jobs submitted then may never end
                    emit("error", "the Spark context stopped before the jobs ended (master " + job.master()
                            + " lost or unresponsive; see driver.log)");
                    return cancelled ? 3 : 1;
                }
            }
        } finally {
            sc.stop(); // delivers the listener's last events first
        }
        if (cancelled) {
            return 3;
        }
        emit("end");
        return 0;
    }

    private void collect(DriverJob.Cell cell, JavaFutureAction<List<byte[]>> f, Path results) {
        try {
            byte[] zip = f.get().get(0);
            Path part = results.resolve(cell.id() + ".zip.part");
            Files.write(part, zip);
            Path done = Files.move(part, results.resolve(cell.id() + ".zip"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            emit("finished", cell.id(), done.toString());
        } catch (ExecutionException e) {
            if (!cancelled) {
                emit("failed", cell.id(), withoutStack(describe(e.getCause() == null ? e : e.getCause())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            emit("failed", cell.id(), "cannot write the cell's results on the driver: " + describe(e));
        }
    }

    /** Cancels every job at a {@code cancel} line or the end of the input (the lab that started us is gone). */
    private void watch(InputStream control, JavaSparkContext sc) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(control, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.strip().equals("cancel")) {
                    break;
                }
            }
        } catch (IOException e) {
            // treated as the end of the input
        }
        cancelled = true;
        sc.cancelAllJobs();
        if (!ownProcess) {
            return;
        }
        // the lab gave up on us: never outlive it by more than this, whatever Spark is still waiting for
        Thread deadline = new Thread(() -> {
            try {
                Thread.sleep(CANCEL_GRACE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            emit("error", "cancelled; Spark did not stop within " + CANCEL_GRACE_MILLIS / 1000 + " s, driver halted");
            Runtime.getRuntime().halt(3);
        }, "latentlab-cancel-deadline");
        deadline.setDaemon(true);
        deadline.start();
    }

    /** How long a standalone master's port may take to accept a connection before the run is refused. */
    static final int MASTER_CONNECT_MILLIS = 10_000;
    /** How long the driver may take to stop after a cancel. */
    static final long CANCEL_GRACE_MILLIS = 30_000;

    /**
     * For a standalone master ({@code spark://host:port[,host:port...]}, several for a highly available one): why none
     * of its addresses accepts a TCP connection, or null when one does or the master is of another kind.
     */
    static String unreachableMaster(String master, int timeoutMillis) {
        if (master == null || !master.startsWith("spark://")) {
            return null;
        }
        List<String> why = new ArrayList<>();
        for (String hostPort : master.substring("spark://".length()).split(",")) {
            int colon = hostPort.lastIndexOf(':');
            String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) { // an IPv6 literal, spark://[::1]:7077
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = colon < 0 ? 7077 : Integer.parseInt(hostPort.substring(colon + 1).replaceAll("/.*$", ""));
            } catch (NumberFormatException e) {
                return null; // Spark's own parser says what is wrong with it
            }
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress(host, port), timeoutMillis);
                return null;
            } catch (IOException e) {
                why.add(host + ":" + port + " (" + describe(e) + ")");
            }
        }
        return "cannot reach the Spark master " + master + ": " + String.join(", ", why)
                + "; is the master running, and is the address right?";
    }

    /** Tells the executor about task attempts: which cell started where, and why an attempt was lost. */
    private final class Attempts extends SparkListener {
        private final Map<Integer, String> stageCell = new ConcurrentHashMap<>();

        @Override
        public void onJobStart(SparkListenerJobStart e) {
            String group = e.properties() == null ? null : e.properties().getProperty("spark.jobGroup.id");
            if (group != null && group.startsWith(GROUP)) {
                for (Object stage : JavaConverters.seqAsJavaList(e.stageIds())) {
                    stageCell.put((Integer) stage, group.substring(GROUP.length()));
                }
            }
        }

        @Override
        public void onTaskStart(SparkListenerTaskStart e) {
            String cell = stageCell.get(e.stageId());
            if (cell != null) {
                emit("started", cell, Integer.toString(e.taskInfo().attemptNumber()), e.taskInfo().host());
            }
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd e) {
            String cell = stageCell.get(e.stageId());
            if (cell != null && e.reason() instanceof TaskFailedReason r) {
                emit("lost", cell, Integer.toString(e.taskInfo().attemptNumber()), withoutStack(r.toErrorString()));
            }
        }
    }

    private synchronized void emit(String event, String... fields) {
        StringBuilder line = new StringBuilder(event);
        for (String f : fields) {
            line.append(' ').append(oneLine(f));
        }
        events.println(line);
        events.flush();
    }

    static String oneLine(String s) {
        return s == null ? "" : s.strip().replace("\\", "\\\\").replace("\r", "").replace("\n", "\\n");
    }

    /** A task's error without the stack traces Spark appends (they are in the driver's log). */
    static String withoutStack(String s) {
        int at = s.indexOf("\n\tat ");
        int driver = s.indexOf("\nDriver stacktrace:");
        int cut = at < 0 ? driver : driver < 0 ? at : Math.min(at, driver);
        return cut < 0 ? s : s.substring(0, cut);
    }

    static String describe(Throwable e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getName() : e.getMessage();
    }
}
