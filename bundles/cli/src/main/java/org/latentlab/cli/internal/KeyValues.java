package org.latentlab.cli.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latentlab.launcher.spi.CommandLines.BadUsage;

/** {@code a=1,b=2} option values, possibly repeated, into one map. */
final class KeyValues {

    private KeyValues() {}

    static Map<String, String> parse(List<String> items) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String item : items) {
            for (String kv : item.split(",")) {
                if (kv.isBlank()) {
                    continue;
                }
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new BadUsage("'" + kv + "' is not key=value");
                }
                out.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        }
        return out;
    }
}
