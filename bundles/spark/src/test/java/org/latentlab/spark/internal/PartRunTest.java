package org.latentlab.spark.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.Parameters;
import org.latentlab.api.engine.SeedPartExecutor;
import org.latentlab.api.engine.SeedPartExecutor.SeedPart;
import org.latentlab.io.OutputFolder;

/** The executor's side of the driver's events for seed parts: folders placed from zips, failures in one line, the job's task. */
class PartRunTest {

    @TempDir
    Path tmp;

    static final class Recorder implements SeedPartExecutor.Listener {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void started(SeedPart part, String where) {
            events.add("started " + part.name() + " " + where);
        }

        @Override
        public void finished(SeedPart part) {
            events.add("finished " + part.name());
        }

        @Override
        public void failed(SeedPart part, String reason) {
            events.add("failed " + part.name() + ": " + reason);
        }

        @Override
        public boolean cancelled() {
            return false;
        }
    }

    SparkSettings settings() throws IOException {
        Path dist = tmp.resolve("dist");
        Files.createDirectories(dist.resolve("spark/jars"));
        Files.writeString(dist.resolve("spark").resolve(SparkSettings.DRIVER_JAR), "");
        return SparkSettings.of(Parameters.resolve("executor 'spark'", SparkSettings.parameters(
                new SparkSettings.Defaults(null, null, null, null)), Map.of("master", "local[2]")), dist, tmp.resolve("home"));
    }

    SeedPartExecutor.PartJob job() {
        List<SeedPart> parts = List.of(new SeedPart(0, 0, 100, tmp.resolve("seeds/part-00000.npy")),
                new SeedPart(1, 100, 50, tmp.resolve("seeds/part-00001.npy")));
        return new SeedPartExecutor.PartJob(tmp.resolve("model"), "picard", Map.of("tolerance", "1e-5"), 4096, 1024, parts,
                tmp.resolve("work/parts"));
    }

    @Test
    void finishedPartsArePlacedAndFailedOnesReportedOnceInOneLine() throws Exception {
        Recorder rec = new Recorder();
        SeedPartExecutor.PartJob job = job();
        PartRun run = new PartRun(settings(), job, Files.createDirectories(tmp.resolve("run")), rec);
        Path zip = Files.write(tmp.resolve("part-00000.zip"), DriverRunTest.zip(Map.of("steps.npy", "x", SeedPartExecutor.DONE_FILE,
                "{\"rows\": 100}", OutputFolder.MARKER, "{}")));
        run.handle("app app-1 -");
        run.handle("started part-00000 0 10.0.0.5");
        run.handle("lost part-00000 0 ExecutorLostFailure");
        run.handle("finished part-00000 " + zip);
        run.handle("finished part-00000 " + zip); // reported once
        run.handle("started part-00001 0 10.0.0.6");
        run.handle("failed part-00001 Job aborted due to stage failure: Task 0 in stage 1.0 failed 4 times, most recent failure: "
                + "Lost task 0.3 in stage 1.0 (TID 7) (10.0.0.6 executor 1): java.lang.IllegalStateException: cell part-00001: "
                + "'latentlab analyze-part' exited with 1 without writing its output; its last lines:\\nanalyze-part: no model");
        run.handle("started part-00001 1 10.0.0.6"); // after the end: not told again
        assertEquals(List.of("started part-00000 10.0.0.5", "finished part-00000", "started part-00001 10.0.0.6",
                "failed part-00001: on Spark, 4 attempts: 'latentlab analyze-part' exited with 1 without writing its output; "
                        + "last output: analyze-part: no model"), rec.events);
        Path placed = job.folder(job.parts().get(0));
        assertEquals("{\"rows\": 100}", Files.readString(placed.resolve(SeedPartExecutor.DONE_FILE)));
        assertTrue(Files.isRegularFile(placed.resolve("steps.npy")));
        assertFalse(Files.exists(placed.resolve(OutputFolder.MARKER)), "the worker's marker is dropped");
        assertFalse(Files.exists(zip), "the zip is removed once placed");
    }

    @Test
    void theJobRunsAnalyzePartOnEachPartWithItsInput() throws Exception {
        SeedPartExecutor.PartJob job = job();
        PartRun run = new PartRun(settings(), job, Files.createDirectories(tmp.resolve("run")), new Recorder());
        Method write = PartRun.class.getDeclaredMethod("writeJob", Path.class, Path.class);
        write.setAccessible(true);
        Path file = tmp.resolve("job.json");
        write.invoke(run, file, tmp.resolve("results"));
        var j = DriverRun.JSON.readTree(file.toFile());
        assertEquals("analyze-part", j.at("/task/subcommand").asText());
        assertEquals("--part", j.at("/task/inputOption").asText());
        assertEquals("part.json", j.at("/task/doneFile").asText());
        assertEquals("LatentLab analysis (150 seeds in 2 parts)", j.get("appName").asText());
        assertEquals(2, j.get("cells").size());
        assertEquals("part-00001", j.at("/cells/1/id").asText());
        PartInput in = AnalyzePartCommand.JSON.readValue(j.at("/cells/1/json").asText(), PartInput.class);
        assertEquals(new PartInput(tmp.resolve("model").toString(), "picard", Map.of("tolerance", "1e-5"), 4096, 1024, 1, 100, 50,
                tmp.resolve("seeds/part-00001.npy").toString()), in);
        // the task's lab rebuilds the part and its folder from that
        Path out = tmp.resolve("task/part-00001");
        assertEquals(out, in.job(out).folder(in.part()));
        assertEquals(job.parts().get(1), in.part());
    }
}
