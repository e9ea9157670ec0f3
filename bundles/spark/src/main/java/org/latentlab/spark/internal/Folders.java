package org.latentlab.spark.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The run folders of the executor under {@code DATA/spark/runs/}. */
final class Folders {

    /** Run folders kept: the newest ones, for their logs. */
    static final int KEEP = 20;

    private Folders() {}

    static void deleteIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // not empty: kept
        }
    }

    /** Deletes all but the newest {@link #KEEP} - 1 run folders (names sort by time), before a new run. */
    static void prune(Path runs) {
        if (!Files.isDirectory(runs)) {
            return;
        }
        try (Stream<Path> s = Files.list(runs)) {
            List<Path> all = s.filter(Files::isDirectory).sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
            for (Path old : all.subList(0, Math.max(0, all.size() - (KEEP - 1)))) {
                deleteTree(old);
            }
        } catch (IOException e) {
            // best effort: old logs only
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
