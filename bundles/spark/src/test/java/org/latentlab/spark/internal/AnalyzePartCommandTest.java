package org.latentlab.spark.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.Parameters;
import org.latentlab.api.engine.SeedPartExecutor;
import org.latentlab.api.engine.SeedPartExecutor.SeedPart;

/**
 * {@code analyze-part} on the task's side: the part the lab wrote into the job (no path of the lab's), the seeds the task
 * wrote from the bytes that came with it ({@code --seeds}) and the model unpacked on the executor ({@code --model}) make
 * the job its local executor iterates.
 */
class AnalyzePartCommandTest {

    @TempDir
    Path tmp;

    /** A local executor that records the job and writes the part's folder as whole. */
    static final class Recording implements SeedPartExecutor {
        final List<PartJob> jobs = new ArrayList<>();

        @Override
        public void execute(PartJob job, Parameters params, Listener listener) {
            jobs.add(job);
            try {
                Path dir = Files.createDirectories(job.folder(job.parts().get(0)));
                Files.writeString(dir.resolve(DONE_FILE), "{}");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            listener.finished(job.parts().get(0));
        }
    }

    record Run(int code, String out, String err) {}

    Run run(AnalyzePartCommand c, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = c.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void thePartOfTheJobWithTheShippedSeedsAndModelIsWhatTheLabIterates() throws Exception {
        // the lab's side: seeds and model at the lab's paths, the job written as PartRun writes it
        Path lab = Files.createDirectories(tmp.resolve("lab"));
        List<SeedPart> parts = List.of(new SeedPart(0, 0, 100, lab.resolve("seeds/part-00000.npy")),
                new SeedPart(1, 100, 50, lab.resolve("seeds/part-00001.npy")));
        SeedPartExecutor.PartJob labJob = new SeedPartExecutor.PartJob(lab.resolve("model"), "picard", Map.of("tolerance", "1e-5"), 4096,
                1024, parts, lab.resolve("work/parts"));
        var j = DriverRun.JSON.createObjectNode();
        new PartRun(DriverRunTest.settings(tmp, Map.of("master", "local[2]")), labJob, tmp, null).writeJob(j, tmp.resolve("model.zip"));

        // the task's side: its own folder, its own copy of the seeds, the model unpacked on the executor
        Path task = Files.createDirectories(tmp.resolve("task"));
        Path part = Files.writeString(task.resolve("cell-input.json"), j.at("/cells/1/json").asText());
        Path seeds = Files.write(task.resolve("part-00001.npy"), new byte[] {1, 2, 3});
        Path model = Files.createDirectories(tmp.resolve("executor/model.zip-123"));
        AnalyzePartCommand c = new AnalyzePartCommand();
        Recording local = new Recording();
        c.local = local;
        c.stdin = new ByteArrayInputStream(new byte[0]);
        Run r = run(c, "--part", part.toString(), "--out", task.resolve("part-00001").toString(), "--seeds", seeds.toString(),
                "--model", model.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("part part-00001: seeds 100-149 in "), r.out());
        assertEquals(1, local.jobs.size());
        SeedPartExecutor.PartJob got = local.jobs.get(0);
        assertEquals(List.of(new SeedPart(1, 100, 50, seeds)), got.parts(), "the task's copy of the seeds, not the lab's file");
        assertEquals(model, got.modelFolder(), "the model unpacked on the executor, not the lab's folder");
        assertEquals("picard", got.strategy());
        assertEquals(Map.of("tolerance", "1e-5"), got.strategyParams());
        assertEquals(4096, got.chunkSize());
        assertEquals(1024, got.modelBatch());
        assertEquals(task, got.work());

        // without the seeds, or with a part that names no model and no --model: bad usage, nothing iterated
        Run noSeeds = run(c, "--part", part.toString(), "--out", task.resolve("part-00001").toString(), "--model", model.toString());
        assertEquals(2, noSeeds.code());
        assertTrue(noSeeds.err().startsWith("analyze-part: --seeds FILE is required"), noSeeds.err());
        Run noModel = run(c, "--part", part.toString(), "--out", task.resolve("part-00001").toString(), "--seeds", seeds.toString());
        assertEquals(2, noModel.code());
        assertTrue(noModel.err().startsWith("analyze-part: --part " + part + " names no model folder: give --model DIR"), noModel.err());
        assertEquals(1, local.jobs.size());
    }
}
