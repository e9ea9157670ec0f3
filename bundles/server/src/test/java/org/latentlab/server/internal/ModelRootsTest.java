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

    @Test
    void dotDotThatClimbsOutIsRefusedEvenWhenTheTargetExists() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path outside = Files.createDirectories(tmp.resolve("outside/m"));
        ApiException e = assertThrows(ApiException.class,
                () -> new ModelRoots(List.of(root)).resolve(root + "/../outside/m", "model folder"));
        assertEquals(403, e.status);
        assertEquals("model folder " + outside + " is outside the configured model roots [" + root + "]", e.getMessage());
        // '..' that stays inside is only a longer way in
        Path inside = Files.createDirectories(root.resolve("a/b"));
        assertEquals(inside.toRealPath(), new ModelRoots(List.of(root)).resolve(root + "/a/x/../b", "model folder"));
    }

    @Test
    void aSymlinkedFolderInsideThatLeadsOutIsRefusedForFilesBelowIt() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("seeds.npy"), "x");
        Files.createSymbolicLink(root.resolve("shared"), outside);
        ApiException e = assertThrows(ApiException.class,
                () -> new ModelRoots(List.of(root)).resolve(root + "/shared/seeds.npy", "seed file"));
        assertEquals(403, e.status);
        assertTrue(e.getMessage().contains("leads (through a symbolic link) to " + outside.toRealPath().resolve("seeds.npy")),
                e.getMessage());
    }

    @Test
    void aRootThatIsItselfALinkAcceptsPathsGivenEitherWay() throws IOException {
        Path real = Files.createDirectories(tmp.resolve("disk/models"));
        Path f = Files.writeString(real.resolve("seeds.npy"), "x");
        Path root = Files.createSymbolicLink(tmp.resolve("models"), real); // the configured root is a link
        ModelRoots roots = new ModelRoots(List.of(root));
        assertEquals(f.toRealPath(), roots.resolve(root + "/seeds.npy", "seed file"));
        assertEquals(f.toRealPath(), roots.resolve(f.toString(), "seed file"), "its real path is inside too");
        assertEquals(403, assertThrows(ApiException.class, () -> roots.resolve(tmp.resolve("disk").toString(), "model folder")).status,
                "but not the folder above the link's target");
    }

    @Test
    void aPathWithNulIsRefusedAsMalformed() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        ApiException e = assertThrows(ApiException.class, () -> new ModelRoots(List.of(root)).resolve(root + "/a\0b", "model folder"));
        assertEquals(400, e.status);
        assertTrue(e.getMessage().contains("is not a valid path"), e.getMessage());
    }

    @Test
    void aFileWhereAFolderIsExpectedIsRefused() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path f = Files.writeString(root.resolve("model.onnx"), "x");
        ModelRoots roots = new ModelRoots(List.of(root));
        ApiException e = assertThrows(ApiException.class, () -> roots.resolveFolder(f.toString(), "model folder"));
        assertEquals(400, e.status);
        assertEquals("model folder " + f.toRealPath() + " is a file, not a folder", e.getMessage());
        Path m = Files.createDirectories(root.resolve("m"));
        assertEquals(m.toRealPath(), roots.resolveFolder(m.toString(), "model folder"));
    }

    @Test
    void aRootRemovedWhileTheServerRunsHoldsNothing() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path f = Files.writeString(root.resolve("seeds.npy"), "x");
        ModelRoots roots = new ModelRoots(List.of(root));
        assertEquals(f.toRealPath(), roots.resolve(f.toString(), "seed file"));
        Files.delete(f);
        Files.delete(root);
        ApiException e = assertThrows(ApiException.class, () -> roots.resolve(f.toString(), "seed file"));
        assertEquals(400, e.status);
        assertEquals("seed file " + f + " does not exist", e.getMessage());
        // a file of the same name reappearing under a link that now leads elsewhere is outside
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("seeds.npy"), "y");
        Path other = Files.createDirectories(tmp.resolve("other"));
        ModelRoots two = new ModelRoots(List.of(root, other));
        Files.createSymbolicLink(other.resolve("seeds.npy"), elsewhere.resolve("seeds.npy"));
        assertEquals(403, assertThrows(ApiException.class, () -> two.resolve(other + "/seeds.npy", "seed file")).status);
    }
}
