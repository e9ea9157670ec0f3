package org.latentlab.spark.internal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;

/**
 * Where and how a sweep runs on Spark, from the executor's parameters (defaults from the configuration
 * {@code org.latentlab.spark}).
 *
 * @param master     the Spark master URL
 * @param conf       further Spark settings
 * @param latentlab  the LatentLab installation on the workers (its {@code bin/latentlab} runs each cell)
 * @param home       the data folder of the labs on the workers, or null for theirs ({@code LATENTLAB_HOME} of the
 *                   executor, else {@code ~/.latentlab})
 * @param sparkHome  this installation's Spark folder: {@code jars/} (Spark and its dependencies), {@code conf/},
 *                   {@code latentlab-spark-driver.jar}
 * @param shipModelBytes analyses: a model folder of at most this many bytes is zipped and shipped to the executors; a
 *                   larger one is read by the workers at the lab's path (0: never shipped)
 */
record SparkSettings(String master, Map<String, String> conf, String latentlab, String home, Path sparkHome, long shipModelBytes) {

    static final String DRIVER_JAR = "latentlab-spark-driver.jar";
    static final String DRIVER_MAIN = "org.latentlab.spark.driver.SweepDriver";
    /** Spark 3.5 on Java 17 needs these (runtime/spark-driver SweepDriver.JAVA_17_OPTIONS gives executors the same). */
    static final List<String> JAVA_17_OPTIONS = List.of("java.lang", "java.lang.invoke", "java.nio", "sun.nio.ch", "java.util",
            "java.util.concurrent", "sun.security.action", "java.net", "java.io").stream()
            .map(p -> "--add-opens=java.base/" + p + "=ALL-UNNAMED").toList();

    SparkSettings {
        conf = Collections.unmodifiableMap(new LinkedHashMap<>(conf));
    }

    /** Default of {@code shipModelMB}: models up to 256 MB travel to the executors. */
    static final long SHIP_MODEL_MB = 256;
    /** Spark's default {@code spark.rpc.message.maxSize} (MiB): a task, with the seeds it carries, must be smaller. */
    static final int RPC_MAX_MB = 128;

    /** What the configuration {@code org.latentlab.spark} sets: the defaults of the parameters. */
    record Defaults(String master, String conf, String latentlab, String home, String shipModelMB) {
        static final Defaults NONE = new Defaults(null, null, null, null, null);

        Defaults(String master, String conf, String latentlab, String home) {
            this(master, conf, latentlab, home, null);
        }

        /** From the configuration's properties. */
        static Defaults of(Map<String, Object> props) {
            return new Defaults(text(props.get("master")), text(props.get("conf")), text(props.get("latentlab")),
                    text(props.get("home")), text(props.get("shipModelMB")));
        }
    }

