package org.latentlab.spark.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.engine.SeedPartExecutor;
import org.latentlab.api.engine.SeedPartExecutor.SeedPart;
import org.latentlab.io.IoErrors;

/**
 * The seed parts of one analysis on Spark: the same driver program and protocol as a sweep ({@link DriverProcess};
 * SweepDriver in runtime/spark-driver), each part one job of one task that runs {@code latentlab analyze-part} on its
 * worker. The part's seeds travel inside its task; the model folder, when at most {@code shipModelMB}, is zipped once into
 * the run folder and fetched once by each executor, else the workers read it at its path. A part's folder comes back
 * zipped and is unpacked into the engine's folder for it; the run folder keeps {@code job.json}, {@code driver.log} and
 * {@code events.log}.
 */
final class PartRun {

    /** What a task runs: {@code latentlab analyze-part --part FILE --out DIR --seeds FILE [--model DIR]}. */
    static final String SUBCOMMAND = "analyze-part";
    /** Room in a task for what is not seeds: the part's JSON and Spark's own fields. */
    static final long TASK_OVERHEAD = 1 << 20;

    private final SparkSettings settings;
    private final SeedPartExecutor.PartJob job;
    private final Path runDir;
    private final SeedPartExecutor.Listener listener;
    private final Map<String, SeedPart> byName = new LinkedHashMap<>();
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final DriverProcess driver;

    PartRun(SparkSettings settings, SeedPartExecutor.PartJob job, Path runDir, SeedPartExecutor.Listener listener) {
        this.settings = settings;
        this.job = job;
        this.runDir = runDir;
        this.listener = listener;
        this.driver = new DriverProcess(settings, runDir);
        job.parts().forEach(p -> byName.put(p.name(), p));
    }

    Path driverLog() {
        return driver.driverLog();
    }

    void run() throws InterruptedException {
        checkTaskSizes();
        Path model = shipModel();
        long seeds = job.parts().stream().mapToLong(SeedPart::count).sum();
        try {
            int rc = driver.run("LatentLab analysis (" + seeds + " seeds in " + job.parts().size() + " part"
                    + (job.parts().size() == 1 ? "" : "s") + ")", j -> writeJob(j, model), this::handle, listener::cancelled);
            if (rc == DriverProcess.CANCELLED) {
                return;
            }
            for (SeedPart part : job.parts()) {
                if (reported.add(part.name())) {
                    listener.failed(part, driver.noResult(rc, "part"));
                }
            }
        } finally {
            if (model != null) {
                try {
                    Files.deleteIfExists(model);
                } catch (IOException e) {
                    // pruned with the run folder
                }
            }
        }
    }

    /** Refuses parts whose seeds would make a task larger than Spark sends (spark.rpc.message.maxSize). */
    void checkTaskSizes() {
        long limit = settings.taskLimit();
        for (SeedPart part : job.parts()) {
            long bytes;
            try {
                bytes = Files.size(part.seeds());
            } catch (IOException e) {
                throw new LatentLabException("executor 'spark': cannot read the seeds of " + part.name() + ": " + IoErrors.describe(e), e);
            }
            if (limit != Long.MAX_VALUE && bytes > limit - TASK_OVERHEAD) {
                throw new LatentLabException(String.format(Locale.ROOT, "executor 'spark': a part of %d seeds is %.1f MiB of seeds, "
                        + "more than a Spark task carries (spark.rpc.message.maxSize = %d MiB, less 1 MiB for the task): split the "
                        + "seeds into more parts (--partitions) or raise spark.rpc.message.maxSize (at most 2047)", part.count(),
                        bytes / 1048576.0, limit >> 20));
            }
        }
    }

    /** The model folder zipped into the run folder when it is small enough to ship, else null (read at its path). */
    Path shipModel() {
        Path folder = job.modelFolder();
        try {
            if (settings.shipModelBytes() <= 0 || CellZip.size(folder) > settings.shipModelBytes()) {
                return null;
            }
            Path zip = runDir.resolve("model.zip");
            CellZip.pack(folder, zip);
            return zip;
        } catch (IOException e) {
            throw new LatentLabException("executor 'spark': cannot zip the model folder " + folder + " to ship it: "
                    + IoErrors.describe(e), e);
        }
    }

    /** The parts (their seeds read by the driver from the lab's disk), the task, the shipped model. */
    void writeJob(ObjectNode j, Path model) throws IOException {
        ArrayNode cs = j.putArray("cells");
        for (SeedPart part : job.parts()) {
            cs.addObject().put("id", part.name()).put("json", DriverRun.JSON.writeValueAsString(PartInput.of(job, part, model != null)))
                    .put("data", part.seeds().toAbsolutePath().toString());
        }
        j.putObject("task").put("subcommand", SUBCOMMAND).put("inputOption", "--part").put("doneFile", SeedPartExecutor.DONE_FILE)
                .put("dataOption", "--seeds").put("sharedOption", "--model");
        if (model != null) {
            j.put("shared", model.toAbsolutePath().toString());
        }
    }

    /** One event line of the driver (see SweepDriver in runtime/spark-driver). */
    void handle(String line) {
        DriverProcess.Event e = DriverProcess.Event.parse(line);
        SeedPart part = byName.get(e.id());
        if (part == null) {
            return; // app, end, or not ours
        }
        switch (e.kind()) {
            case "started" -> {
                if (!reported.contains(part.name())) {
                    listener.started(part, e.host());
                }
            }
            case "finished" -> {
                if (e.rest() != null && reported.add(part.name())) {
                    String failure = place(part, Path.of(e.rest()));
                    if (failure == null) {
                        listener.finished(part);
                    } else {
                        listener.failed(part, failure);
                    }
                }
            }
            case "failed" -> {
                if (reported.add(part.name())) {
                    listener.failed(part, e.reason());
                }
            }
            default -> {
                // lost: recorded in events.log (error: by the driver process)
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
}
