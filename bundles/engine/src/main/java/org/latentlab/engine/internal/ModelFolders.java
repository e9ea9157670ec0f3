package org.latentlab.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.model.ModelSpec;

/** Reads and checks a model folder's {@code model.json} (the contract in docs/analysis.md, "The model folder"). */
final class ModelFolders {

    private ModelFolders() {}

    static ModelSpec read(Path folder) {
        Path json = folder.resolve("model.json");
        if (Files.isRegularFile(folder)) { // e.g. --model DIR/encoder.pt or DIR/model.json
            Path parent = folder.toAbsolutePath().getParent();
            throw new LatentLabException("model folder " + folder + " is a file; give the folder that holds model.json"
                    + (parent != null && Files.isRegularFile(parent.resolve("model.json")) ? " (" + parent + ")" : ""));
        }
        if (!Files.isDirectory(folder)) {
            throw new LatentLabException("model folder " + folder + " does not exist");
        }
        if (!Files.isRegularFile(json)) {
            throw new LatentLabException("model folder " + folder + " has no model.json");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new LatentLabException(json + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new LatentLabException("cannot read " + json + ": " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new LatentLabException(json + " must hold a JSON object");
        }
        String name = text(root, json, "name", false);
        JsonNode shape = root.get("inputShape");
        if (shape == null || !shape.isArray() || shape.isEmpty()) {
            throw new LatentLabException(json + ": \"inputShape\" must be a non-empty array of positive integers, e.g. [784]");
        }
        int[] inputShape = new int[shape.size()];
        for (int i = 0; i < inputShape.length; i++) {
            if (!shape.get(i).canConvertToInt() || !shape.get(i).isIntegralNumber() || shape.get(i).asInt() < 1) {
                throw new LatentLabException(json + ": \"inputShape\" entry " + shape.get(i) + " is not a positive integer");
            }
            inputShape[i] = shape.get(i).asInt();
        }
        JsonNode ld = root.get("latentDim");
        if (ld == null || !ld.isIntegralNumber() || ld.asInt() < 1) {
            throw new LatentLabException(json + ": \"latentDim\" must be a positive integer, got " + ld);
        }
        String encoder = text(root, json, "encoder", true);
        String decoder = text(root, json, "decoder", true);
        String backend = root.hasNonNull("backend") ? root.get("backend").asText() : null;
        for (String f : new String[] {encoder, decoder}) {
            Path p = folder.resolve(f).normalize();
            if (!p.startsWith(folder.normalize())) {
                throw new LatentLabException(json + ": file " + f + " lies outside the model folder");
            }
            if (!Files.isRegularFile(p)) {
                throw new LatentLabException(json + " names " + f + ", which does not exist in " + folder);
            }
        }
        ModelSpec spec = new ModelSpec(folder, name == null ? folder.getFileName().toString() : name, inputShape, ld.asInt(),
                encoder, decoder, backend);
        spec.inputSize(); // an inputShape whose product overflows is refused here, naming model.json's values
        return spec;
    }

    private static String text(JsonNode root, Path json, String field, boolean required) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw new LatentLabException(json + ": \"" + field + "\" is missing");
            }
            return null;
        }
        if (!n.isTextual() || n.asText().isBlank()) {
            throw new LatentLabException(json + ": \"" + field + "\" must be a non-empty string");
        }
        return n.asText();
    }
}
