package org.latentlab.experiments.dictionary.internal;

import java.util.List;
import java.util.TreeSet;
import org.latentlab.api.LatentLabException;

/** The sparsity levels of a run, from text like {@code 1,2,4,8,16}: distinct whole numbers ≥ 1, ascending. */
final class Sparsities {

    static final String DEFAULT = "1,2,4,8,16";

    private Sparsities() {}

    /** @throws LatentLabException naming the bad entry */
    static List<Integer> parse(String text) {
        TreeSet<Integer> out = new TreeSet<>();
        for (String part : (text == null ? "" : text).split(",")) {
            String t = part.trim();
            if (t.isEmpty()) {
                continue;
            }
            int s;
            try {
                s = Integer.parseInt(t);
            } catch (NumberFormatException e) {
                throw new LatentLabException("sparsity '" + t + "' is not a whole number; give a list like " + DEFAULT);
            }
            if (s < 1 || s > 100_000) {
                throw new LatentLabException("sparsity " + s + " is out of range [1, 100000]; give a list like " + DEFAULT);
            }
            out.add(s);
        }
        if (out.isEmpty()) {
            throw new LatentLabException("no sparsity levels given; give a list like " + DEFAULT);
        }
        return List.copyOf(out);
    }
}
