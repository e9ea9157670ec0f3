package org.latentlab.engine.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.engine.SeedPartExecutor;
import org.latentlab.clusterers.internal.CosineClusterer;
import org.latentlab.strategies.internal.AndersonAcceleration;
import org.latentlab.strategies.internal.PicardIteration;

/**
 * Seeds iterated by a {@link SeedPartExecutor} (a fake that runs the engine's own part loop, in reverse order, on a
 * thread of its own, as a cluster returns parts in any order) give exactly the run of the local loop on the map with three
 * known wells: the same attractors, basins, steps, labels and per-seed records, bit for bit, in memory and in parts.
 */
class RemotePartsTest {

    @TempDir
    Path dir;

    /** Runs the parts with the engine's part loop on the test map, last part first. */
    static class Fake implements SeedPartExecutor {
        final IterationStrategy strategy;
        final List<Integer> order = new CopyOnWriteArrayList<>();
        final List<List<Long>> jobs = new CopyOnWriteArrayList<>();
        int failPart = -1;

        Fake(IterationStrategy strategy) {
            this.strategy = strategy;
        }

        @Override
        public String describe(Parameters params) {
            return "the fake";
        }

        @Override
        public void execute(PartJob job, Parameters params, Listener listener) {
            jobs.add(job.parts().stream().map(SeedPart::from).toList());
            Analysis.Choice<IterationStrategy> s = AnalysisTest.choice(job.strategy(), strategy, job.strategyParams());
            List<SeedPart> parts = new ArrayList<>(job.parts());
            Collections.reverse(parts);
            for (SeedPart p : parts) {
                if (p.index() == failPart) {
                    listener.failed(p, "lost on purpose");
                    continue;
                }
                LocalPartExecutor.run(PartsAnalysisTest.THREE_WELLS, s, job, p, listener::cancelled);
                order.add(p.index());
                listener.finished(p);
            }
        }
    }

    Analysis.Outcome run(IterationStrategy s, Fake fake, Tensor seeds, int inMemory, int partitions, String name, List<String> stages) {
        Analysis.Listener l = new Analysis.Listener() {
            public void stage(String stage, long total, String message) {
                stages.add(stage + ": " + message);
            }

            public void advance(long units) {}

            public boolean cancelled() {
                return false;
            }
        };
        AttractorClusterer c = new CosineClusterer();
        Analysis.Inputs in = new Analysis.Inputs(PartsAnalysisTest.THREE_WELLS, SeedInput.of(seeds), AnalysisTest.choice("s", s, Map.of()),
                AnalysisTest.choice("c", c, Map.of()), List.of(), Optional.empty(), Optional.empty(), 10,
                Spectra.Settings.defaults(1e-3), inMemory, dir.resolve(name + "-per-seed"));
        RemoteParts.Settings remote = fake == null ? null : new RemoteParts.Settings(AnalysisTest.choice("fake", fake, Map.of()),
                dir.resolve("model"), "s", Map.of(), 1024, partitions, inMemory, dir.resolve(name + "-parts"));
        return Analysis.run(in, remote, l);
    }

    void assertSame(IterationStrategy s, int inMemory, int partitions, int expectedParts) {
        Tensor seeds = Tensor.ofRows(AnalysisTest.gaussianSeeds(600, 2, 11, 1.5));
        Analysis.Outcome local = run(s, null, seeds, inMemory, 0, "local", new ArrayList<>());
        Fake fake = new Fake(s);
        List<String> stages = new ArrayList<>();
        Analysis.Outcome remote = run(s, fake, seeds, inMemory, partitions, "remote", stages);

        assertEquals(expectedParts, fake.order.size(), "parts iterated");
        assertEquals(expectedParts - 1, fake.order.get(0), "the last part came back first");
        assertTrue(stages.stream().anyMatch(m -> m.startsWith("iterating: 600 seeds in " + expectedParts + " parts on the fake: ")), stages.toString());
        assertFalse(Files.exists(dir.resolve("remote-parts")), "the parts' work folder is deleted");

        assertEquals(3, local.attractors().size());
        assertEquals(local.attractors().size(), remote.attractors().size());
        for (int a = 0; a < 3; a++) {
            Attractor x = local.attractors().get(a);
            Attractor y = remote.attractors().get(a);
            assertArrayEquals(x.latent(), y.latent(), "attractor " + a + " bit for bit");
            assertEquals(x.basinSize(), y.basinSize());
            assertEquals(x.meanSteps(), y.meanSteps());
            assertEquals(x.predictedSteps(), y.predictedSteps());
            assertEquals(x.spectralRadius(), y.spectralRadius());
        }
        // a streamed strategy counts map evaluations by its batch (a part has a tail of its own); all else is equal
        boolean sameBatches = !(s instanceof org.latentlab.api.dynamics.StreamingIteration);
        assertEquals(local.summary().converged(), remote.summary().converged());
        assertEquals(local.summary().diverged(), remote.summary().diverged());
        if (sameBatches) {
            assertEquals(local.summary(), remote.summary());
        }
        int[] la = new int[600];
        int[] lb = new int[600];
        List<Trajectory> a = PartsAnalysisTest.records(local, la);
        List<Trajectory> b = PartsAnalysisTest.records(remote, lb);
        assertArrayEquals(la, lb, "the same attractor for every seed");
        for (int i = 0; i < 600; i++) {
            Trajectory x = a.get(i);
            Trajectory y = b.get(i);
            assertEquals(i, y.seed());
            assertArrayEquals(x.endpoint(), y.endpoint(), "seed " + i);
            assertEquals(x.steps(), y.steps());
            assertEquals(x.converged(), y.converged());
            assertEquals(x.diverged(), y.diverged());
            assertEquals(x.pathLength(), y.pathLength());
            assertEquals(x.finalResidual(), y.finalResidual());
            if (sameBatches) {
                assertEquals(x.mapEvaluations(), y.mapEvaluations());
            }
        }
    }

