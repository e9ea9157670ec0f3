package org.latentlab.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ONNX Runtime's libraries unpacked once into the cache from the real ONNX Runtime jar, and loaded from there. */
class OnnxRuntimeNativesTest {

    @TempDir
    Path cache;

    static String platform() {
        return OnnxRuntimeNatives.platform().orElseThrow(() -> new AssertionError("this test runs on Linux x64 or aarch64"));
    }

    @Test
    void unpacksBothLibrariesOnceIntoAFolderNamedByTheJarAndReusesIt() throws Exception {
        ClassLoader loader = getClass().getClassLoader();
        Path dir = OnnxRuntimeNatives.unpack(cache, loader, platform()).orElseThrow();
        assertTrue(dir.getFileName().toString().matches("onnxruntime-\\d+\\.\\d+\\.\\d+-linux-.*"), dir.toString());
        for (String lib : OnnxRuntimeNatives.LIBRARIES) {
            try (InputStream in = loader.getResourceAsStream("ai/onnxruntime/native/" + platform() + "/" + lib)) {
                assertArrayEquals(in.readAllBytes(), Files.readAllBytes(dir.resolve(lib)), lib);
            }
        }
        long modified = Files.getLastModifiedTime(dir.resolve(OnnxRuntimeNatives.LIBRARIES.get(0))).toMillis();
        assertEquals(dir, OnnxRuntimeNatives.unpack(cache, loader, platform()).orElseThrow());
        assertEquals(modified, Files.getLastModifiedTime(dir.resolve(OnnxRuntimeNatives.LIBRARIES.get(0))).toMillis(),
                "unpacked again");
        try (Stream<Path> s = Files.list(dir.getParent())) {
            assertEquals(List.of(dir), s.toList(), "temporary folders left behind");
        }
    }

    @Test
    void processesUnpackingTogetherAllGetTheWholeFolderAndLeaveNoTemporaryOne() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Optional<Path>>> all = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Callable<Optional<Path>> c = () -> OnnxRuntimeNatives.unpack(cache, getClass().getClassLoader(), platform());
                all.add(pool.submit(c));
            }
            Path first = all.get(0).get().orElseThrow();
            for (Future<Optional<Path>> f : all) {
                assertEquals(first, f.get().orElseThrow());
            }
            for (String lib : OnnxRuntimeNatives.LIBRARIES) {
                assertTrue(Files.size(first.resolve(lib)) > 0, lib);
            }
            try (Stream<Path> s = Files.list(first.getParent())) {
                assertEquals(List.of(first), s.toList());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aJarWithoutLibrariesForThePlatformIsLeftToOnnxRuntime() throws Exception {
        assertTrue(OnnxRuntimeNatives.unpack(cache, getClass().getClassLoader(), "plan9-mips").isEmpty());
        try (Stream<Path> s = Files.list(cache)) {
            assertEquals(0, s.count(), "nothing written");
        }
    }

    @Test
    void theJarNameCarriesTheVersion() throws Exception {
        assertEquals("com.microsoft.onnxruntime.onnxruntime-1.21.1", OnnxRuntimeNatives.jarName(new URL(
                "jar:file:/x/lib/com.microsoft.onnxruntime.onnxruntime-1.21.1.jar!/ai/onnxruntime/native/linux-x64/libonnxruntime.so")));
        assertEquals("classes", OnnxRuntimeNatives.jarName(new URL("file:/x/classes/ai/onnxruntime/native/a.so")));
    }

    /** A fresh JVM with the property set loads ONNX Runtime from the folder and creates no /tmp/onnxruntime-java*. */
    @Test
    void onnxRuntimeLoadsFromTheUnpackedFolderWithoutATemporaryCopy() throws Exception {
        Path dir = OnnxRuntimeNatives.unpack(cache, getClass().getClassLoader(), platform()).orElseThrow();
        Path tmp = Files.createDirectories(cache.resolve("tmp"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Djava.io.tmpdir=" + tmp, "-D" + OnnxRuntimeNatives.PROPERTY + "=" + dir, LoadOrt.class.getName())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        // a child that never ends (a native load hanging) fails the test instead of hanging the build
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the child JVM loading ONNX Runtime did not end within 5 minutes");
        }
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("ORT version"), out);
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(), s.toList(), "ONNX Runtime copied its libraries after all");
        }
    }

    /** Child process of the last test. */
    public static final class LoadOrt {
        public static void main(String[] args) throws Exception {
            URL u = LoadOrt.class.getClassLoader().getResource("ai/onnxruntime/OrtEnvironment.class");
            if (u == null) {
                throw new IllegalStateException("no ONNX Runtime on the class path");
            }
            System.out.println("ORT version " + ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion());
        }
    }
}
