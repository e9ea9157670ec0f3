package org.latentlab.cli.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small parser for {@code --name value} options, repeated options and {@code key=value} lists. */
final class Args {

    /** Bad usage: the command prints the message and its help, and exits with 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private final Map<String, List<String>> options = new LinkedHashMap<>();
    private final List<String> flags = new ArrayList<>();

    Args(List<String> args, List<String> flagNames) throws UsageException {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                throw new UsageException("unexpected argument '" + a + "'");
            }
            if (flagNames.contains(a)) {
                flags.add(a);
            } else {
                if (i + 1 >= args.size()) {
                    throw new UsageException(a + " needs a value");
                }
                options.computeIfAbsent(a, k -> new ArrayList<>()).add(args.get(++i));
            }
        }
    }

    void allow(List<String> names) throws UsageException {
        for (String o : options.keySet()) {
            if (!names.contains(o)) {
                throw new UsageException("unknown option " + o);
            }
        }
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    String get(String name) {
        List<String> v = options.get(name);
        return v == null ? null : v.get(v.size() - 1);
    }

    String get(String name, String def) {
        String v = get(name);
        return v == null ? def : v;
    }

    List<String> all(String name) {
        return options.getOrDefault(name, List.of());
    }

    /** {@code a=1,b=2} and repeated options into one map. */
    static Map<String, String> keyValues(List<String> items) throws UsageException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String item : items) {
            for (String kv : item.split(",")) {
                if (kv.isBlank()) {
                    continue;
                }
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new UsageException("'" + kv + "' is not key=value");
                }
                out.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        }
        return out;
    }
}
