package org.latentlab.engine.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.model.ModelSpec;

/** model.json as docs/analysis.md defines it, and the sizes the engine derives from it before running anything. */
class ModelFoldersTest {

    @TempDir
    Path dir;

    private Path model(String json) throws Exception {
        Path m = Files.createDirectories(dir.resolve("m"));
        Files.writeString(m.resolve("encoder.onnx"), "x");
        Files.writeString(m.resolve("decoder.onnx"), "x");
        Files.writeString(m.resolve("model.json"), json);
        return m;
    }

    private static String json(String inputShape, String latentDim) {
        return "{\"name\": \"mnist-mlp\", \"inputShape\": " + inputShape + ", \"latentDim\": " + latentDim
                + ", \"encoder\": \"encoder.onnx\", \"decoder\": \"decoder.onnx\"}";
    }

    private void refused(String json, String words) throws Exception {
        Path m = model(json);
        LatentLabException e = assertThrows(LatentLabException.class, () -> ModelFolders.read(m));
        assertTrue(e.getMessage().contains(words), e.getMessage());
    }

    @Test
    void aValidFolderGivesItsSpec() throws Exception {
        ModelSpec s = ModelFolders.read(model(json("[1, 28, 28]", "32")));
        assertEquals("mnist-mlp", s.name());
        assertArrayEquals(new int[] {1, 28, 28}, s.inputShape());
        assertEquals(784, s.inputSize());
        assertEquals(32, s.latentDim());
        assertArrayEquals(new int[] {5, 1, 28, 28}, s.batchShape(5));
        assertEquals(dir.resolve("m/encoder.onnx"), s.encoderFile());
    }

    @Test
    void everyBrokenFieldIsNamed() throws Exception {
        refused("{ \"name\": ", "is not valid JSON");
        refused("[1]", "must hold a JSON object");
        refused(json("[]", "4"), "\"inputShape\" must be a non-empty array");
        refused(json("[0]", "4"), "is not a positive integer");
        refused(json("[16.5]", "4"), "is not a positive integer");
        refused(json("[\"16\"]", "4"), "is not a positive integer");
        refused(json("[16]", "0"), "\"latentDim\" must be a positive integer");
        refused(json("[16]", "\"4\""), "\"latentDim\" must be a positive integer");
        refused("{\"inputShape\": [16], \"latentDim\": 4, \"decoder\": \"decoder.onnx\"}", "\"encoder\" is missing");
        refused("{\"inputShape\": [16], \"latentDim\": 4, \"encoder\": \"../../etc/passwd\", \"decoder\": \"decoder.onnx\"}",
                "lies outside the model folder");
        refused("{\"inputShape\": [16], \"latentDim\": 4, \"encoder\": \"gone.onnx\", \"decoder\": \"decoder.onnx\"}",
                "gone.onnx, which does not exist");
        refused(json("[100000, 100000]", "4"), "do not fit in one array");
        LatentLabException missing = assertThrows(LatentLabException.class, () -> ModelFolders.read(dir.resolve("nope")));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    }

    @Test
    void aModelFileGivenForItsFolderIsNamedAsAFile() throws Exception {
        Path m = model(json("[16]", "4"));
        LatentLabException e = assertThrows(LatentLabException.class, () -> ModelFolders.read(m.resolve("encoder.onnx")));
        assertEquals("model folder " + m.resolve("encoder.onnx") + " is a file; give the folder that holds model.json ("
                + m.toAbsolutePath() + ")", e.getMessage());
    }

