package org.latentlab.experiments.sweep.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.sweep.CellAnalysis;
import org.latentlab.api.sweep.SweepCell;
import org.latentlab.api.training.TrainingConfig;

/**
 * A sweep specification (JSON): a data set, an architecture, a base training recipe, axes to vary (the grid is
 * their product), checkpoints and what to measure. {@link #parse} refuses unknown keys and bad values before
 * anything runs, naming the key; {@link #cells()} expands the grid, row-major over the axes in spec order (the
 * first axis varies slowest). Every key and default: docs/sweeps.md.
 */
final class SweepSpec {

    /** Reals as BigDecimal, so a value is shown as written (1e-4 as 0.0001, not 1.0E-4). */
    static final ObjectMapper JSON = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** Keys of "architecture" and their defaults. */
    static final Map<String, Object> ARCHITECTURE = ordered("type", "mlp", "hidden", List.of(512, 256), "latentDim", 32,
            "activation", "relu", "init", "kaiming-uniform");
    /** Keys of "training" and their defaults ("epochs" has none: without it "steps" decides). */
    static final Map<String, Object> TRAINING = ordered("trainingSize", 1024, "steps", 1000, "epochs", null, "batch", 128,
            "learningRate", 1e-3, "seed", 0, "weightDecay", 0.0, "initScale", 1.0, "augmentation", "none");
    /** Keys of "analysis" and their defaults. */
    static final Map<String, Object> ANALYSIS = ordered("trainSeeds", 500, "testSeeds", 500, "noiseSeeds", 1000,
            "noiseSigma", 1.0, "noiseSeed", 0, "jacobianPoints", 200, "gallery", 8, "strategy", "picard", "strategyParams",
            Map.of(), "clusterer", "cosine", "clustererParams", Map.of());
    static final Set<String> TOP = Set.of("name", "description", "dataset", "architecture", "training", "axes",
            "checkpoints", "analysis", "parallel", "galleries");
    /** What may be swept: every architecture and training key but the architecture's type. */
    static final List<String> AXES = List.of("trainingSize", "latentDim", "hidden", "weightDecay", "initScale",
            "augmentation", "seed", "learningRate", "batch", "steps", "epochs", "activation", "init");

    private final String name;
    private final String description;
    private final String dataset;
    private final ObjectNode architecture;
    private final ObjectNode training;
    private final Map<String, List<JsonNode>> axes;
    private final List<Integer> checkpoints;
    private final CellAnalysis analysis;
    private final int parallel;
    private final List<String> galleries;
    private final JsonNode source;
    private final List<SweepCell> cells;

