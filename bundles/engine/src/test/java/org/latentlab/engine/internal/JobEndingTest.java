package org.latentlab.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.latentlab.api.LatentLabException;

/** How a job that threw ends: stopping a job is a cancel even when the interrupt surfaces as an I/O failure. */
class JobEndingTest {

    @Test
    void aWriteCutByTheStopIsACancelNotADiskFailure() {
        // what SeedStore throws when SIGTERM interrupts the job thread in the middle of a per-seed write
        LatentLabException cut = new LatentLabException("cannot write the per-seed results in /out/.per-seed: "
                + "ClosedByInterruptException", new ClosedByInterruptException());
        assertTrue(JobRunner.endsCancelled(cut, true));
        assertTrue(JobRunner.endsCancelled(cut, false), "the interrupt in the cause chain says it was stopped");
        assertTrue(JobRunner.endsCancelled(new RuntimeException(new InterruptedException()), false));
        assertTrue(JobRunner.endsCancelled(new CancellationException("cancelled"), false));
        assertTrue(JobRunner.endsCancelled(new LatentLabException("any failure once a cancel was asked"), true));
    }

    @Test
    void realFailuresStayFailures() {
        assertFalse(JobRunner.endsCancelled(new LatentLabException("cannot write the per-seed results in /out: disk full",
                new java.io.IOException("No space left on device")), false));
        assertFalse(JobRunner.endsCancelled(new IllegalStateException("a bug"), false));
    }

    @Test
    void aCancelledJobSaysItLeftTheOutputAsItWas() {
        // the command line prints "analyze: cancelled: " before it
        assertEquals("stopped before it finished; nothing was written to /data/out", JobRunner.cancelledMessage(Path.of("/data/out")));
    }
}
