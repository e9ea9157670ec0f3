package org.latentlab.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts the native engine a command will run its model on (DJL's PyTorch or ONNX Runtime engine, from the launcher's
 * class path) on a thread of its own while the framework starts, and has the command wait for it: loading libtorch
 * takes about half a second (0.51-0.53 s, AMD EPYC, 2 cores) that otherwise comes after the framework's start, inside
 * the job. The command then finds the engine made. Nothing is decided here: a failure is left for the command to meet
 * and report, and the engine is the one the command would have made itself, with the same system properties
 * ({@link Lab#configureNativeEngines} runs first). {@code -Dlatentlab.engine.warmup=false} turns it off.
 *
 * <p>One difference: libtorch's grad mode is per thread, and DJL turns it off on the thread that makes the engine, so
 * the command's thread keeps libtorch's default, as every job thread after the first one in a running server always
 * has. Nothing here depends on it: TorchScript forwards turn autograd off themselves, the row workers set it, and the
 * latent tensors never require gradients.
 */
final class EngineWarmup {

    static final String PROPERTY = "latentlab.engine.warmup";

    /** Commands that run a model (the others, such as services or shell, never load an engine or load it later). */
    static final Set<String> COMMANDS = Set.of("analyze", "field", "demo", "ood", "dictionary", "train", "sweep");

    /** Longest wait for the warm-up before the command runs regardless (it then meets whatever holds the engine). */
    static final long WAIT_SECONDS = 120;

    /** Larger model.json files are not read here (the command reads and judges them). */
    static final long MAX_JSON_BYTES = 1 << 20;

    private static final Pattern ENCODER = Pattern.compile("\"encoder\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern BACKEND = Pattern.compile("\"backend\"\\s*:\\s*\"([^\"]*)\"");

    private final Thread thread;
    private final String engine;

    private EngineWarmup(Thread thread, String engine) {
        this.thread = thread;
        this.engine = engine;
    }

    /**
     * The DJL engine name the command's model needs: OnnxRuntime for a model folder whose encoder is an .onnx file (or
     * whose model.json asks for the onnx backend); none for the nd4j backend; PyTorch otherwise (TorchScript and
     * layer-stack models, training, the demo). Empty for commands that run no model.
     */
    static Optional<String> engineFor(String command, List<String> args) {
        if (!COMMANDS.contains(command) || args.contains("--help") || args.contains("-h")) {
            return Optional.empty();
        }
        String model = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--model") && i + 1 < args.size()) {
                model = args.get(i + 1);
            } else if (a.startsWith("--model=")) {
                model = a.substring("--model=".length());
            }
        }
        if (model != null) {
            try {
                Path file = Path.of(model).resolve("model.json");
                if (!Files.isRegularFile(file) || Files.size(file) > MAX_JSON_BYTES) {
                    return Optional.of("PyTorch"); // a pipe would block the read: the command reports what it is
                }
                String json = Files.readString(file);
                Matcher b = BACKEND.matcher(json);
                String backend = b.find() ? b.group(1) : "";
                Matcher e = ENCODER.matcher(json);
                String encoder = e.find() ? e.group(1) : "";
                if (backend.equals("nd4j")) {
                    return Optional.empty();
                }
                if (backend.equals("onnx") || backend.isEmpty() && encoder.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx")) {
                    return Optional.of("OnnxRuntime");
                }
            } catch (IOException | RuntimeException e) {
                // not a folder with a readable model.json (a catalog name, a typo): the command says what is wrong
            }
        }
        return Optional.of("PyTorch");
    }

    /**
     * Starts the engine on a daemon thread when the command runs a model and the warm-up is not turned off; first the
     * native engines' settings for the data folder {@code home} (its cache folder made if missing). Empty, leaving
     * everything to the lab's start, when that folder cannot be made: the lab's start then says why.
     */
    static Optional<EngineWarmup> start(String command, List<String> args, Path home, ClassLoader loader) {
        if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
            return Optional.empty();
        }
        Optional<String> wanted = engineFor(command, args);
        if (wanted.isEmpty()) {
            return Optional.empty();
        }
        try {
            Files.createDirectories(home.resolve("cache"));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        Lab.configureNativeEngines(home); // the engine reads these settings once: before it is made
        return wanted.map(engine -> {
            Thread t = new Thread(() -> {
                Thread.currentThread().setContextClassLoader(loader); // DJL finds its engines through it
                try {
                    Class.forName("ai.djl.engine.Engine", true, loader).getMethod("getEngine", String.class)
                            .invoke(null, engine);
                } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                    // left for the command: it makes the engine itself and reports the failure in its own words
                }
            }, "latentlab-engine-warmup");
            t.setDaemon(true);
            t.start();
            return new EngineWarmup(t, engine);
        });
    }

    /**
     * Waits until the engine is made, so that the command never makes a second one beside it (DJL's engine provider
     * does not check again under its lock).
     */
    void await(java.io.PrintStream err) throws InterruptedException {
        await(err, TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    }

    /** As {@link #await(java.io.PrintStream)}, at most {@code millis}; says so on {@code err} when the engine is not made. */
    void await(java.io.PrintStream err, long millis) throws InterruptedException {
        thread.join(millis);
        if (thread.isAlive()) {
            err.println("latentlab: the " + engine + " engine is still loading after " + millis / 1000
                    + " s; the command goes on and may wait for it");
        }
    }
}