    private SweepSpec(JsonNode source, String fallbackName) {
        this.source = source;
        if (!source.isObject()) {
            throw bad("the spec must be a JSON object");
        }
        knownKeys(source, TOP, "");
        name = text(source, "name", fallbackName);
        description = text(source, "description", "");
        dataset = text(source, "dataset", null);
        if (dataset == null || dataset.isBlank()) {
            throw bad("'dataset' is required, e.g. \"mnist\"");
        }
        architecture = section(source, "architecture", ARCHITECTURE);
        training = section(source, "training", TRAINING);
        if (training.hasNonNull("epochs") && source.path("training").has("steps")) {
            throw bad("training: give 'steps' or 'epochs', not both");
        }
        if (training.hasNonNull("epochs")) {
            training.putNull("steps");
        }
        axes = new LinkedHashMap<>();
        JsonNode ax = source.path("axes");
        if (!ax.isMissingNode() && !ax.isObject()) {
            throw bad("'axes' must be an object of axis name to a list of values");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = ax.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!AXES.contains(e.getKey())) {
                throw bad("axes." + e.getKey() + ": unknown axis; axes are " + String.join(", ", AXES));
            }
            if (!e.getValue().isArray() || e.getValue().isEmpty()) {
                throw bad("axes." + e.getKey() + ": must be a non-empty list of values");
            }
            List<JsonNode> values = new ArrayList<>();
            e.getValue().forEach(values::add);
            for (int i = 0; i < values.size(); i++) {
                checkValue("axes." + e.getKey() + "[" + i + "]", e.getKey(), values.get(i));
            }
            axes.put(e.getKey(), values);
        }
        if (axes.containsKey("steps") && training.hasNonNull("epochs") || axes.containsKey("epochs") && source.path("training").has("steps")) {
            throw bad("axes: sweep 'steps' or 'epochs', and give the other in neither 'training' nor 'axes'");
        }
        if (axes.containsKey("epochs")) {
            training.putNull("steps");
        }
        checkpoints = new ArrayList<>();
        JsonNode cp = source.path("checkpoints");
        if (!cp.isMissingNode()) {
            if (!cp.isArray()) {
                throw bad("'checkpoints' must be a list of ascending step numbers, e.g. [100, 500, 2000]");
            }
            for (int i = 0; i < cp.size(); i++) {
                JsonNode v = cp.get(i);
                if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1
                        || (i > 0 && v.asInt() <= checkpoints.get(i - 1))) {
                    throw bad("checkpoints[" + i + "] " + v + ": steps must be ascending whole numbers >= 1");
                }
                checkpoints.add(v.asInt());
            }
        }
        ObjectNode an = section(source, "analysis", ANALYSIS);
        analysis = new CellAnalysis(positive(an, "trainSeeds", true), positive(an, "testSeeds", true),
                positive(an, "noiseSeeds", true), real(an, "noiseSigma", 0, false), an.get("noiseSeed").asLong(),
                positive(an, "jacobianPoints", true), positive(an, "gallery", true), an.get("strategy").asText(),
                textMap(an, "strategyParams"), an.get("clusterer").asText(), textMap(an, "clustererParams"));
        JsonNode par = source.path("parallel");
        if (!par.isMissingNode() && (!par.isIntegralNumber() || par.asInt() < 1)) {
            throw bad("parallel " + par + ": must be a whole number >= 1");
        }
        parallel = par.isMissingNode() ? 1 : par.asInt();
        galleries = new ArrayList<>();
        source.path("galleries").forEach(g -> galleries.add(g.asText()));
        cells = expand();
        for (String g : galleries) {
            if (cells.stream().noneMatch(c -> c.id().equals(g))) {
                throw bad("galleries: no cell '" + g + "'; cells are c000 to " + cells.get(cells.size() - 1).id());
            }
        }
    }

    /**
     * Parses and checks a spec.
     *
     * @param fallbackName the name when the spec has none (e.g. the file name)
     * @throws LatentLabException naming the first bad key or value
     */
    static SweepSpec parse(String json, String fallbackName) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw bad("not valid JSON: " + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr());
        }
        if (node == null || node.isMissingNode()) {
            throw bad("the spec is empty");
        }
        return new SweepSpec(node, fallbackName);
    }

    String name() {
        return name;
    }

    String description() {
        return description;
    }

    String dataset() {
        return dataset;
    }

    int parallel() {
        return parallel;
    }

    CellAnalysis analysis() {
        return analysis;
    }

    List<Integer> checkpoints() {
        return checkpoints;
    }

    List<String> galleries() {
        return galleries;
    }

    /** The spec as given. */
    JsonNode source() {
        return source;
    }

    /** Axis name to its values as text (as written in the spec), in spec order. */
    Map<String, List<String>> axisValues() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        axes.forEach((k, v) -> out.put(k, v.stream().map(SweepSpec::valueText).toList()));
        return out;
    }

    /** The fixed parts (architecture and base recipe with defaults filled in), for the report. */
    Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("dataset", dataset);
        s.put("architecture", JSON.convertValue(architecture, Map.class));
        s.put("training", JSON.convertValue(training, Map.class));
        s.put("checkpoints", checkpoints);
        s.put("analysis", JSON.convertValue(analysis, Map.class));
        return s;
    }

    List<SweepCell> cells() {
        return cells;
    }

    /** The largest training size of any cell (what must be loaded). */
    int maxTrainingSize() {
        return cells.stream().mapToInt(c -> c.training().trainSize()).max().orElse(0);
    }

    private List<SweepCell> expand() {
        List<String> names = new ArrayList<>(axes.keySet());
        int total = 1;
        for (List<JsonNode> v : axes.values()) {
            total = Math.multiplyExact(total, v.size());
            if (total > 100_000) {
                throw bad("axes: the grid has more than 100000 cells; split the sweep");
            }
        }
        List<SweepCell> out = new ArrayList<>();
        for (int index = 0; index < total; index++) {
            Map<String, JsonNode> values = new LinkedHashMap<>();
            int rest = index;
            for (int a = names.size() - 1; a >= 0; a--) { // the last axis varies fastest
                List<JsonNode> v = axes.get(names.get(a));
                values.put(names.get(a), v.get(rest % v.size()));
                rest /= v.size();
            }
            Map<String, String> cellAxes = new LinkedHashMap<>();
            for (String n : names) {
                cellAxes.put(n, valueText(values.get(n)));
            }
            String id = String.format(Locale.ROOT, "c%03d", index);
            TrainingConfig config = config(values, id, cellAxes);
            List<Integer> cps = new ArrayList<>();
            long totalSteps = config.totalSteps();
            for (int c : checkpoints) {
                if (c > totalSteps) {
                    throw bad("checkpoints: step " + c + " is beyond the " + totalSteps + " steps of cell " + id + " " + cellAxes);
                }
                if (c < totalSteps) { // the final model is always measured
                    cps.add(c);
                }
            }
            out.add(new SweepCell(id, index, cellAxes, dataset, config, cps, analysis, hash(config, cps)));
        }
        return out;
    }

    private TrainingConfig config(Map<String, JsonNode> values, String id, Map<String, String> cellAxes) {
        ObjectNode a = architecture.deepCopy();
        ObjectNode t = training.deepCopy();
        values.forEach((k, v) -> (ARCHITECTURE.containsKey(k) ? a : t).set(k, v));
        Augmentation aug = Augmentation.parse(t.get("augmentation").asText(), "augmentation");
        int[] hidden = new int[a.get("hidden").size()];
        for (int i = 0; i < hidden.length; i++) {
            hidden[i] = a.get("hidden").get(i).asInt();
        }
        boolean bySteps = t.hasNonNull("steps");
        TrainingConfig c = new TrainingConfig(a.get("type").asText(), a.get("latentDim").asInt(), hidden,
                a.get("activation").asText(), a.get("init").asText(), t.get("weightDecay").asDouble(), aug.noise(), aug.mask(),
                t.get("trainingSize").asInt(), bySteps ? 1 : t.get("epochs").asInt(), t.get("batch").asInt(),
                t.get("learningRate").asDouble(), t.get("seed").asLong(), t.get("initScale").asDouble(), aug.shift(),
                bySteps ? t.get("steps").asInt() : 0);
        try {
            c.validate();
        } catch (IllegalArgumentException e) {
            throw bad("cell " + id + " " + cellAxes + ": " + specWords(e.getMessage()));
        }
        return c;
    }

    /** TrainingConfig names values by their 'train' options; a spec names them by its keys. */
    static String specWords(String message) {
        String[][] map = {{"--architecture", "architecture.type"}, {"--activation", "activation"}, {"--init-scale", "initScale"},
                {"--init", "init"}, {"--latent", "latentDim"}, {"--hidden", "hidden"}, {"--train-size", "trainingSize"},
                {"--epochs", "epochs"}, {"--batch", "batch"}, {"--weight-decay", "weightDecay"},
                {"--input-noise", "augmentation noise"}, {"--mask", "augmentation mask"}, {"--lr", "learningRate"},
                {"--shift", "augmentation shift"}, {"--steps", "steps"}};
        String m = message;
        for (String[] p : map) {
            m = m.replace(p[0], p[1]);
        }
        return m;
    }

    private String hash(TrainingConfig c, List<Integer> cps) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            String canonical = dataset + "|" + c.architecture() + "|" + c.key() + "|" + cps + "|" + analysis;
            return HexFormat.of().formatHex(d.digest(canonical.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A value as the spec wrote it: strings bare, numbers and lists as JSON. */
    static String valueText(JsonNode v) {
        return v.isTextual() ? v.asText() : v.toString();
    }

    private static void checkValue(String where, String key, JsonNode v) {
        switch (key) {
            case "trainingSize", "latentDim", "batch", "steps", "epochs" -> {
                if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
                    throw bad(where + " " + v + ": must be a whole number >= 1");
                }
            }
            case "seed" -> {
                if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                    throw bad(where + " " + v + ": must be a whole number");
                }
            }
            case "weightDecay", "initScale", "learningRate" -> {
                if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < 0
                        || (!key.equals("weightDecay") && v.asDouble() == 0)) {
                    throw bad(where + " " + v + ": must be a finite number " + (key.equals("weightDecay") ? ">= 0" : "> 0"));
                }
            }
            case "hidden" -> {
                if (!v.isArray() || v.isEmpty()) {
                    throw bad(where + " " + v + ": must be a list of widths, e.g. [512, 256]");
                }
                for (JsonNode w : v) {
                    if (!w.isIntegralNumber() || !w.canConvertToInt() || w.asInt() < 1) {
                        throw bad(where + " " + v + ": every width must be a whole number >= 1");
                    }
                }
            }
            case "augmentation" -> {
                if (!v.isTextual()) {
                    throw bad(where + " " + v + ": must be text such as \"none\", \"noise:0.1\", \"shift:2\", \"mask:0.2\"");
                }
                Augmentation.parse(v.asText(), where);
            }
            case "type", "activation", "init" -> {
                if (!v.isTextual()) {
                    throw bad(where + " " + v + ": must be text");
                }
            }
            default -> throw new IllegalStateException(key);
        }
    }

    private static ObjectNode section(JsonNode source, String key, Map<String, Object> defaults) {
        JsonNode given = source.path(key);
        if (!given.isMissingNode() && !given.isObject()) {
            throw bad("'" + key + "' must be an object");
        }
        knownKeys(given, defaults.keySet(), key + ".");
        ObjectNode out = JSON.createObjectNode();
        defaults.forEach((k, v) -> out.set(k, JSON.valueToTree(v)));
        for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!key.equals("analysis") && !e.getValue().isNull()) {
                checkValue(key + "." + e.getKey(), e.getKey(), e.getValue());
            }
            out.set(e.getKey(), e.getValue());
        }
        return out;
    }

    private static void knownKeys(JsonNode node, Set<String> known, String prefix) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!known.contains(k)) {
                throw bad(prefix + k + ": unknown key; known keys are " + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    private static int positive(ObjectNode n, String key, boolean allowZero) {
        JsonNode v = n.get(key);
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < (allowZero ? 0 : 1)) {
            throw bad("analysis." + key + " " + v + ": must be a whole number >= " + (allowZero ? 0 : 1));
        }
        return v.asInt();
    }

    private static double real(ObjectNode n, String key, double min, boolean allowMin) {
        JsonNode v = n.get(key);
        if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < min || (!allowMin && v.asDouble() == min)) {
            throw bad("analysis." + key + " " + v + ": must be a finite number " + (allowMin ? ">= " : "> ") + min);
        }
        return v.asDouble();
    }

    private static Map<String, String> textMap(ObjectNode n, String key) {
        JsonNode v = n.get(key);
        if (!v.isObject()) {
            throw bad("analysis." + key + ": must be an object of parameter name to value");
        }
        Map<String, String> out = new LinkedHashMap<>();
        v.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static String text(JsonNode n, String key, String fallback) {
        JsonNode v = n.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw bad("'" + key + "' must be text, not " + v);
        }
        return v.asText();
    }

    static LatentLabException bad(String message) {
        return new LatentLabException("sweep spec: " + message);
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Augmentation as the spec writes it: {@code none}, or parts joined by {@code +}: {@code noise:σ} (Gaussian
     * input noise), {@code mask:p} (share of values set to 0), {@code shift:n} (random translation up to n pixels).
     */
    record Augmentation(double noise, double mask, int shift) {
        static Augmentation parse(String text, String where) {
            double noise = 0;
            double mask = 0;
            int shift = 0;
            if (text.isBlank() || text.equals("none")) {
                return new Augmentation(0, 0, 0);
            }
            for (String part : text.split("\\+")) {
                String[] kv = part.trim().split(":", 2);
                try {
                    switch (kv.length == 2 ? kv[0] : "") {
                        case "noise" -> noise = Double.parseDouble(kv[1]);
                        case "mask" -> mask = Double.parseDouble(kv[1]);
                        case "shift" -> shift = Integer.parseInt(kv[1]);
                        default -> throw bad(where + " '" + text + "': unknown augmentation '" + part
                                + "'; use none, noise:SIGMA, mask:P, shift:PIXELS, joined by +");
                    }
                } catch (NumberFormatException e) {
                    throw bad(where + " '" + text + "': '" + part + "' needs a number after the colon");
                }
            }
            if (!(noise >= 0 && Double.isFinite(noise)) || !(mask >= 0 && mask < 1) || shift < 0) {
                throw bad(where + " '" + text + "': noise must be >= 0, mask in [0, 1), shift >= 0");
            }
            return new Augmentation(noise, mask, shift);
        }
    }
}
