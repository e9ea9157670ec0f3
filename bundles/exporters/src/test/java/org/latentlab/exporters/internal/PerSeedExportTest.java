package org.latentlab.exporters.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.result.SeedBlock;
import org.latentlab.api.result.SeedColumn;
import org.latentlab.api.result.SeedRecords;
import org.latentlab.api.result.SeedSummary;
import org.latentlab.npy.Npy;
import org.latentlab.npy.NpyWriter;

/**
 * A result whose per-seed records are not in memory (a run above the engine's in-memory limit): the exporters read
 * them block by block or link their files, result.json keeps counts and attractors and lists the records only when
 * asked to; a result in memory gets every seed column written from its trajectories.
 */
class PerSeedExportTest {

    @TempDir
    Path dir;

    static final int N = 20_000; // more than one block of records
    static final int K = 2;

    /** Seed i: end point (i, -i), steps i % 7, converged unless i % 5 == 0, diverged when i % 10 == 0, label i % 3. */
    static SeedRecords onDisk(Path work) throws IOException {
        Files.createDirectories(work);
        try (NpyWriter e = NpyWriter.open(work.resolve("endpoints.npy"), NpyWriter.Type.FLOAT32, K);
                NpyWriter l = NpyWriter.open(work.resolve("labels.npy"), NpyWriter.Type.INT32);
                NpyWriter s = NpyWriter.open(work.resolve("steps.npy"), NpyWriter.Type.INT32);
                NpyWriter c = NpyWriter.open(work.resolve("converged.npy"), NpyWriter.Type.UINT8);
                NpyWriter d = NpyWriter.open(work.resolve("diverged.npy"), NpyWriter.Type.UINT8);
                NpyWriter p = NpyWriter.open(work.resolve("path_lengths.npy"), NpyWriter.Type.FLOAT64);
                NpyWriter r = NpyWriter.open(work.resolve("residuals.npy"), NpyWriter.Type.FLOAT64);
                NpyWriter m = NpyWriter.open(work.resolve("map_evaluations.npy"), NpyWriter.Type.INT64)) {
            for (int i = 0; i < N; i++) {
                e.floats(new float[] {i, -i});
                l.value(i % 5 == 0 ? -1 : i % 3);
                s.value(i % 7);
                c.value(i % 5 == 0 ? 0 : 1);
                d.value(i % 10 == 0 ? 1 : 0);
                p.value(i * 0.5);
                r.value(1e-4);
                m.value(i % 7 + 1);
            }
        }
        return new SeedRecords() {
            public long count() {
                return N;
            }

            public int latentDim() {
                return K;
            }

            public SeedBlock read(long from, int rows) throws IOException {
                int a = (int) from;
                int b = (int) Math.min(N, from + rows);
                Path ends = work.resolve("endpoints.npy");
                boolean[] conv = new boolean[b - a];
                boolean[] div = new boolean[b - a];
                long[] cv = Npy.readLongRows(work.resolve("converged.npy"), Npy.header(work.resolve("converged.npy")), a, b);
                long[] dv = Npy.readLongRows(work.resolve("diverged.npy"), Npy.header(work.resolve("diverged.npy")), a, b);
                for (int i = 0; i < b - a; i++) {
                    conv[i] = cv[i] != 0;
                    div[i] = dv[i] != 0;
                }
                return new SeedBlock(a, Tensor.matrix(b - a, K, new float[(b - a) * K]),
                        Tensor.matrix(b - a, K, Npy.readRows(ends, Npy.header(ends), a, b).data()), ints("labels.npy", a, b),
                        ints("steps.npy", a, b), conv, div, doubles("path_lengths.npy", a, b), doubles("residuals.npy", a, b),
                        Npy.readLongRows(work.resolve("map_evaluations.npy"), Npy.header(work.resolve("map_evaluations.npy")), a, b));
            }

            private int[] ints(String f, int a, int b) throws IOException {
                return Npy.readIntRows(work.resolve(f), Npy.header(work.resolve(f)), a, b);
            }

            private double[] doubles(String f, int a, int b) throws IOException {
                return Npy.readDoubleRows(work.resolve(f), Npy.header(work.resolve(f)), a, b);
            }

            public Optional<Path> file(SeedColumn column) {
                return Optional.of(work.resolve(column.fileName()));
            }
        };
    }

    static AnalysisResult large(SeedRecords records) {
        AnalysisResult small = ExportersTest.result();
        long converged = N - N / 5;
        long diverged = N / 10;
        return new AnalysisResult(small.model(), "gaussian{count=" + N + "}", Tensor.matrix(0, K, new float[0]), small.strategy(),
                small.strategyParams(), small.clusterer(), small.clustererParams(), small.attractors(), List.of(), new int[0],
                small.metrics(), 42, new SeedSummary(N, converged, diverged, 12345), records);
    }

