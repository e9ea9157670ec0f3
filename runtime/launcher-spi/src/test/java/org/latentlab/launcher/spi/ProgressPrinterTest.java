package org.latentlab.launcher.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutAConsoleEachNewStagePrintsItsLogLineOnceAndCountsNothing() {
        ProgressPrinter p = new ProgressPrinter(err, false, clock::get);
        p.show("iterating", "iterating 1/10", "iterating: seeds");
        clock.addAndGet(1_000_000_000L);
        p.show("iterating", "iterating 2/10", "iterating: seeds");
        p.show("clustering", "clustering", "clustering: merging");
        p.show("queued", "queued", null); // no log line: nothing
        p.endLine();
        assertEquals("iterating: seeds\nclustering: merging\n", text().replace("\r\n", "\n"));
    }

    @Test
    void onAConsoleUpdatesOfAStageAreThrottledButANewStageShowsAtOnce() {
        ProgressPrinter p = new ProgressPrinter(err, true, clock::get);
        p.show("a", "a 1", "log a");
        clock.addAndGet(ProgressPrinter.INTERVAL_NANOS / 2);
        p.show("a", "a 2", "log a"); // too soon: dropped
        p.show("b", "b 1", "log b"); // new stage: shown although just as soon
        clock.addAndGet(ProgressPrinter.INTERVAL_NANOS / 2);
        p.show("b", "b 2", "log b"); // too soon after b 1
        clock.addAndGet(ProgressPrinter.INTERVAL_NANOS);
        p.show("b", "b 3", "log b"); // a tenth of a second later: shown
        String t = text();
        assertTrue(t.contains("\ra 1"), t);
        assertTrue(!t.contains("a 2"), t);
        assertTrue(t.contains("\rb 1"), t);
        assertTrue(!t.contains("b 2"), t);
        assertTrue(t.contains("\rb 3"), t);
        assertTrue(!t.contains("log"), "no log lines on a console: " + t);
        assertTrue(!t.contains("\n"), "one line, redrawn: " + t);
    }

    @Test
    void endLineLeavesTheLineAndMakesTheNextShowANewStage() {
        ProgressPrinter p = new ProgressPrinter(err, true, clock::get);
        p.show("epoch 1", "epoch 1 done", "x");
        p.endLine();
        p.show("epoch 1", "epoch 1 again", "x"); // same stage, no time passed, but after endLine: shown
        p.endLine();
        p.endLine(); // nothing open: no empty line
        String[] lines = text().split("\n", -1);
        assertEquals(3, lines.length, text());
        assertTrue(lines[0].startsWith("\repoch 1 done"), lines[0]);
        assertTrue(lines[1].startsWith("\repoch 1 again"), lines[1]);
        assertEquals("", lines[2]);
    }

    @Test
    void consoleLinesArePaddedSoAShorterLineCoversALongerOne() {
        ProgressPrinter p = new ProgressPrinter(err, true, clock::get);
        p.show("a", "a much longer line than the next", null);
        p.show("b", "b", null);
        String t = text();
        String last = t.substring(t.lastIndexOf('\r') + 1);
        assertTrue(last.startsWith("b ") && last.length() >= "a much longer line than the next".length(), "[" + last + "]");
    }
}
