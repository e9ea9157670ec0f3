package org.latentlab.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.engine.AnalysisRequest;
import org.latentlab.api.engine.Job;
import org.latentlab.api.engine.JobListener;
import org.latentlab.api.engine.JobProgress;
import org.latentlab.api.engine.JobStatus;
import org.latentlab.api.engine.SeedSpec;
import org.junit.jupiter.api.Test;

/** Listeners replace polling: they must hear every status change and step, in order, and once the job ends. */
class EngineJobTest {

    private static EngineJob job() {
        return new EngineJob("job-1", AnalysisRequest.builder().model(Path.of("m")).out(Path.of("o"))
                .seeds(SeedSpec.source("gaussian", Map.of())).build());
    }

    private static final class Recorder implements JobListener {
        final List<String> heard = new ArrayList<>();

        @Override
        public void statusChanged(Job<?> job, JobStatus status) {
            heard.add(status.name());
        }

        @Override
        public void progressed(Job<?> job, JobProgress p) {
            heard.add(p.stage() + " " + p.done() + "/" + p.total());
        }
    }

    @Test
    void aListenerHearsTheCurrentStatusThenEveryStepAndTheEnd() {
        EngineJob job = job();
        Recorder r = new Recorder();
        job.listen(r);
        assertTrue(job.start());
        job.stage("iterating", 10, "");
        job.advance(4);
        job.advance(6);
        job.fail(JobStatus.FAILED, new RuntimeException("x"), "x");
        assertEquals(List.of("QUEUED", "RUNNING", "iterating 0/10", "iterating 4/10", "iterating 10/10", "FAILED"), r.heard);
    }

    @Test
    void aLateListenerHearsTheFinalStatusAtOnce() {
        EngineJob job = job();
        job.cancel();
        Recorder r = new Recorder();
        job.listen(r);
        assertEquals(List.of("CANCELLED"), r.heard);
        assertTrue(job.completion().toCompletableFuture().isCompletedExceptionally());
    }

    @Test
    void aFailingListenerNeitherStopsTheJobNorTheOthersAndRemovedOnesHearNothing() {
        EngineJob job = job();
        job.listen(new JobListener() {
            @Override
            public void statusChanged(Job j, JobStatus s) {
                throw new IllegalStateException("listener bug");
            }
        });
        Recorder kept = new Recorder();
        Recorder removed = new Recorder();
        job.listen(kept);
        Runnable unlisten = job.listen(removed);
        unlisten.run();
        assertTrue(job.start());
        assertEquals(JobStatus.RUNNING, job.status());
        assertEquals(List.of("QUEUED", "RUNNING"), kept.heard);
        assertEquals(List.of("QUEUED"), removed.heard);
    }

    @Test
    void jobIdsChosenByACallerMustBeSafeAsFolderNamesAndUrlSegments() {
        for (String ok : new String[] {"job-20261125-1", "a", "A.b_c-9", "x".repeat(100)}) {
            DefaultAnalysisEngine.checkJobId(ok);
        }
        for (String bad : new String[] {null, "", "..", ".", "a/b", "a\\b", "a b", "x".repeat(101), "caf\u00e9", "a\u0000"}) {
            org.latentlab.api.LatentLabException e = org.junit.jupiter.api.Assertions.assertThrows(
                    org.latentlab.api.LatentLabException.class, () -> DefaultAnalysisEngine.checkJobId(bad), String.valueOf(bad));
            assertTrue(e.getMessage().startsWith("job id '"), e.getMessage());
        }
    }

    /** Job.await, what the command lines share: where the job is now, every later step, then the result or why not. */
    @Test
    void awaitTellsTheCurrentAndLaterProgressAndEndsWithTheResultOrWhyNot() throws Exception {
        EngineJob<AnalysisRequest, String> job = job();
        assertTrue(job.start());
        job.stage("loading", -1, "model m");
        List<String> heard = new CopyOnWriteArrayList<>();
        CountDownLatch listening = new CountDownLatch(1);
        Thread worker = new Thread(() -> {
            try { // waits until await listens (it reports the current stage first), then works and fails
                listening.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            job.stage("iterating", 2, "seeds");
            job.advance(2);
            job.fail(JobStatus.FAILED, new RuntimeException("boom"), "boom in chunk 3");
        });
        worker.start();
        LatentLabException e = assertThrows(LatentLabException.class,
                () -> job.await(p -> {
                    heard.add(p.stage() + " " + p.done() + "/" + p.total());
                    listening.countDown();
                }));
        worker.join();
        assertEquals("failed: boom in chunk 3", e.getMessage());
        assertEquals(List.of("loading 0/-1", "iterating 0/2", "iterating 2/2"), heard.subList(0, 3));

        EngineJob<AnalysisRequest, String> cancelled = job();
        cancelled.cancel();
        assertTrue(assertThrows(LatentLabException.class, () -> cancelled.await(p -> {})).getMessage().startsWith("cancelled: "));

        EngineJob<AnalysisRequest, String> done = job();
        assertTrue(done.start());
        done.succeed("the result", 5);
        List<String> none = new ArrayList<>();
        assertEquals("the result", done.await(p -> none.add(p.stage())));
        assertEquals(List.of(), none, "a finished job has no progress left to tell");
    }
}
