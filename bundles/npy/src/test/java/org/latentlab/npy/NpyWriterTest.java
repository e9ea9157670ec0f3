package org.latentlab.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written row by row, the count known only at the end, read by {@link Npy} and by NumPy. */
class NpyWriterTest {

    @TempDir
    Path dir;

    /** 1,001 rows of 3 written in uneven pieces: values i * 0.5 - 7, header rewritten with the count at close. */
    static float[] writeFloats(Path f) throws IOException {
        int n = 1001;
        int k = 3;
        float[] all = new float[n * k];
        for (int i = 0; i < all.length; i++) {
            all[i] = i * 0.5f - 7;
        }
        try (NpyWriter w = NpyWriter.open(f, NpyWriter.Type.FLOAT32, k)) {
            int at = 0;
            for (int piece : new int[] {1, 0, 2, 297, 1, 700}) {
                w.floats(all, at * k, piece * k);
                at += piece;
                assertEquals(at, w.rows());
            }
        }
        return all;
    }

    @Test
    void floatRowsReadBackWithTheFinalShape() throws Exception {
        Path f = dir.resolve("endpoints.npy");
        float[] all = writeFloats(f);
        Npy.FloatArray a = Npy.readFloats(f);
        assertArrayEquals(new int[] {1001, 3}, a.shape());
        assertArrayEquals(all, a.data());
        Npy.Header h = Npy.header(f);
        assertEquals(0, h.offset() % 64, "data aligned as NumPy writes it");
        assertArrayEquals(java.util.Arrays.copyOfRange(all, 30, 36), Npy.readRows(f, h, 10, 12).data());
    }

    @Test
    void everyTypeReadsBackExactly() throws Exception {
        Path i4 = dir.resolve("labels.npy");
        Path i8 = dir.resolve("evals.npy");
        Path f8 = dir.resolve("paths.npy");
        Path u1 = dir.resolve("flags.npy");
        int[] ints = {-1, 0, 7, Integer.MAX_VALUE, Integer.MIN_VALUE};
        long[] longs = {-1, 0, 1L << 40, Long.MAX_VALUE, 3};
        double[] doubles = {Math.PI, -0.0, Double.NaN, 1e300, Double.NEGATIVE_INFINITY};
        byte[] bytes = {0, 1, 1, 0, (byte) 255};
        try (NpyWriter a = NpyWriter.open(i4, NpyWriter.Type.INT32); NpyWriter b = NpyWriter.open(i8, NpyWriter.Type.INT64);
                NpyWriter c = NpyWriter.open(f8, NpyWriter.Type.FLOAT64); NpyWriter d = NpyWriter.open(u1, NpyWriter.Type.UINT8)) {
            a.ints(ints, 0, 2).ints(ints, 2, 3);
            b.longs(longs, 0, 5);
            c.doubles(doubles, 0, 4).value(doubles[4]);
            d.bytes(bytes, 0, 5);
        }
        assertArrayEquals(ints, Npy.readIntRows(i4, Npy.header(i4), 0, 5));
        assertArrayEquals(longs, Npy.readLongRows(i8, Npy.header(i8), 0, 5));
        assertArrayEquals(doubles, Npy.readDoubleRows(f8, Npy.header(f8), 0, 5));
        assertArrayEquals(new long[] {0, 1, 1, 0, 255}, Npy.readLongRows(u1, Npy.header(u1), 0, 5));
        assertArrayEquals(new int[] {5}, Npy.header(i4).shape());
        assertThrows(IOException.class, () -> Npy.readIntRows(i8, Npy.header(i8), 0, 5), "int64 values beyond int32");
        assertThrows(IOException.class, () -> Npy.readLongRows(f8, Npy.header(f8), 0, 5), "floats are not integers");
    }

    @Test
    void aFileHoldsOnlyTheRowsWrittenNeverRoomForRowsToCome() throws Exception {
        // per-seed files of a large run: a run that fails early must have written (and must delete) only what it made
        Path f = dir.resolve("steps.npy");
        try (NpyWriter w = NpyWriter.open(f, NpyWriter.Type.INT64)) {
            long header = Files.size(f);
            assertEquals(0, header % 64, "the header alone, padded to a multiple of 64");
            assertTrue(header <= 256, "the header alone: " + header + " bytes");
            w.longs(new long[] {1, 2, 3}, 0, 3).flush();
            assertEquals(header + 24, Files.size(f), "three int64 values");
        }
        assertEquals(3, Npy.header(f).shape()[0]);
    }

    @Test
    void aFileNeverClosedReadsAsNoRowsAndTheWriterRefusesPartRowsAndOtherTypes() throws Exception {
        Path f = dir.resolve("open.npy");
        NpyWriter w = NpyWriter.open(f, NpyWriter.Type.FLOAT32, 2);
        w.floats(new float[] {1, 2, 3, 4}).flush();
        assertArrayEquals(new int[] {0, 2}, Npy.header(f).shape(), "until close the header says 0 rows");
        assertThrows(IllegalArgumentException.class, () -> w.ints(new int[] {1}, 0, 1));
        w.floats(new float[] {5});
        assertThrows(IOException.class, w::close, "half a row");
        Path g = dir.resolve("empty.npy");
        NpyWriter.open(g, NpyWriter.Type.INT32).close();
        assertArrayEquals(new int[] {0}, Npy.header(g).shape());
    }

    @Test
    void numpyReadsTheFiles() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "no /usr/bin/python3");
        Process probe = new ProcessBuilder(python.toString(), "-c", "import numpy").redirectErrorStream(true).start();
        assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0, "no numpy");
        Path f = dir.resolve("endpoints.npy");
        writeFloats(f);
        Path l = dir.resolve("labels.npy");
        try (NpyWriter w = NpyWriter.open(l, NpyWriter.Type.INT32)) {
            w.ints(new int[] {3, -1, 4}, 0, 3);
        }
        Path u = dir.resolve("converged.npy");
        try (NpyWriter w = NpyWriter.open(u, NpyWriter.Type.UINT8)) {
            w.bytes(new byte[] {1, 0}, 0, 2);
        }
        String script = "import numpy as np, sys\n"
                + "e = np.load(sys.argv[1]); l = np.load(sys.argv[2]); u = np.load(sys.argv[3])\n"
                + "print(e.dtype, e.shape, float(e[1000, 2]), float(e.sum()), l.dtype, l.tolist(), u.dtype, u.tolist())\n";
        Process p = new ProcessBuilder(python.toString(), "-c", script, f.toString(), l.toString(), u.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        // sum of i * 0.5 - 7 for i < 3003, exact in float32 sums of halves
        double sum = 0;
        for (int i = 0; i < 3003; i++) {
            sum += i * 0.5 - 7;
        }
        assertEquals("float32 (1001, 3) " + (3002 * 0.5 - 7) + " " + sum + " int32 [3, -1, 4] uint8 [1, 0]", out);
    }
}