    @Test
    void partsInMemoryGiveTheLocalRun() {
        // one segment of 600 seeds here, 4 parts of 150 there (whole chunks of 10)
        assertSame(new AndersonAcceleration(), Integer.MAX_VALUE, 4, 4);
    }

    @Test
    void partsAcrossSegmentsGiveTheLocalRun() {
        // segments of 100 seeds (clustered alone, then merged) read from 7 parts of 90 seeds that straddle them
        assertSame(new AndersonAcceleration(), 100, 7, 7);
    }

    @Test
    void aStreamedStrategyGivesTheLocalRunOnAMapWhoseRowsAreIndependent() {
        // picard streams a segment through one batch; on this map a row's image does not depend on its batch neighbours,
        // so only the evaluation counts follow the parts
        assertSame(new PicardIteration(), Integer.MAX_VALUE, 3, 3);
    }

    @Test
    void aFailedPartFailsTheAnalysisNamingItsSeeds() {
        Fake fake = new Fake(new AndersonAcceleration());
        fake.failPart = 1;
        Tensor seeds = Tensor.ofRows(AnalysisTest.gaussianSeeds(600, 2, 11, 1.5));
        LatentLabException e = assertThrows(LatentLabException.class,
                () -> run(new AndersonAcceleration(), fake, seeds, Integer.MAX_VALUE, 3, "failed", new ArrayList<>()));
        assertEquals("seeds 200-399 (part 2 of 3) could not be iterated on the fake: lost on purpose", e.getMessage());
        assertFalse(Files.exists(dir.resolve("failed-parts")));
    }

    @Test
    void anExecutorThatEndsWithoutAPartFailsTheAnalysis() {
        SeedPartExecutor quitter = (job, params, listener) -> {};
        Tensor seeds = Tensor.ofRows(AnalysisTest.gaussianSeeds(60, 2, 11, 1.5));
        Analysis.Inputs in = new Analysis.Inputs(PartsAnalysisTest.THREE_WELLS, SeedInput.of(seeds),
                AnalysisTest.choice("s", new PicardIteration(), Map.of()), AnalysisTest.choice("c", new CosineClusterer(), Map.of()),
                List.of(), Optional.empty(), Optional.empty(), 10, Spectra.Settings.defaults(1e-3), Integer.MAX_VALUE, null);
        RemoteParts.Settings remote = new RemoteParts.Settings(AnalysisTest.choice("quitter", quitter, Map.of()), dir, "s", Map.of(),
                1024, 2, Integer.MAX_VALUE, dir.resolve("quit"));
        Analysis.Listener l = new Analysis.Listener() {
            public void stage(String stage, long total, String message) {}

            public void advance(long units) {}

            public boolean cancelled() {
                return false;
            }
        };
        LatentLabException e = assertThrows(LatentLabException.class, () -> Analysis.run(in, remote, l));
        assertTrue(e.getMessage().endsWith("ended without the results of part part-00000"), e.getMessage());
    }

