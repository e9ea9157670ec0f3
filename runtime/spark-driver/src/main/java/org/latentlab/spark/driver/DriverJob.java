package org.latentlab.spark.driver;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the LatentLab side (the {@code spark} cell executor) asks the driver to do, read from the JSON file named on
 * the command line. The driver never looks inside a cell: cells travel as their JSON text and come back as the
 * bytes of a zipped folder.
 *
 * @param master    the Spark master URL ({@code local[2]}, {@code spark://host:7077}, {@code yarn}, {@code k8s://...})
 * @param appName   the application name the cluster shows
 * @param conf      further Spark settings
 * @param jars      jars the executors need (this driver jar): {@code SparkConf.setJars}
 * @param command   how a task starts a lab on its worker, e.g. {@code [/opt/latentlab/bin/latentlab, --home, /data]};
 *                  the task appends {@code sweep-cell --cell FILE --out DIR --exit-with-stdin}
 * @param results   folder on the driver's machine where each finished cell's zip is written ({@code <id>.zip})
 * @param cells     the cells, in grid order
 * @param task      what a task runs: the lab's subcommand, the option naming its input file, and the file in its output
 *                  folder that says the output is whole; {@code null}: a sweep cell ({@code sweep-cell --cell},
 *                  {@code cell.json})
 * @param shared    a zip on the driver's machine that every task needs (an analysis's model folder), or null: given to
 *                  Spark with {@code SparkContext.addFile}, so each executor fetches it once and unpacks it once, and
 *                  each task names the unpacked folder to its lab with {@link Task#sharedOption()}
 */
public record DriverJob(String master, String appName, Map<String, String> conf, List<String> jars, List<String> command,
        String results, List<Cell> cells, Task task, String shared) {

    /**
     * The lab command a task runs on its input: {@code latentlab SUBCOMMAND INPUT-OPTION FILE --out DIR}, then
     * {@code DATA-OPTION FILE} with the cell's data file (written by the task from the bytes that came with it) and
     * {@code SHARED-OPTION DIR} with the job's shared folder, where those options are set.
     */
    public record Task(String subcommand, String inputOption, String doneFile, String dataOption, String sharedOption)
            implements java.io.Serializable {
        /** A sweep cell: no data, nothing shared. */
        public static final Task CELL = new Task("sweep-cell", "--cell", "cell.json", null, null);
    }

    static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * One cell: its id (also its folder name), its serialized form as LatentLab wrote it, and the file on the driver's
     * machine whose bytes travel inside the cell's task (an analysis part's seeds), or null.
     */
    public record Cell(String id, String json, String data) {
        public Cell(String id, String json) {
            this(id, json, null);
        }
    }

    public DriverJob {
        conf = conf == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(conf));
        jars = jars == null ? List.of() : List.copyOf(jars);
        command = List.copyOf(command);
        cells = List.copyOf(cells);
        task = task == null ? Task.CELL : task;
    }

    /** A sweep's job. */
    public DriverJob(String master, String appName, Map<String, String> conf, List<String> jars, List<String> command,
            String results, List<Cell> cells) {
        this(master, appName, conf, jars, command, results, cells, Task.CELL, null);
    }

    public static DriverJob read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), DriverJob.class);
    }

    public void write(Path file) throws IOException {
        JSON.writeValue(file.toFile(), this);
    }
}
