package org.latentlab.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineWarmupTest {

    @TempDir
    Path dir;

    private Path model(String name, String json) throws IOException {
        Path m = Files.createDirectories(dir.resolve(name));
        Files.writeString(m.resolve("model.json"), json);
        return m;
    }

    @Test
    void theEngineFollowsTheModelFolder() throws IOException {
        Path onnx = model("onnx", "{\"name\": \"a\", \"encoder\": \"encoder.ONNX\", \"decoder\": \"decoder.onnx\"}");
        Path ts = model("ts", "{\"name\": \"b\", \"encoder\" : \"encoder.pt\", \"decoder\": \"decoder.pt\"}");
        Path forced = model("forced", "{\"encoder\": \"e.bin\", \"decoder\": \"d.bin\", \"backend\": \"onnx\"}");
        Path nd4j = model("nd4j", "{\"encoder\": \"e.onnx\", \"decoder\": \"d.onnx\", \"backend\": \"nd4j\"}");
        Path layers = model("layers", "{\"encoder\": \"encoder.layers.json\", \"decoder\": \"decoder.layers.json\"}");
        assertEquals(Optional.of("OnnxRuntime"), EngineWarmup.engineFor("analyze", List.of("--model", onnx.toString())));
        assertEquals(Optional.of("OnnxRuntime"), EngineWarmup.engineFor("field", List.of("--model=" + onnx)));
        assertEquals(Optional.of("PyTorch"), EngineWarmup.engineFor("analyze", List.of("--model", ts.toString(), "--noise", "9")));
        assertEquals(Optional.of("OnnxRuntime"), EngineWarmup.engineFor("ood", List.of("--model", forced.toString())));
        assertEquals(Optional.empty(), EngineWarmup.engineFor("analyze", List.of("--model", nd4j.toString())));
        assertEquals(Optional.of("PyTorch"), EngineWarmup.engineFor("analyze", List.of("--model", layers.toString())));
    }

    @Test
    void commandsWithoutAModelFolderTakeLibtorchAndOthersNothing() {
        assertEquals(Optional.of("PyTorch"), EngineWarmup.engineFor("demo", List.of()));
        assertEquals(Optional.of("PyTorch"), EngineWarmup.engineFor("train", List.of("--dataset", "mnist")));
        // not a folder (a typo, a catalog name): the command reports it; the common engine is made meanwhile
        assertEquals(Optional.of("PyTorch"), EngineWarmup.engineFor("analyze", List.of("--model", dir.resolve("nope").toString())));
        assertEquals(Optional.empty(), EngineWarmup.engineFor("services", List.of()));
        assertEquals(Optional.of("PyTorch"), EngineWarmup.engineFor("analyze", List.of("--model", dir.toString())));
        assertEquals(Optional.empty(), EngineWarmup.engineFor("shell", List.of()));
        assertEquals(Optional.empty(), EngineWarmup.engineFor("analyze", List.of("--help")));
    }

    @Test
    void aModelJsonThatIsAPipeIsNotRead() throws Exception {
        Path m = Files.createDirectories(dir.resolve("piped"));
        Process p = new ProcessBuilder("mkfifo", m.resolve("model.json").toString()).start();
        assertEquals(0, p.waitFor());
        // a read would wait for a writer that never comes; engineFor must return at once (CarelessIT runs the command)
        assertEquals(Optional.of("PyTorch"), assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
                () -> EngineWarmup.engineFor("analyze", List.of("--model", m.toString()))));
    }

    @Test
    void aWarmUpThatDoesNotEndIsReportedAndTheCommandGoesOn() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        ClassLoader stuck = new ClassLoader(null) { // an engine load that hangs until released
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new ClassNotFoundException(name);
            }
        };
        java.util.Properties saved = (java.util.Properties) System.getProperties().clone();
        try {
            EngineWarmup w = EngineWarmup.start("demo", List.of(), dir.resolve("home"), stuck).orElseThrow();
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            w.await(new java.io.PrintStream(err, true), 100);
            assertTrue(err.toString().contains("the PyTorch engine is still loading after 0 s"), err.toString());
        } finally {
            release.countDown();
            System.setProperties(saved);
        }
    }

    @Test
    void aMissingEngineIsLeftToTheCommandAndTheWaitEnds() throws Exception {
        // a class loader without DJL: the warm-up fails quietly, the command would make (and report) the engine itself
        java.util.Properties saved = (java.util.Properties) System.getProperties().clone();
        try (URLClassLoader none = new URLClassLoader(new URL[0], null)) {
            Optional<EngineWarmup> w = EngineWarmup.start("demo", List.of(), dir.resolve("home"), none);
            assertTrue(w.isPresent());
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                    () -> w.get().await(new java.io.PrintStream(err, true), 50_000));
            assertEquals("", err.toString(), "the failed warm-up ended at once, quietly");
            assertTrue(Files.isDirectory(dir.resolve("home/cache")), "the cache folder the engine settings name");
            assertEquals(dir.resolve("home/cache/djl").toString(), System.getProperty("DJL_CACHE_DIR"));
        } finally {
            System.setProperties(saved); // the settings named folders of this test's temporary folder
        }
        String before = System.getProperty(EngineWarmup.PROPERTY);
        System.setProperty(EngineWarmup.PROPERTY, "false");
        try {
            assertEquals(Optional.empty(), EngineWarmup.start("demo", List.of(), dir.resolve("home2"), getClass().getClassLoader()));
            assertTrue(Files.notExists(dir.resolve("home2")), "turned off: nothing made before the lab starts");
        } finally {
            if (before == null) {
                System.clearProperty(EngineWarmup.PROPERTY);
            } else {
                System.setProperty(EngineWarmup.PROPERTY, before);
            }
        }
    }
}
