package org.latentlab.api.experiment;

import java.nio.file.Path;
import org.latentlab.api.LatentLabException;

/**
 * Where a set of inputs comes from: a float32 {@code .npy} file [n, ...inputShape], or a registered
 * data set as {@code DATASET:SPLIT} (all), {@code DATASET:SPLIT:COUNT} (the first COUNT) or
 * {@code DATASET:SPLIT:FROM:TO} (rows FROM inclusive to TO exclusive), e.g. {@code mnist:test:1000},
 * {@code fashion-mnist:test:0:1000}.
 *
 * @param file    the .npy file, or null for a data set
 * @param dataset data set id, or null for a file
 * @param split   split, e.g. {@code test}
 * @param from    first row
 * @param to      row after the last, or -1 for the end of the split
 */
public record InputReference(Path file, String dataset, String split, int from, int to) {

    /** Reads a reference; anything ending in .npy or holding a path separator is a file. */
    public static InputReference parse(String text) {
        if (text == null || text.isBlank()) {
            throw new LatentLabException("no inputs given: a .npy file or DATASET:SPLIT[:COUNT | :FROM:TO]");
        }
        String t = text.trim();
        if (t.toLowerCase(java.util.Locale.ROOT).endsWith(".npy") || t.contains("/") || t.contains(java.io.File.separator)) {
            return new InputReference(Path.of(t).toAbsolutePath(), null, null, 0, -1);
        }
        String[] p = t.split(":", -1);
        String usage = "inputs '" + text + "' are neither a .npy file nor DATASET:SPLIT[:COUNT | :FROM:TO], e.g. mnist:test:1000";
        if (p.length < 2 || p.length > 4 || p[0].isBlank() || p[1].isBlank()) {
            throw new LatentLabException(usage);
        }
        try {
            int from = p.length == 4 ? Integer.parseInt(p[2]) : 0;
            int to = p.length == 4 ? Integer.parseInt(p[3]) : p.length == 3 ? Integer.parseInt(p[2]) : -1;
            if (from < 0 || (to != -1 && to <= from) || (p.length >= 3 && to < 1)) {
                throw new LatentLabException("inputs '" + text + "': rows " + from + " to " + to + " are empty or negative");
            }
            return new InputReference(null, p[0], p[1], from, to);
        } catch (NumberFormatException e) {
            throw new LatentLabException(usage);
        }
    }

    public boolean isFile() {
        return file != null;
    }

    /** Rows wanted, or -1 for all rows of the split or file. */
    public int count() {
        return to < 0 ? -1 : to - from;
    }

    @Override
    public String toString() {
        if (file != null) {
            return file.toString();
        }
        return dataset + ":" + split + (to < 0 ? "" : from == 0 ? ":" + to : ":" + from + ":" + to);
    }
}
