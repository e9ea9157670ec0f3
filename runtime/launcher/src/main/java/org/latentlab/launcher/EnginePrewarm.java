package org.latentlab.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts the native engine a command will need while the framework starts, so a CLI analysis does not wait for it.
 * Initialising libtorch (dlopen of about 400 MB of libraries) takes about 0.5 s on the 2-core machine, as long as
 * the whole analysis of a small model; the framework's own start takes longer and runs on the other core.
 *
 * <p>The engines live on the launcher's class path (tier 1), so the engine started here is the one the backend bundles
 * get: DJL's engine providers create their engine once under a lock, and a bundle asking while this thread is still at
 * it waits for the same instance. Nothing is decided here: a model this guesses wrong about just loads its engine as
 * before, and any failure is left for the backend to report with its own message. Off with
 * {@code -Dlatentlab.prewarm=false}.
 */
final class EnginePrewarm {

    static final String PYTORCH = "PyTorch";
    static final String ONNX = "OnnxRuntime";
    private static final Pattern BACKEND = Pattern.compile("\"backend\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern FILE = Pattern.compile("\"(encoder|decoder)\"\\s*:\\s*\"([^\"]*)\"");

    /** The commands whose model the prewarm guesses an engine for. */
    private static final Set<String> PREWARMED = Set.of("demo", "train", "analyze", "field", "ood", "dictionary");
    /** A model.json is a few hundred bytes; a larger file is not read to guess (the command reports it). */
    static final long MAX_MODEL_JSON = 1 << 20;

    private EnginePrewarm() {}

    /**
     * The DJL engines a command will use, as far as its arguments tell: the engine of {@code --model DIR}'s files for
     * the commands that take a model, libtorch for {@code demo} and {@code train}; none for help or anything else.
     */
    static Set<String> enginesFor(String command, List<String> args) {
        Set<String> engines = new LinkedHashSet<>();
        if (command == null || args.contains("--help") || args.contains("-h")) {
            return engines;
        }
        switch (command) {
            case "demo", "train" -> engines.add(PYTORCH);
            case "analyze", "field", "ood", "dictionary" -> {
                Path model = modelFolder(args);
                if (model != null) {
                    engines.addAll(enginesOf(model));
                }
            }
            default -> { }
        }
        return engines;
    }

    /**
     * Starts the engines in a daemon thread; returns at once. The guess reads model.json in that thread too: nothing
     * here may hold up or fail the command (a model.json that is a named pipe or on a stalled network mount blocked the
     * launcher for good).
     */
    static void start(String command, List<String> args) {
        if ("false".equals(System.getProperty("latentlab.prewarm"))) {
            return;
        }
        if (command == null || !PREWARMED.contains(command) || args.contains("--help") || args.contains("-h")) {
            return; // no thread at all for help and commands that load no model
        }
        List<String> given = List.copyOf(args);
        Thread t = new Thread(() -> {
            Set<String> engines;
            try {
                engines = enginesFor(command, given);
            } catch (Throwable ignored) { // the command reports what is wrong with the folder
                return;
            }
            ClassLoader loader = ai.djl.engine.Engine.class.getClassLoader();
            Thread.currentThread().setContextClassLoader(loader); // DJL finds its engine providers through it
            for (String e : engines) {
                try {
                    ai.djl.engine.Engine.getEngine(e);
                } catch (Throwable ignored) { // the backend reports it, with the model's name, when it loads
                }
            }
        }, "latentlab-engine-prewarm");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    static Path modelFolder(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--model") && i + 1 < args.size()) {
                return Path.of(args.get(i + 1));
            }
            if (a.startsWith("--model=")) {
                return Path.of(a.substring("--model=".length()));
            }
        }
        return null;
    }

    /** By model.json's {@code backend}, else by the encoder's and decoder's file names (as the backends choose). */
    static Set<String> enginesOf(Path folder) {
        Set<String> engines = new LinkedHashSet<>();
        String json;
        try {
            Path file = folder.resolve("model.json");
            // a regular file of model.json's size only: not a pipe, a device or a data set saved under that name
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_MODEL_JSON) {
                return engines;
            }
            json = Files.readString(file);
        } catch (IOException | RuntimeException e) {
            return engines; // the analysis says what is wrong with the folder
        }
        Matcher b = BACKEND.matcher(json);
        if (b.find()) {
            switch (b.group(1)) {
                case "onnx" -> engines.add(ONNX);
                case "torchscript", "layers" -> engines.add(PYTORCH);
                default -> { } // a plugin's backend: nothing to guess
            }
            return engines;
        }
        Matcher f = FILE.matcher(json);
        while (f.find()) {
            String name = f.group(2).toLowerCase(java.util.Locale.ROOT);
            if (name.endsWith(".onnx")) {
                engines.add(ONNX);
            } else if (name.endsWith(".pt") || name.endsWith(".layers.json")) {
                engines.add(PYTORCH);
            }
        }
        return engines;
    }
}
