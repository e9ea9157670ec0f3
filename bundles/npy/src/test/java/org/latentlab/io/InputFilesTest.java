package org.latentlab.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.latentlab.api.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFilesTest {

    @TempDir
    Path dir;

    @Test
    void csvWithHeaderAndPngFoldersAreRead() throws Exception {
        Path csv = dir.resolve("x.csv");
        Files.writeString(csv, "a,b,c\n0.1,0.2,0.3\n1,2,3\n");
        Tensor t = InputFiles.read(csv);
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f, 1, 2, 3}, t.data());

        Path pngs = Files.createDirectories(dir.resolve("pngs"));
        for (int n = 0; n < 2; n++) {
            BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setSample(1, 0, 0, n == 0 ? 255 : 51);
            ImageIO.write(img, "png", pngs.resolve("img" + n + ".png").toFile());
        }
        Tensor p = InputFiles.read(pngs);
        assertArrayEquals(new int[] {2, 1, 2, 3}, p.shape());
        assertArrayEquals(new float[] {0, 1, 0, 0, 0, 0, 0, 0.2f, 0, 0, 0, 0}, p.data(), 1e-6f);
    }

    @Test
    void badInputsAreNamed() throws Exception {
        Path ragged = dir.resolve("ragged.csv");
        Files.writeString(ragged, "1,2\n3\n");
        IOException e = assertThrows(IOException.class, () -> InputFiles.read(ragged));
        assertTrue(e.getMessage().contains("ragged.csv") && e.getMessage().contains("line 2"), e.getMessage());
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "x");
        assertTrue(assertThrows(IOException.class, () -> InputFiles.read(text)).getMessage().contains("unknown input format"));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertTrue(assertThrows(IOException.class, () -> InputFiles.read(empty)).getMessage().contains("no .png"));
    }
}
