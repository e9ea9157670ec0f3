package org.latentlab.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.model.ModelSpec;

class ModelRootsTest {

    @TempDir
    Path tmp;

    @Test
    void aFileUnderTheRootsResolvesToItsRealPath() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path f = Files.writeString(root.resolve("seeds.npy"), "x");
        assertEquals(f.toRealPath(), new ModelRoots(List.of(root)).resolve(f.toString(), "seed file"));
    }

    @Test
    void relativeMissingAndOutsidePathsAreRefusedWithoutNamingTheWorkingDirectory() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        ModelRoots roots = new ModelRoots(List.of(root));
        ApiException rel = assertThrows(ApiException.class, () -> roots.resolve("models/x", "model folder"));
        assertEquals(400, rel.status);
        assertFalse(rel.getMessage().contains(Path.of("").toAbsolutePath().toString()), rel.getMessage());
        assertEquals(400, assertThrows(ApiException.class, () -> roots.resolve(root + "/missing", "seed file")).status);
        assertEquals(403, assertThrows(ApiException.class, () -> roots.resolve("/etc", "model folder")).status);
        assertEquals(403, assertThrows(ApiException.class, () -> roots.resolve(root + "/../../etc", "model folder")).status);
    }

    @Test
    void aLinkInsideARootToAFileOutsideIsRefused() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path outside = Files.writeString(tmp.resolve("secret.npy"), "x");
        Path link = Files.createSymbolicLink(root.resolve("seeds.npy"), outside);
        ApiException e = assertThrows(ApiException.class, () -> new ModelRoots(List.of(root)).resolve(link.toString(), "seed file"));
        assertEquals(403, e.status);
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    }

    @Test
    void aModelWhoseEncoderOrWeightsLinkOutsideTheRootsIsRefused() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path model = Files.createDirectories(root.resolve("m"));
        Files.writeString(model.resolve("decoder.onnx"), "d");
        Path outside = Files.writeString(tmp.resolve("elsewhere.onnx"), "e");
        Files.createSymbolicLink(model.resolve("encoder.onnx"), outside);
        ModelRoots roots = new ModelRoots(List.of(root));
        ModelSpec spec = new ModelSpec(model, "m", new int[] {4}, 2, "encoder.onnx", "decoder.onnx", null);
        ApiException e = assertThrows(ApiException.class, () -> roots.checkModelFiles(spec));
        assertEquals(403, e.status);
        assertTrue(e.getMessage().contains("encoder.onnx leads to " + outside.toRealPath()), e.getMessage());

        // a link that stays inside the roots is fine; so is a weight file linked from inside
        Files.delete(model.resolve("encoder.onnx"));
        Path shared = Files.writeString(root.resolve("shared.onnx"), "s");
        Files.createSymbolicLink(model.resolve("encoder.onnx"), shared);
        roots.checkModelFiles(spec);
        Files.createSymbolicLink(model.resolve("encoder.0.weight.npy"), outside);
        assertEquals(403, assertThrows(ApiException.class, () -> roots.checkModelFiles(spec)).status);
    }

    @Test
    void insideComparesRealPaths() throws IOException {
        Path job = Files.createDirectories(tmp.resolve("jobs/j1"));
        Path own = Files.writeString(job.resolve("result.json"), "{}");
        Path outside = Files.writeString(tmp.resolve("passwd"), "root:x");
        Path link = Files.createSymbolicLink(job.resolve("leak.txt"), outside);
        assertTrue(ModelRoots.inside(own, job));
        assertFalse(ModelRoots.inside(link, job));
    }
}
