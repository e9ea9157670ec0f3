package org.latentlab.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    private static void assertMessage(Path file, String words) {
        IOException e = assertThrows(IOException.class, () -> Npy.readFloats(file));
        assertTrue(e.getMessage().contains(file.getFileName().toString()) && e.getMessage().contains(words), e.getMessage());
    }
}