    /** A configuration value: text, or an array / collection of lines (conf). */
    static String text(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof String[] a) {
            return String.join("\n", a);
        }
        if (v instanceof java.util.Collection<?> c) {
            return String.join("\n", c.stream().map(String::valueOf).toList());
        }
        String s = v.toString().strip();
        return s.isEmpty() ? null : s;
    }

    static List<ParameterSpec> parameters(Defaults d) {
        return List.of(
                ParameterSpec.text("master", d.master(), "the Spark master: local[N] (local[N,F]: F attempts per cell), "
                        + "spark://HOST:PORT, yarn, k8s://https://HOST:PORT"),
                ParameterSpec.text("conf", d.conf(), "further Spark settings, one KEY=VALUE per line, e.g. spark.executor.memory=4g"),
                ParameterSpec.text("latentlab", d.latentlab(), "the LatentLab installation on the workers (same path on each; "
                        + "default: this one's folder)"),
                ParameterSpec.text("home", d.home(), "the data folder of the labs on the workers (data sets are read or fetched "
                        + "there); default: this lab's for local[N], else the workers' own"),
                ParameterSpec.integer("shipModelMB", shipModelMB(d.shipModelMB()), 0, 1 << 20, "analyses: a model folder up to "
                        + "this size (MB) is zipped once per run and fetched by each executor; a larger one is read by the workers "
                        + "at its path (a shared file system); 0: never shipped"));
    }

    private static long shipModelMB(String configured) {
        try {
            return configured == null ? SHIP_MODEL_MB : Math.max(0, Long.parseLong(configured.strip()));
        } catch (NumberFormatException e) {
            throw new LatentLabException("configuration org.latentlab.spark: shipModelMB = " + configured + " is not a whole number");
        }
    }

    /**
     * Reads and checks the parameters.
     *
     * @param distribution  this installation's folder (framework property latentlab.distribution)
     * @param labHome       this lab's data folder (framework property latentlab.home)
     * @throws LatentLabException naming what is missing or wrong
     */
    static SparkSettings of(Parameters p, Path distribution, Path labHome) {
        String master = p.getString("master", null);
        if (master == null || master.isBlank()) {
            throw new LatentLabException("executor 'spark' needs a Spark master: --spark MASTER (local[N], spark://HOST:PORT, "
                    + "yarn, k8s://...), or 'master' in DATA/etc/org.latentlab.spark.cfg");
        }
        master = master.strip();
        if (master.chars().anyMatch(Character::isWhitespace)) {
            throw new LatentLabException("executor 'spark': master '" + master + "' holds white space");
        }
        Map<String, String> conf = conf(p.getString("conf", null));
        String latentlab = p.getString("latentlab", null);
        if (latentlab == null || latentlab.isBlank()) {
            latentlab = distribution.toString();
        }
        String home = p.getString("home", null);
        if ((home == null || home.isBlank()) && master.startsWith("local")) {
            home = labHome.toString(); // the same machine: the data sets this lab already has
        }
        Path sparkHome = distribution.resolve("spark");
        if (!Files.isDirectory(sparkHome.resolve("jars")) || !Files.isRegularFile(sparkHome.resolve(DRIVER_JAR))) {
            throw new LatentLabException("executor 'spark': this LatentLab installation has no Spark (" + sparkHome.resolve("jars")
                    + " or " + sparkHome.resolve(DRIVER_JAR) + " is missing); use a full distribution");
        }
        return new SparkSettings(master, conf, latentlab.strip(), home == null || home.isBlank() ? null : home.strip(), sparkHome,
                p.getLong("shipModelMB", SHIP_MODEL_MB) << 20);
    }

    /** {@code KEY=VALUE} lines (blank lines skipped). */
    static Map<String, String> conf(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null) {
            return out;
        }
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty()) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq < 1) {
                throw new LatentLabException("executor 'spark': conf line '" + l + "' is not KEY=VALUE");
            }
            out.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
        }
        return out;
    }

    /** The command a task runs on its worker, before {@code sweep-cell ...}. */
    List<String> labCommand() {
        List<String> cmd = new ArrayList<>(List.of(Path.of(latentlab, "bin", "latentlab").toString()));
        if (home != null) {
            cmd.addAll(List.of("--home", home));
        }
        return cmd;
    }

    /**
     * The largest task Spark sends to an executor ({@code spark.rpc.message.maxSize}, MiB), in bytes; {@code local[N]}
     * passes tasks within its JVM and has no limit ({@link Long#MAX_VALUE}).
     */
    long taskLimit() {
        if (master.equals("local") || master.startsWith("local[")) {
            return Long.MAX_VALUE;
        }
        String given = conf.get("spark.rpc.message.maxSize");
        try {
            return (given == null ? RPC_MAX_MB : Long.parseLong(given.strip())) << 20;
        } catch (NumberFormatException e) {
            throw new LatentLabException("executor 'spark': spark.rpc.message.maxSize = " + given + " is not a whole number of MiB");
        }
    }

    Path driverJar() {
        return sparkHome.resolve(DRIVER_JAR);
    }

    /** The driver's JVM: this Java, Spark's jars and the driver jar, Spark's logging configuration. */
    List<String> driverCommand(Path jobFile) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // the driver holds one cell's zip at a time; spark.driver.memory sizes it as in client mode
        cmd.add("-Xmx" + conf.getOrDefault("spark.driver.memory", "1g"));
        cmd.addAll(JAVA_17_OPTIONS);
        cmd.add("-Dlog4j2.configurationFile=" + sparkHome.resolve("conf").resolve("log4j2.properties"));
        cmd.add("-cp");
        cmd.add(sparkHome.resolve("jars") + File.separator + "*" + File.pathSeparator + driverJar());
        cmd.add(DRIVER_MAIN);
        cmd.add(jobFile.toString());
        return cmd;
    }
}