    @Test
    void anExecutorThatEndsWithoutALaterPartFailsTheAnalysisToo() {
        // the first part comes back, the executor ends; the analysis, still in its first segments, must not wait forever
        Fake fake = new Fake(new AndersonAcceleration()) {
            @Override
            public void execute(PartJob job, Parameters params, Listener listener) {
                SeedPart first = job.parts().get(0);
                LocalPartExecutor.run(PartsAnalysisTest.THREE_WELLS, AnalysisTest.choice("s", strategy, Map.of()), job, first,
                        listener::cancelled);
                listener.finished(first);
            }
        };
        Tensor seeds = Tensor.ofRows(AnalysisTest.gaussianSeeds(600, 2, 11, 1.5));
        LatentLabException e = assertThrows(LatentLabException.class,
                () -> run(new AndersonAcceleration(), fake, seeds, 100, 3, "short", new ArrayList<>()));
        assertEquals("the fake ended without the results of part part-00001", e.getMessage());
    }

    @Test
    void aJobStoppedByAnInterruptWaitsForItsExecutorToStop() throws Exception {
        // The lab's shutdown cancels a job and interrupts its thread. The executor (a Spark driver winding down) ends a
        // moment after it is told: the analysis must wait for it and then remove the parts' folder, not return at the
        // interrupt with the executor's thread still running and the folder left.
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean executorEnded = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean cancel = new java.util.concurrent.atomic.AtomicBoolean();
        SeedPartExecutor slow = (job, params, listener) -> {
            started.countDown();
            while (!listener.cancelled()) {
                Thread.onSpinWait();
            }
            while (true) { // stopping takes until the test releases it, interrupts or not
                try {
                    release.await();
                    break;
                } catch (InterruptedException e) {
                    // keep stopping
                }
            }
            executorEnded.set(true);
        };
        Tensor seeds = Tensor.ofRows(AnalysisTest.gaussianSeeds(60, 2, 11, 1.5));
        Analysis.Inputs in = new Analysis.Inputs(PartsAnalysisTest.THREE_WELLS, SeedInput.of(seeds),
                AnalysisTest.choice("s", new PicardIteration(), Map.of()), AnalysisTest.choice("c", new CosineClusterer(), Map.of()),
                List.of(), Optional.empty(), Optional.empty(), 10, Spectra.Settings.defaults(1e-3), Integer.MAX_VALUE, null);
        Path work = dir.resolve("stopped");
        RemoteParts.Settings remote = new RemoteParts.Settings(AnalysisTest.choice("slow", slow, Map.of()), dir, "s", Map.of(),
                1024, 2, Integer.MAX_VALUE, work);
        Analysis.Listener l = new Analysis.Listener() {
            public void stage(String stage, long total, String message) {}

            public void advance(long units) {}

            public boolean cancelled() {
                return cancel.get();
            }
        };
        java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean endedWhenDone = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean folderWhenDone = new java.util.concurrent.atomic.AtomicBoolean();
        Thread job = new Thread(() -> {
            try {
                Analysis.run(in, remote, l);
            } catch (Throwable e) {
                thrown.set(e);
            }
            endedWhenDone.set(executorEnded.get());
            folderWhenDone.set(Files.exists(work));
        });
        job.start();
        started.await();
        cancel.set(true);
        job.interrupt();
        // release the executor once the job waits for it in close(), or has returned without waiting
        while (job.isAlive() && java.util.Arrays.stream(job.getStackTrace())
                .noneMatch(f -> f.getClassName().equals(RemoteParts.class.getName()) && f.getMethodName().equals("close"))) {
            Thread.onSpinWait();
        }
        release.countDown();
        job.join();
        // a cancel, or a read cut by the interrupt (ClosedByInterruptException): the job ends cancelled either way
        assertTrue(thrown.get() != null && JobRunner.endsCancelled(thrown.get(), false), String.valueOf(thrown.get()));
        assertTrue(endedWhenDone.get(), "the executor had stopped when the job ended");
        assertFalse(folderWhenDone.get(), "the parts' folder was removed");
    }

    @Test
    void partSizes() {
        assertEquals(4096, RemoteParts.partSize(5000, 0, 4096, 100_000), "by default at least 2 parts of whole chunks");
        assertEquals(4096 * 25, RemoteParts.partSize(1_000_000, 0, 4096, 100_000), "by default about the limit, whole chunks");
        assertEquals(150, RemoteParts.partSize(600, 4, 10, Integer.MAX_VALUE));
        assertEquals(90, RemoteParts.partSize(600, 7, 10, 100), "86 seeds rounded up to whole chunks");
        assertEquals(300, RemoteParts.partSize(600, 2, 4096, 100_000), "parts smaller than a chunk when asked for");
        assertEquals(1, RemoteParts.partSize(1, 4, 4096, 100_000));
    }
}