    @Test
    void memoryIsBudgetedBeforeAJobRuns() throws Exception {
        long gb = 1L << 30;
        // 1 GB left; a 3x256x256 input needs ~2.4 MB per model row: a quarter of the heap holds 2^28 / 2,359,552 = 113 rows
        assertEquals(113, MemoryBudget.modelBatch("vae", 3L * 256 * 256, 16, 1024, gb));
        assertEquals(1024, MemoryBudget.modelBatch("mlp", 784, 32, 1024, gb), "small inputs keep the configured batch");
        // outside the heap: at most 4096 x 1024 input values a call, never below 1024 rows
        long plenty = 64 * gb;
        assertEquals(4096, MemoryBudget.modelBatch("mlp", 784, 32, ModelBatch.DEFAULT, plenty), "the default for small inputs");
        assertEquals(5349, MemoryBudget.modelBatch("mlp", 784, 32, 16384, plenty), "4,194,304 / 784 values a row");
        assertEquals(1024, MemoryBudget.modelBatch("conv", 3L * 64 * 64, 16, ModelBatch.DEFAULT, plenty),
                "a 3x64x64 input keeps the batch of before");
        assertEquals(512, MemoryBudget.modelBatch("conv", 3L * 64 * 64, 16, 512, plenty), "a smaller configured batch stays");
        LatentLabException tooBig = assertThrows(LatentLabException.class,
                () -> MemoryBudget.modelBatch("huge", 2_000_000_000L, 4, 1024, gb));
        assertTrue(tooBig.getMessage().contains("one input of 2,000,000,000 values"), tooBig.getMessage());

        int all = Integer.MAX_VALUE; // every seed in memory
        MemoryBudget.checkSeeds("noise", 1_000_000, 4, 4096, all, gb); // 1e6 seeds of dimension 4: ~220 MB, fits
        LatentLabException many = assertThrows(LatentLabException.class,
                () -> MemoryBudget.checkSeeds("noise", 500_000_000, 4, 4096, all, gb));
        assertTrue(many.getMessage().contains("500,000,000 seeds of dimension 4 need about 104.3 GB")
                && many.getMessage().contains("this lab can use 1.0 GB"), many.getMessage());
        LatentLabException overflow = assertThrows(LatentLabException.class,
                () -> MemoryBudget.checkSeeds("noise", 2_000_000_000, 4, 4096, all, Long.MAX_VALUE));
        assertTrue(overflow.getMessage().contains("do not fit in one array"), overflow.getMessage());
        // above the in-memory limit only a part of about inMemory seeds is held: any number of seeds fits
        MemoryBudget.checkSeeds("noise", 2_000_000_000, 4, 4096, 100_000, gb);
        LatentLabException part = assertThrows(LatentLabException.class,
                () -> MemoryBudget.checkSeeds("noise", 500_000_000, 4, 4096, 100_000_000, gb));
        assertTrue(part.getMessage().contains("run in parts of about 100,004,096 seeds")
                && part.getMessage().contains("set inMemorySeeds to at most about"), part.getMessage());
        // and their per-seed files must fit on the output's disk (the folder itself need not exist yet)
        Path out = Path.of(System.getProperty("java.io.tmpdir"), "not-yet", "out");
        MemoryBudget.checkDisk("noise", 1_000_000, 4, 100_000, out);
        MemoryBudget.checkDisk("noise", 2_000_000_000, 4, Integer.MAX_VALUE, out); // in memory: no files (140 GB otherwise)
        LatentLabException disk = assertThrows(LatentLabException.class,
                () -> MemoryBudget.checkDisk("noise", Long.MAX_VALUE / 100, 4, 100_000, out));
        assertTrue(disk.getMessage().contains("of per-seed results to disk, but " + out.getParent().getParent()), disk.getMessage());
        // at most half the free space: a seed count one zero too large is refused before it writes, not when the disk is full
        long free = java.nio.file.Files.getFileStore(out.getParent().getParent()).getUsableSpace();
        long perSeed = MemoryBudget.perSeedDiskBytes(4);
        MemoryBudget.checkDisk("noise", free / 4 / perSeed, 4, 100_000, out);
        LatentLabException half = assertThrows(LatentLabException.class,
                () -> MemoryBudget.checkDisk("noise", free * 3 / 4 / perSeed, 4, 100_000, out));
        assertTrue(half.getMessage().contains("a run may use at most half of it"), half.getMessage());
    }

    @Test
    void backendsAreChosenByTheWholeExtension() {
        assertEquals("onnx", CatalogModelLoader.extension("encoder.onnx"));
        assertEquals("layers.json", CatalogModelLoader.extension("sub/encoder.layers.json"));
        assertEquals("pt", CatalogModelLoader.extension("ENCODER.PT"));
        assertEquals("", CatalogModelLoader.extension("encoder"));
    }
}
