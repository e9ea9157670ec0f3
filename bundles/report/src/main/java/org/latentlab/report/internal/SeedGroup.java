package org.latentlab.report.internal;

import java.util.ArrayList;
import java.util.List;

/** A named range of seeds [from, to), from the exporter parameter {@code groups} (e.g. {@code test:1000,noise:1000}). */
record SeedGroup(String name, int from, int to) {

    /** The groups of {@code spec} over n seeds; one group "all seeds" when spec is blank. */
    static List<SeedGroup> parse(String spec, int n) {
        List<SeedGroup> out = new ArrayList<>();
        int from = 0;
        if (!spec.isBlank()) {
            for (String g : spec.split(",")) {
                String[] p = g.split(":");
                int count = Integer.parseInt(p[1].trim());
                out.add(new SeedGroup(p[0].trim(), Math.min(n, from), Math.min(n, from + count)));
                from += count;
            }
        }
        if (out.isEmpty()) {
            out.add(new SeedGroup("all seeds", 0, n));
        }
        return out;
    }
}
