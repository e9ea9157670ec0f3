package org.latentlab.report.internal;

import java.util.function.IntConsumer;
import org.latentlab.api.engine.AnalysisResult;

/** Attractor ids of a range of seeds, from memory or read block by block from the per-seed records of a large run. */
final class SeedLabels {

    private SeedLabels() {}

    /** Visits the attractor id (−1: none) of each seed in [from, to), in order. */
    static void forEach(AnalysisResult r, int from, int to, IntConsumer visit) {
        if (r.perSeedInMemory()) {
            for (int i = from; i < to; i++) {
                visit.accept(r.labels()[i]);
            }
            return;
        }
        for (int at = from; at < to; at += 8192) {
            int rows = Math.min(8192, to - at);
            int[] labels;
            try {
                labels = r.perSeed().read(at, rows).labels();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            for (int l : labels) {
                visit.accept(l);
            }
        }
    }
}
