package org.latentlab.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

    @TempDir
    Path dir;

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(NpyTest.class.getResource("/" + name).toURI());
    }

    static final float[] EXPECTED = {0f, .25f, .5f, .75f, 1f, 1.25f};

    @Test
    void readsFilesWrittenByNumpyInEverySupportedDtype() throws Exception {
        for (String f : new String[] {"f4.npy", "f8.npy", "f4_big_endian.npy"}) {
            Npy.FloatArray a = Npy.readFloats(fixture(f));
            assertArrayEquals(new int[] {2, 3}, a.shape(), f);
            assertArrayEquals(EXPECTED, a.data(), f);
        }
        assertArrayEquals(new float[] {0, 1, 2, 3}, Npy.readFloats(fixture("i8.npy")).data());
        Npy.FloatArray s = Npy.readFloats(fixture("scalar.npy"));
        assertArrayEquals(new int[0], s.shape());
        assertArrayEquals(new float[] {2.5f}, s.data());
    }

    @Test
    void writtenFilesReadBackIdenticallyAndWithNumpysHeaderLayout() throws Exception {
        Path p = dir.resolve("out.npy");
        Npy.writeFloats(p, new int[] {2, 3}, EXPECTED);
        Npy.FloatArray a = Npy.readFloats(p);
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertArrayEquals(EXPECTED, a.data());
        // NumPy pads the header so the data starts at a multiple of 64 bytes: our file equals np.save's.
        assertArrayEquals(Files.readAllBytes(fixture("f4.npy")), Files.readAllBytes(p));

        Path labels = dir.resolve("labels.npy");
        Npy.writeInts(labels, new int[] {3}, new int[] {0, -1, 2});
        assertArrayEquals(new float[] {0, -1, 2}, Npy.readFloats(labels).data());
    }

    @Test
    void badFilesFailWithAMessageNamingFileAndProblem() throws Exception {
        assertMessage(fixture("fortran.npy"), "Fortran-order");
        assertMessage(fixture("complex.npy"), "dtype");
        assertMessage(fixture("truncated.npy"), "truncated");
        assertMessage(dir.resolve("missing.npy"), "no such file");
        Path text = dir.resolve("text.npy");
        Files.writeString(text, "hello, world");
        assertMessage(text, "not a NumPy .npy file");
    }

    /** A .npy file with the given format version, header text and data bytes, exactly as given. */
    private Path crafted(String name, int version, String header, int headerLen, int dataBytes) throws Exception {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        b.write(headerLen & 0xff);
        b.write(headerLen >> 8 & 0xff);
        if (version > 1) {
            b.write(headerLen >> 16 & 0xff);
            b.write(headerLen >>> 24);
        }
        b.write(header.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        b.write(new byte[dataBytes]);
        return Files.write(dir.resolve(name), b.toByteArray());
    }

    private Path crafted(String name, String shape, int dataBytes) throws Exception {
        String h = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape + "), }\n";
        return crafted(name, 1, h, h.length(), dataBytes);
    }

    @Test
    void oddHeadersFailWithTheFileNameAndTheProblemNotAnArrayError() throws Exception {
        assertMessage(crafted("negative.npy", "-2, 4", 32), "negative dimension -2");
        assertMessage(crafted("negative2.npy", "2, -4", 32), "negative dimension -4");
        assertMessage(crafted("overflow.npy", "65536, 65536, 65536, 65536", 64), "more values than any file can hold");
        assertMessage(crafted("product.npy", "100000, 100000", 64), "truncated: shape [100000, 100000] needs 40000000000 data bytes");
        assertMessage(crafted("huge-dim.npy", "99999999999, 1", 64), "dimension 99999999999");
        assertMessage(crafted("words.npy", "two, 3", 64), "bad shape");
        String h = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n";
        assertMessage(crafted("v2-negative-length.npy", 2, h, 0x80000000, 8), "truncated .npy header");
        assertMessage(crafted("v1-long-header.npy", 1, h, 60000, 8), "truncated .npy header");
        assertMessage(Files.write(dir.resolve("v3-short.npy"), new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 3, 0, 1, 0, 0}),
                "truncated .npy header");
        assertMessage(crafted("version9.npy", 9, h, h.length(), 8), "unsupported .npy format version 9");
        assertMessage(crafted("no-shape.npy", 1, "{'descr': '<f4'}", 16, 8), "malformed .npy header");
        Path ok = crafted("ok.npy", "2,", 8);
        assertArrayEquals(new float[2], Npy.readFloats(ok).data());
        Npy.Header header = Npy.header(ok);
        IOException e = assertThrows(IOException.class, () -> Npy.readRows(ok, header, 1, 3));
        assertTrue(e.getMessage().contains("ok.npy: rows 1 to 3 asked for, the file has 2"), e.getMessage());
    }

    @Test
    void largeFloat64FilesAreReadInChunks() throws Exception {
        // 300,000 float64 values: more bytes than one read buffer
        int n = 300_000;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putDouble(i * 0.5);
        }
        String h = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + n + ",), }\n";
        Path p = crafted("big.npy", 1, h, h.length(), 0);
        Files.write(p, b.array(), java.nio.file.StandardOpenOption.APPEND);
        float[] v = Npy.readFloats(p).data();
        assertEquals(n, v.length);
        assertEquals(0.5f * (n - 1), v[n - 1]);
        assertEquals(0.5f * 123_457, v[123_457]);
    }

    private static void assertMessage(Path file, String words) {
        IOException e = assertThrows(IOException.class, () -> Npy.readFloats(file));
        assertTrue(e.getMessage().contains(file.getFileName().toString()) && e.getMessage().contains(words), e.getMessage());
    }
}
