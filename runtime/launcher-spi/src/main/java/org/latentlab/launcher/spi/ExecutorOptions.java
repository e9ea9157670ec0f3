package org.latentlab.launcher.spi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The executor options that commands running work elsewhere share ({@code sweep}, {@code analyze}): {@code --executor
 * ID}, {@code --executor-param KEY=VALUE}..., and the short form {@code --spark MASTER} with {@code --spark-conf
 * KEY=VALUE}... for {@code --executor spark --executor-param master=MASTER}; checked alike, refused with
 * {@link CommandLines.BadUsage} naming the option.
 *
 * @param id     the executor asked for, or null when none was
 * @param params its parameters as given ({@code conf} holds the --spark-conf lines)
 */
public record ExecutorOptions(String id, Map<String, String> params) {

    public static final String SPARK = "spark";

    public ExecutorOptions {
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /**
     * @param sparkDoes what --spark does in this command, for the message when --executor names another executor
     *                  (e.g. "runs the cells on the spark executor")
     */
    public static ExecutorOptions of(String executor, List<String> executorParams, String spark, List<String> sparkConf,
            String sparkDoes) {
        String id = executor;
        Map<String, String> params = new LinkedHashMap<>();
        for (String kv : executorParams) {
            int eq = kv.indexOf('=');
            if (eq < 1) {
                throw new CommandLines.BadUsage("--executor-param " + kv + ": give KEY=VALUE");
            }
            params.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        if (spark != null) {
            if (executor != null && !executor.equals(SPARK)) {
                throw new CommandLines.BadUsage("--spark " + sparkDoes + "; it cannot be combined with --executor " + executor);
            }
            if (spark.isBlank()) {
                throw new CommandLines.BadUsage("--spark needs a master URL: local[N], spark://HOST:PORT, yarn or k8s://...");
            }
            id = SPARK;
            params.put("master", spark);
        }
        if (!sparkConf.isEmpty()) {
            if (!SPARK.equals(id)) {
                throw new CommandLines.BadUsage("--spark-conf is for --spark MASTER (or --executor spark)");
            }
            List<String> lines = new ArrayList<>();
            for (String kv : sparkConf) {
                if (kv.indexOf('=') < 1 || kv.contains("\n")) {
                    throw new CommandLines.BadUsage("--spark-conf " + kv + ": give KEY=VALUE, e.g. spark.executor.memory=4g");
                }
                lines.add(kv);
            }
            params.merge("conf", String.join("\n", lines), (x, y) -> x + "\n" + y);
        }
        return new ExecutorOptions(id, params);
    }
}
