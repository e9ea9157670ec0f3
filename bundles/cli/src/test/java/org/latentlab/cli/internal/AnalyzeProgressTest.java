package org.latentlab.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.latentlab.api.engine.JobProgress;
import org.latentlab.launcher.spi.ProgressPrinter;

/** How {@code analyze} shows a job's progress. */
class AnalyzeProgressTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final AtomicLong clock = new AtomicLong();

    private ProgressPrinter printer(boolean console) {
        return new ProgressPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), console, clock::get);
    }

    @Test
    void withoutAConsoleALinePerStageAndMessageWithoutCounts() {
        ProgressPrinter p = printer(false);
        AnalyzeCommand.show(p, new JobProgress("queued", 0, -1, ""));
        AnalyzeCommand.show(p, new JobProgress("iterating", 10, -1, "seeds 0-99 of 100 (chunk 1/1)"));
        AnalyzeCommand.show(p, new JobProgress("iterating", 9000, -1, "seeds 0-99 of 100 (chunk 1/1)"));
        AnalyzeCommand.show(p, new JobProgress("stability", 1, 3, "Jacobian spectra of 3 attractors"));
        assertEquals("iterating: seeds 0-99 of 100 (chunk 1/1)\nstability: Jacobian spectra of 3 attractors\n",
                bytes.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"));
    }

    @Test
    void onAConsoleCountsOfKnownAndUnknownTotals() {
        ProgressPrinter p = printer(true);
        AnalyzeCommand.show(p, new JobProgress("iterating", 12345, -1, "seeds"));
        AnalyzeCommand.show(p, new JobProgress("stability", 2, 3, "spectra"));
        String t = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(t.contains("\riterating: seeds (12,345 seed-steps)"), t);
        assertTrue(t.contains("\rstability: spectra 2/3"), t);
    }
}
