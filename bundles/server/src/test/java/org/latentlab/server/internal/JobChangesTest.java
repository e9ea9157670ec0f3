package org.latentlab.server.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.latentlab.api.engine.AnalysisResult;

/** An event stream learns of a job's changes from the job itself; changes that pile up are read once. */
class JobChangesTest {

    @Test
    void statusProgressAndCompletionWakeTheWaiterAndPileUpAsOne() throws Exception {
        FakeJob<Object> job = new FakeJob<>("j", null);
        JobChanges changes = new JobChanges();
        Runnable stop = changes.follow(job);
        assertTrue(changes.await(0), "the current status is told at once");
        assertFalse(changes.await(0), "nothing new");
        job.start(); // a status change and a progress step
        assertTrue(changes.await(0));
        assertFalse(changes.await(0), "both were one change for the reader");
        job.succeed(new AnalysisResult(null, "", null, "", null, "", null, List.of(), List.of(), new int[0], Map.of(), 0));
        assertTrue(changes.await(0), "the end");
        stop.run();
        job.cancel(); // after the end: no effect, and nobody is told
        assertFalse(changes.await(0));
        stop.run();
    }
}
