package org.latentlab.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.npy.Npy;

class LatentPointsTest {

    @TempDir
    Path dir;

    @Test
    void goodPointsAreRead() throws Exception {
        Path p = dir.resolve("p.npy");
        Npy.writeFloats(p, new int[] {2, 2}, new float[] {1, 2, 3, 4});
        Tensor t = LatentPoints.read(p, "--points", -1, 2);
        assertArrayEquals(new int[] {2, 2}, t.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4}, t.data());
        LatentPoints.read(p, "--plane", 2, 2);
    }

    @Test
    void nanEmptyWrongShapeAndMissingFilesAreRefusedByName() throws Exception {
        Path nan = dir.resolve("nan.npy");
        Npy.writeFloats(nan, new int[] {2, 2}, new float[] {0, 0, 0, Float.NaN});
        assertMessage(nan, -1, 2, "nan.npy: row 1, column 1 is NaN; latent points must be finite");
        Path inf = dir.resolve("inf.npy");
        Npy.writeFloats(inf, new int[] {1, 2}, new float[] {Float.NEGATIVE_INFINITY, 0});
        assertMessage(inf, -1, 2, "row 0, column 0 is infinite");
        Path empty = dir.resolve("empty.npy");
        Npy.writeFloats(empty, new int[] {0, 2}, new float[0]);
        assertMessage(empty, -1, 2, "empty.npy holds no points");
        Path flat = dir.resolve("flat.npy");
        Npy.writeFloats(flat, new int[] {4}, new float[4]);
        assertMessage(flat, -1, 2, "has shape [4]; it must be [n, 2]");
        assertMessage(flat, -1, 2, "--points " + flat);
        Path two = dir.resolve("two.npy");
        Npy.writeFloats(two, new int[] {2, 3}, new float[6]);
        assertMessage(two, 3, 3, "must be [3, 3]");
        assertMessage(dir.resolve("missing.npy"), -1, 2, "--points file " + dir.resolve("missing.npy") + " does not exist");
        assertMessage(dir, -1, 2, "is a folder");
        Path text = Files.writeString(dir.resolve("text.npy"), "not numpy");
        assertMessage(text, -1, 2, "cannot read --points: " + text + ": not a NumPy .npy file");
    }

    private static void assertMessage(Path file, int rows, int k, String words) {
        LatentLabException e = assertThrows(LatentLabException.class, () -> LatentPoints.read(file, "--points", rows, k));
        assertTrue(e.getMessage().contains(words), "'" + words + "' in: " + e.getMessage());
    }
}
