package org.latentlab.spark.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.engine.SeedPartExecutor;
import org.latentlab.api.engine.SeedPartExecutor.SeedPart;
import org.latentlab.io.OutputFolder;

/**
 * The executor's side of seed parts: the job (seeds in the tasks, the model shipped when small, no lab path in a part),
 * folders placed from zips, failures in one line, parts too large for a task refused.
 */
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
        return DriverRunTest.settings(tmp, Map.of("master", "local[2]"));
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

    /** A model folder of two files and the parts' seed files, as the engine writes them. */
    SeedPartExecutor.PartJob jobWithFiles() throws IOException {
        SeedPartExecutor.PartJob job = job();
        Files.createDirectories(job.modelFolder().resolve("weights"));
        Files.writeString(job.modelFolder().resolve("model.json"), "{\"name\": \"m\"}");
        Files.write(job.modelFolder().resolve("weights/decoder.onnx"), new byte[1000]);
        for (SeedPart p : job.parts()) {
            Files.createDirectories(p.seeds().getParent());
            Files.write(p.seeds(), new byte[p.count() * 16]);
        }
        return job;
    }

    @Test
    void theJobShipsEachPartsSeedsInItsTaskAndTheSmallModelOnceWithoutTheirPaths() throws Exception {
        SeedPartExecutor.PartJob job = jobWithFiles();
        Path runDir = Files.createDirectories(tmp.resolve("run"));
        PartRun run = new PartRun(settings(), job, runDir, new Recorder());
        Path model = run.shipModel();
        assertEquals(runDir.resolve("model.zip"), model, "a model of 1 kB is shipped");
        assertEquals(Map.of("model.json", "{\"name\": \"m\"}", "weights/decoder.onnx", new String(new byte[1000], StandardCharsets.ISO_8859_1)), unzip(model));
        ObjectNode j = DriverRun.JSON.createObjectNode();
        run.writeJob(j, model);

        assertEquals("analyze-part", j.at("/task/subcommand").asText());
        assertEquals("--part", j.at("/task/inputOption").asText());
        assertEquals("part.json", j.at("/task/doneFile").asText());
        assertEquals("--seeds", j.at("/task/dataOption").asText());
        assertEquals("--model", j.at("/task/sharedOption").asText());
        assertEquals(model.toString(), j.get("shared").asText(), "the zip the driver adds to the SparkContext");
        assertEquals(2, j.get("cells").size());
        assertEquals("part-00001", j.at("/cells/1/id").asText());
        // the driver reads the part's seeds from the lab's disk and puts their bytes into the task ...
        assertEquals(tmp.resolve("seeds/part-00001.npy").toString(), j.at("/cells/1/data").asText());
        // ... and the part the task's lab gets names neither the seeds nor the model at the lab's paths
        String json = j.at("/cells/1/json").asText();
        assertFalse(json.contains(tmp.toString()), "no path of the lab's in the task's part: " + json);
        PartInput in = AnalyzePartCommand.JSON.readValue(json, PartInput.class);
        assertEquals(new PartInput(null, "picard", Map.of("tolerance", "1e-5"), 4096, 1024, 1, 100, 50), in);
        // the task's lab rebuilds the part and its folder from that, its seeds and model where the task put them
        Path out = tmp.resolve("task/part-00001");
        SeedPartExecutor.PartJob there = in.job(out, tmp.resolve("task/part-00001.npy"), tmp.resolve("unpacked"));
        assertEquals(out, there.folder(there.parts().get(0)));
        assertEquals(new SeedPart(1, 100, 50, tmp.resolve("task/part-00001.npy")), there.parts().get(0));
        assertEquals(tmp.resolve("unpacked"), there.modelFolder());
    }

    @Test
    void aModelAboveTheLimitIsReadAtItsPathAndSoIsAnyWhenShippingIsOff() throws Exception {
        SeedPartExecutor.PartJob job = jobWithFiles();
        for (String mb : List.of("0")) {
            PartRun run = new PartRun(DriverRunTest.settings(tmp, Map.of("master", "local[2]", "shipModelMB", mb)), job,
                    Files.createDirectories(tmp.resolve("run-" + mb)), new Recorder());
            assertEquals(null, run.shipModel());
            ObjectNode j = DriverRun.JSON.createObjectNode();
            run.writeJob(j, null);
            assertFalse(j.has("shared"));
            PartInput in = AnalyzePartCommand.JSON.readValue(j.at("/cells/0/json").asText(), PartInput.class);
            assertEquals(job.modelFolder().toString(), in.modelFolder(), "the workers read it at the lab's path");
            assertEquals(job.modelFolder(), in.job(tmp.resolve("t/part-00000"), tmp.resolve("s.npy"), null).modelFolder());
        }
        // 1 MB and a model just over it
        Files.write(job.modelFolder().resolve("weights/big.bin"), new byte[1 << 20]);
        PartRun run = new PartRun(DriverRunTest.settings(tmp, Map.of("master", "local[2]", "shipModelMB", "1")), job,
                Files.createDirectories(tmp.resolve("run-1")), new Recorder());
        assertEquals(null, run.shipModel());
        assertEquals(List.of(), list(tmp.resolve("run-1")), "nothing zipped");
    }

    @Test
    void partsLargerThanASparkTaskCarriesAreRefusedBeforeTheDriverStarts() throws Exception {
        SeedPartExecutor.PartJob job = jobWithFiles();
        Files.write(job.parts().get(1).seeds(), new byte[(1 << 20) + 1]); // 1 MiB + 1 byte: over 2 MiB less 1 MiB
        Map<String, String> cluster = Map.of("master", "spark://127.0.0.1:7077", "conf", "spark.rpc.message.maxSize=2");
        PartRun run = new PartRun(DriverRunTest.settings(tmp, cluster), job, Files.createDirectories(tmp.resolve("run")), new Recorder());
        String msg = assertThrows(LatentLabException.class, run::run).getMessage();
        assertEquals("executor 'spark': a part of 50 seeds is 1.0 MiB of seeds, more than a Spark task carries "
                + "(spark.rpc.message.maxSize = 2 MiB, less 1 MiB for the task): split the seeds into more parts (--partitions) or "
                + "raise spark.rpc.message.maxSize (at most 2047)", msg);
        assertEquals(List.of(), list(tmp.resolve("run")), "no driver started, nothing written");
        Files.write(job.parts().get(1).seeds(), new byte[1 << 20]); // exactly what fits
        new PartRun(DriverRunTest.settings(tmp, cluster), job, tmp.resolve("run"), new Recorder()).checkTaskSizes();
        Files.write(job.parts().get(1).seeds(), new byte[10 << 20]); // local[N]: no limit
        new PartRun(settings(), job, tmp.resolve("run"), new Recorder()).checkTaskSizes();
    }

    static Map<String, String> unzip(Path zip) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (ZipInputStream z = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
                out.put(e.getName(), new String(z.readAllBytes(), StandardCharsets.ISO_8859_1));
            }
        }
        return out;
    }

    static List<String> list(Path d) throws IOException {
        try (var s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