    @Test
    void resultJsonKeepsCountsAndAttractorsAndListsRecordsOnlyWhenAsked() throws Exception {
        AnalysisResult r = large(onDisk(dir.resolve("work")));
        Path out = Files.createDirectories(dir.resolve("out"));
        new JsonExporter().export(r, out, Parameters.EMPTY);
        JsonNode j = new ObjectMapper().readTree(out.resolve("result.json").toFile());
        assertEquals(N, j.at("/seeds/count").asInt());
        assertFalse(j.at("/seeds/trajectoriesListed").asBoolean());
        assertTrue(j.at("/trajectories").isMissingNode(), "no per-seed list above the in-memory limit by default");
        assertEquals(N - N / 5, j.at("/summary/converged").asInt());
        assertEquals(N / 10, j.at("/summary/diverged").asInt());
        assertEquals(N - (N - N / 5) - N / 10, j.at("/summary/notConverged").asInt());
        assertEquals(12345, j.at("/strategy/mapEvaluations").asLong());
        assertEquals(1, j.at("/attractors").size());

        Parameters all = Parameters.resolve("json", new JsonExporter().parameters(), Map.of("allTrajectories", "true"));
        new JsonExporter().export(r, out, all);
        j = new ObjectMapper().readTree(out.resolve("result.json").toFile());
        assertTrue(j.at("/seeds/trajectoriesListed").asBoolean());
        assertEquals(N, j.at("/trajectories").size());
        JsonNode t = j.at("/trajectories/12347");
        assertEquals(12347, t.get("seed").asInt());
        assertEquals(12347 % 3, t.get("attractor").asInt());
        assertEquals(12347 % 7, t.get("steps").asInt());
        assertEquals(12347 * 0.5, t.get("pathLength").asDouble());
        assertEquals(12347 % 7 + 1, t.get("mapEvaluations").asInt());
        assertEquals(-1, j.at("/trajectories/10/attractor").asInt());
        assertTrue(j.at("/trajectories/10/diverged").asBoolean());
    }

    @Test
    void csvListsTrajectoriesUnderTheSameRule() throws Exception {
        AnalysisResult r = large(onDisk(dir.resolve("work")));
        Path out = Files.createDirectories(dir.resolve("out"));
        List<Path> files = new CsvExporter().export(r, out, Parameters.EMPTY);
        assertEquals(List.of(out.resolve("attractors.csv")), files);
        assertFalse(Files.exists(out.resolve("trajectories.csv")));
        new CsvExporter().export(r, out, Parameters.resolve("csv", new CsvExporter().parameters(), Map.of("allTrajectories", "true")));
        List<String> lines = Files.readAllLines(out.resolve("trajectories.csv"));
        assertEquals(N + 1, lines.size());
        assertEquals("7,1,0,true,false,3.5,1.0E-4", lines.get(8));
    }

    @Test
    void npyLinksTheStreamedColumns() throws Exception {
        Path work = dir.resolve("work");
        AnalysisResult r = large(onDisk(work));
        Path out = Files.createDirectories(dir.resolve("out"));
        List<Path> files = new NpyExporter().export(r, out, Parameters.EMPTY);
        assertEquals(1 + SeedColumn.values().length, files.size());
        for (SeedColumn c : SeedColumn.values()) {
            Path f = out.resolve(c.fileName());
            assertTrue(files.contains(f));
            assertEquals(-1, Files.mismatch(work.resolve(c.fileName()), f), c.fileName());
        }
        assertArrayEquals(new int[] {N, K}, Npy.header(out.resolve("endpoints.npy")).shape());
        assertArrayEquals(new int[] {1, 2}, Npy.header(out.resolve("attractors.npy")).shape());
        // published files outlive the work folder
        for (SeedColumn c : SeedColumn.values()) {
            Files.delete(work.resolve(c.fileName()));
        }
        assertArrayEquals(new float[] {19999, -19999}, Npy.readRows(out.resolve("endpoints.npy"),
                Npy.header(out.resolve("endpoints.npy")), N - 1, N).data());
    }

    @Test
    void npyWritesEveryColumnOfAResultInMemory() throws Exception {
        AnalysisResult r = ExportersTest.result();
        new NpyExporter().export(r, dir, Parameters.EMPTY);
        Path steps = dir.resolve("steps.npy");
        assertArrayEquals(new int[] {10, 11, 3}, Npy.readIntRows(steps, Npy.header(steps), 0, 3));
        Path conv = dir.resolve("converged.npy");
        assertArrayEquals(new long[] {1, 1, 0}, Npy.readLongRows(conv, Npy.header(conv), 0, 3));
        Path div = dir.resolve("diverged.npy");
        assertArrayEquals(new long[] {0, 0, 1}, Npy.readLongRows(div, Npy.header(div), 0, 3));
        Path path = dir.resolve("path_lengths.npy");
        double[] p = Npy.readDoubleRows(path, Npy.header(path), 0, 3);
        assertEquals(3.5, p[0]);
        assertTrue(Double.isNaN(p[2]));
        Path evals = dir.resolve("map_evaluations.npy");
        assertArrayEquals(new long[] {-1, -1, -1}, Npy.readLongRows(evals, Npy.header(evals), 0, 3), "not counted");
        Path labels = dir.resolve("labels.npy");
        assertArrayEquals(new int[] {0, 0, -1}, Npy.readIntRows(labels, Npy.header(labels), 0, 3));
        try (var s = Files.list(dir)) {
            assertTrue(s.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
    }
}
