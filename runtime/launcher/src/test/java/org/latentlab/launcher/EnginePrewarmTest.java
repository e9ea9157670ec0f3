package org.latentlab.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnginePrewarmTest {

    @TempDir
    Path dir;

    private Path model(String name, String json) throws IOException {
        Path m = Files.createDirectories(dir.resolve(name));
        Files.writeString(m.resolve("model.json"), json);
        return m;
    }

    @Test
    void theModelsFilesNameItsEngine() throws IOException {
        Path onnx = model("onnx", "{\"name\": \"a\", \"latentDim\": 4, \"encoder\": \"encoder.onnx\", \"decoder\": \"decoder.ONNX\"}");
        Path pt = model("pt", "{\"encoder\": \"enc.pt\", \"decoder\" : \"dec.pt\", \"latentDim\": 4}");
        Path layers = model("layers", "{\"encoder\": \"encoder.layers.json\", \"decoder\": \"decoder.layers.json\"}");
        assertEquals(Set.of(EnginePrewarm.ONNX), EnginePrewarm.enginesFor("analyze", List.of("--model", onnx.toString())));
        assertEquals(Set.of(EnginePrewarm.PYTORCH), EnginePrewarm.enginesFor("analyze", List.of("--seeds", "s.npy", "--model", pt.toString())));
        assertEquals(Set.of(EnginePrewarm.PYTORCH), EnginePrewarm.enginesFor("ood", List.of("--model=" + layers)));
        assertEquals(Set.of(EnginePrewarm.ONNX), EnginePrewarm.enginesFor("field", List.of("--model", onnx.toString(), "--grid", "8")));
    }

    @Test
    void theBackendFieldWins() throws IOException {
        Path forced = model("forced", "{\"backend\": \"onnx\", \"encoder\": \"e.pt\", \"decoder\": \"d.pt\"}");
        Path plugin = model("plugin", "{\"backend\": \"my-engine\", \"encoder\": \"e.pt\", \"decoder\": \"d.pt\"}");
        assertEquals(Set.of(EnginePrewarm.ONNX), EnginePrewarm.enginesOf(forced));
        assertEquals(Set.of(), EnginePrewarm.enginesOf(plugin), "a plugin's backend: nothing guessed");
    }

    @Test
    void onlyASmallRegularModelJsonIsRead() throws Exception {
        // a named pipe: reading it blocked the launcher before the command ran (it reports "has no model.json" at once)
        Path pipe = Files.createDirectories(dir.resolve("pipe"));
        Path fifo = pipe.resolve("model.json");
        org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo");
        Thread writer = new Thread(() -> { // so that a reader of the pipe gets a model.json that names an engine, and ends
            try {
                Files.writeString(fifo, "{\"encoder\": \"e.onnx\", \"decoder\": \"d.onnx\"}");
            } catch (IOException ignored) {
                // no reader
            }
        });
        writer.setDaemon(true);
        writer.start();
        assertEquals(Set.of(), EnginePrewarm.enginesOf(pipe), "a pipe is not read");
        // a data set saved as model.json: not read into the launcher's heap to guess an engine
        String big = "{\"encoder\": \"e.onnx\", \"decoder\": \"d.onnx\", \"pad\": \"" + "x".repeat((int) EnginePrewarm.MAX_MODEL_JSON) + "\"}";
        assertEquals(Set.of(), EnginePrewarm.enginesOf(model("big", big)));
        assertEquals(Set.of(EnginePrewarm.ONNX), EnginePrewarm.enginesOf(model("small", "{\"encoder\": \"e.onnx\"}")));
    }

    @Test
    void nothingWhereTheCommandTellsNothing() throws IOException {
        Path pt = model("pt", "{\"encoder\": \"enc.pt\", \"decoder\": \"dec.pt\"}");
        assertEquals(Set.of(), EnginePrewarm.enginesFor("analyze", List.of("--model", dir.resolve("missing").toString())));
        assertEquals(Set.of(), EnginePrewarm.enginesFor("analyze", List.of("--model", pt.toString(), "--help")));
        assertEquals(Set.of(), EnginePrewarm.enginesFor("analyze", List.of("--model")));
        assertEquals(Set.of(), EnginePrewarm.enginesFor("serve", List.of("--model", pt.toString())));
        assertEquals(Set.of(), EnginePrewarm.enginesFor(null, List.of()));
        assertEquals(Set.of(EnginePrewarm.PYTORCH), EnginePrewarm.enginesFor("demo", List.of()));
        assertEquals(Set.of(EnginePrewarm.PYTORCH), EnginePrewarm.enginesFor("train", List.of("--steps", "10")));
    }
}
