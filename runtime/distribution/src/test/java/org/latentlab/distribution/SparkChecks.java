package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** What the Spark tests share: the same-results check, finding a cell's lab process, the executor's run folder. */
final class SparkChecks {

    static final ObjectMapper JSON = new ObjectMapper();
    /** Float rounding between runs: libtorch with one thread per task on Spark, all cores in a local run. */
    static final double RELATIVE = 1e-4;
    static final double ABSOLUTE = 1e-6;
    /** Conditions that involve starting JVMs, training and Spark's failure detection on a busy 2-core machine. */
    static final Duration LONG = Duration.ofMinutes(5);

    private SparkChecks() {}

    /**
     * The sweep on Spark wrote what the local run wrote: the same cells with the same status and error, the same
     * table (every column of sweep.json's rows; measures equal up to float rounding, counts exactly; only millis may
     * differ), the same files in every cell folder, and sweep.csv with the same header and lines.
     */
    static void assertSameSweep(Path local, Path spark) throws IOException {
        JsonNode a = JSON.readTree(local.resolve("sweep.json").toFile());
        JsonNode b = JSON.readTree(spark.resolve("sweep.json").toFile());
        assertEquals(a.get("spec"), b.get("spec"));
        for (String k : List.of("cellCount", "done", "failed", "axes")) {
            assertEquals(a.get(k), b.get(k), k);
        }
        assertEquals(a.get("cells").size(), b.get("cells").size());
        for (int i = 0; i < a.get("cells").size(); i++) {
            JsonNode ca = a.get("cells").get(i);
            JsonNode cb = b.get("cells").get(i);
            String id = ca.get("id").asText();
            assertEquals(id, cb.get("id").asText());
            assertEquals(ca.get("status"), cb.get("status"), id);
            assertEquals(ca.get("error"), cb.get("error"), id);
            assertEquals(ca.get("training"), cb.get("training"), id);
            assertEquals(files(local.resolve("cells").resolve(id)), files(spark.resolve("cells").resolve(id)), "the files of " + id);
        }
        JsonNode ra = a.get("rows");
        JsonNode rb = b.get("rows");
        assertEquals(ra.size(), rb.size(), "rows");
        for (int i = 0; i < ra.size(); i++) {
            List<String> keys = new ArrayList<>();
            ra.get(i).fieldNames().forEachRemaining(keys::add);
            List<String> keysB = new ArrayList<>();
            rb.get(i).fieldNames().forEachRemaining(keysB::add);
            assertEquals(keys, keysB, "columns of row " + i);
            for (String k : keys) {
                if (!k.equals("millis")) {
                    assertSameValue(ra.get(i).get(k), rb.get(i).get(k), "row " + i + " (" + ra.get(i).get("cell").asText() + ") " + k);
                }
            }
        }
        List<String> csvA = Files.readAllLines(local.resolve("sweep.csv"));
        List<String> csvB = Files.readAllLines(spark.resolve("sweep.csv"));
        assertEquals(csvA.get(0), csvB.get(0), "sweep.csv header");
        assertEquals(csvA.size(), csvB.size(), "sweep.csv lines");
        assertTrue(Files.isRegularFile(spark.resolve("report.html")) && Files.isRegularFile(spark.resolve("spec.json")));
    }

    static void assertSameValue(JsonNode x, JsonNode y, String where) {
        if (x.isFloatingPointNumber() || y.isFloatingPointNumber()) {
            double u = x.asDouble();
            double v = y.asDouble();
            assertTrue(Math.abs(u - v) <= Math.max(ABSOLUTE, RELATIVE * Math.max(Math.abs(u), Math.abs(v))),
                    where + ": " + u + " locally, " + v + " on Spark");
        } else {
            assertEquals(x, y, where);
        }
    }

    /** The files of a folder, relative, sorted. */
    static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    /** The lab that runs cell {@code id} (null: any cell) for a Spark task: {@code latentlab --home HOME sweep-cell ... --out .../<id>}. */
    static Optional<ProcessHandle> cellLab(Path home, String id, Stream<ProcessHandle> among) {
        return among.filter(p -> {
            // the lab's JVM only: before it, the launcher script runs as bash with the same arguments, and so does each
            // subshell it forks (its $(java -version)), which ends within milliseconds
            if (!p.info().command().map(c -> Path.of(c).getFileName().toString().equals("java")).orElse(false)) {
                return false;
            }
            List<String> args = p.info().arguments().map(Arrays::asList).orElse(List.of());
            int out = args.indexOf("--out");
            return args.contains("sweep-cell") && args.contains(home.toString()) && out >= 0 && out + 1 < args.size()
                    && (id == null || args.get(out + 1).endsWith("/" + id));
        }).findFirst();
    }

    /**
     * A Spark daemon (or anything) started with its output in {@code logs/NAME.log}, on loopback
     * ({@code SPARK_LOCAL_IP=127.0.0.1}) with {@code env} added; remembered in {@code started} to be stopped.
     */
    static Process daemon(Path logs, String name, List<String> cmd, java.util.Map<String, String> env, List<Process> started)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logs.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().putAll(env);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    /** What a daemon wrote so far into {@code logs/NAME.log} ("" before it has). */
    static String log(Path logs, String name) {
        try {
            return Files.readString(logs.resolve(name + ".log"));
        } catch (IOException e) {
            return "";
        }
    }

    /** The executor's newest run folder (job.json, driver.log, events.log) in a lab's data folder. */
    static Path lastRun(Path home) throws IOException {
        try (Stream<Path> s = Files.list(home.resolve("spark").resolve("runs"))) {
            return s.max(Comparator.comparing(p -> p.getFileName().toString())).orElseThrow();
        }
    }

    static List<String> events(Path run) throws IOException {
        return Files.readAllLines(run.resolve("events.log"), StandardCharsets.UTF_8);
    }

    static void await(String what, Duration timeout, BooleanSupplier condition, Supplier<String> context) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("timed out after " + timeout.toSeconds() + " s waiting for: " + what + "\n" + context.get());
            }
            Thread.sleep(20);
        }
    }

    /** The last lines of a log file, for failure messages. */
    static String tail(Path log, int lines) {
        try {
            List<String> all = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
            return log + ":\n" + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return log + ": " + e.getMessage();
        }
    }
}
