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
