package org.latentlab.spark.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;

/**
 * One cell on an executor: writes the cell's JSON (and the data that came with the task, if any) to a temporary folder,
 * runs {@code latentlab sweep-cell} there as a child process (a whole lab, with the same engine and backends as a local
 * run), and returns the cell folder it wrote as zip bytes; the temporary folder is removed. The job's shared zip, if any,
 * is unpacked once per executor JVM and named to each lab. A lab that dies or exits without a whole cell folder makes the task fail, so Spark runs the
 * cell again (elsewhere when the executor is lost); a cell that the lab recorded as failed (training diverged, too
 * large) is a result like any other and is not retried.
 */
final class CellTask implements Function<TaskInput, byte[]> {

    private static final long serialVersionUID = 1L;
    /** Lines of the lab's output kept in a failure message. */
    static final int TAIL = 15;
    static final String CELL_FILE = "cell.json";

    /** Shared zips unpacked in this JVM: the zip's path on this executor, the folder it went into. */
    private static final Map<Path, Path> UNPACKED = new HashMap<>();

    private final List<String> command;
    private final DriverJob.Task task;
    /** The file name of the job's shared zip (SparkFiles.get finds it on an executor), or null. */
    private final String shared;

    CellTask(List<String> command) {
        this(command, DriverJob.Task.CELL, null);
    }

    CellTask(List<String> command, DriverJob.Task task, String shared) {
        this.command = List.copyOf(command);
        this.task = task;
        this.shared = shared;
    }

    @Override
    public byte[] call(TaskInput cell) throws Exception {
        Path work = Files.createTempDirectory("latentlab-cell-" + cell.id + "-");
        try {
            Path input = Files.writeString(work.resolve("cell-input.json"), cell.json, StandardCharsets.UTF_8);
            Path out = work.resolve(cell.id);
            Path log = work.resolve("lab.log");
            List<String> cmd = new ArrayList<>(command);
            Path launcher = Path.of(cmd.get(0));
            if (!launcher.isAbsolute() && launcher.getNameCount() > 1) {
                // a distribution shipped with spark.archives (DIR#latentlab) lies in the executor's working folder
                cmd.set(0, launcher.toAbsolutePath().toString());
            }
            cmd.addAll(List.of(task.subcommand(), task.inputOption(), input.toString(), "--out", out.toString(), "--exit-with-stdin"));
            if (task.dataOption() != null) {
                if (cell.data() == null) {
                    throw new IllegalStateException("cell " + cell.id + ": its data did not come with the task");
                }
                // a file of this task's own, removed with its folder
                cmd.addAll(List.of(task.dataOption(), Files.write(work.resolve(cell.dataName), cell.data()).toString()));
            }
            if (task.sharedOption() != null && shared != null) {
                cmd.addAll(List.of(task.sharedOption(), unpacked(Path.of(SparkFiles.get(shared))).toString()));
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = pb.environment();
            TaskContext context = TaskContext.get();
            if (context != null && !env.containsKey("OMP_NUM_THREADS")) {
                // the cores Spark gave this task (spark.task.cpus), not the whole machine: cells side by side on one
                // worker would otherwise each start a thread per core
                env.put("OMP_NUM_THREADS", Integer.toString(Math.max(1, context.cpus())));
            }
            Process p = pb.start(); // its standard input stays open: it ends when this JVM dies (--exit-with-stdin)
            int rc;
            try {
                rc = p.waitFor();
            } catch (InterruptedException e) { // the task was killed (job cancelled)
                destroyTree(p);
                Thread.currentThread().interrupt();
                throw e;
            }
            boolean whole = Files.isRegularFile(out.resolve(task.doneFile()));
            if (rc == 0 && whole) {
                return Folders.zip(out);
            }
            String what = task.equals(DriverJob.Task.CELL) ? "the cell" : "its output";
            throw new IllegalStateException("cell " + cell.id + ": 'latentlab " + task.subcommand() + "' exited with " + rc
                    + (whole ? "" : " without writing " + what) + "; its last lines:\n" + tail(log));
        } finally {
            Folders.deleteTree(work);
        }
    }

    /**
     * The folder the shared zip is unpacked into on this executor, beside it (Spark's folder of the application's files,
     * removed when the executor ends): once per JVM, whatever the number of tasks.
     */
    static synchronized Path unpacked(Path zip) throws IOException {
        Path dir = UNPACKED.get(zip);
        if (dir == null) {
            dir = Files.createTempDirectory(zip.toAbsolutePath().getParent(), zip.getFileName() + "-");
            Folders.unzip(zip, dir);
            UNPACKED.put(zip, dir);
        }
        return dir;
    }

    static void destroyTree(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    static String tail(Path log) {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(log.toFile(), "r")) {
            long from = Math.max(0, f.length() - 16384);
            byte[] b = new byte[(int) (f.length() - from)];
            f.seek(from);
            f.readFully(b);
            List<String> lines = new String(b, StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
