package org.latentlab.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.model.ModelBackend;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.backend.djl.internal.LayersBackend;
import org.latentlab.backend.djl.internal.OnnxBackend;
import org.latentlab.backend.djl.internal.TorchScriptBackend;
import org.latentlab.strategies.internal.PicardIteration;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Seed-steps per second of the latent map f = E∘D on a 784-512-256-32 MLP autoencoder, per backend:
 * one map evaluation of a batch of seeds (1024 unless {@code batch} says otherwise; the engine's inner
 * loop; through latentSteps as the engine calls it unless {@code map=separate}), and plain iteration of the same
 * batch for 20 steps through {@link PicardIteration} (adds the strategy's bookkeeping). Scores are seed-steps per
 * second: rows through f per second, each a map evaluation of one seed. Backends: ONNX Runtime, TorchScript on
 * libtorch, and LatentLab's own layer stacks on libtorch (what 'latentlab train' writes), all with the
 * same weights. The model is the folder {@code models/mlp784-<backend>} (its model.json), where
 * {@code models} is the parameter of that name or, when empty, the committed models
 * (system property {@code latentlab.benchmark.models}); side-by-side.sh points it at its trained model.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
public class LatentMapBenchmark {

    static final int STEPS = 20;

    @Param({"onnx", "torchscript", "layers"})
    public String backend;

    /** Seeds per batch. */
    @Param({"1024"})
    public int batch;

    /**
     * How the map is called: {@code fused}, through {@link org.latentlab.api.model.LatentModel#latentSteps} one step
     * per call, as the engine does (E∘D in one native call where the backend can); {@code separate}, decode then
     * encode, the decoded batch through Java.
     */
    @Param({"fused"})
    public String map;

    /**
     * Which version of the model runs: {@code float32}, the model itself; {@code bfloat16}, its low-precision version
     * ({@link org.latentlab.api.model.LatentModel#lowPrecision}, what {@code mixedPrecision=true} iterates on first;
     * TorchScript on a CPU with bfloat16 instructions only: elsewhere the trial fails).
     */
    @Param({"float32"})
    public String precision;

    /** Folder holding {@code mlp784-<backend>/model.json}; empty: the committed models. */
    @Param({""})
    public String models;

    private org.latentlab.api.model.LatentModel model;
    private Tensor seeds;
    private Parameters picardParams;
    private final PicardIteration picard = new PicardIteration();
    private org.latentlab.api.dynamics.LatentMap f;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        System.setProperty("ai.djl.offline", "true");
        if (System.getProperty("DJL_CACHE_DIR") == null) { // (a test sets its own)
            Path cache = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "latentlab-bench-djl"));
            System.setProperty("DJL_CACHE_DIR", cache.toString());
            System.setProperty("ENGINE_CACHE_DIR", cache.toString());
        }
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        String root = models.isEmpty() ? System.getProperty("latentlab.benchmark.models", "runtime/benchmarks/models") : models;
        Path dir = Path.of(root, "mlp784-" + backend);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("model.json").toFile());
        int[] inputShape = new int[json.get("inputShape").size()];
        Arrays.setAll(inputShape, i -> json.get("inputShape").get(i).asInt());
        int k = json.get("latentDim").asInt();
        ModelSpec spec = new ModelSpec(dir, json.get("name").asText(), inputShape, k, json.get("encoder").asText(),
                json.get("decoder").asText(), backend);
        // the backend components, created as DS would (this benchmark runs on a plain class path, not in a lab)
        ModelBackend b = switch (backend) {
            case "onnx" -> new OnnxBackend();
            case "torchscript" -> new TorchScriptBackend();
            default -> new LayersBackend();
        };
        model = b.load(spec);
        Random r = new Random(0);
        float[] z = new float[batch * k];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) r.nextGaussian();
        }
        seeds = Tensor.matrix(batch, k, z);
        org.latentlab.api.model.LatentModel m = switch (precision) {
            case "float32" -> model;
            case "bfloat16" -> model.lowPrecision().orElseThrow(() -> new IllegalStateException(
                    "the " + backend + " model has no bfloat16 version on this machine"));
            default -> throw new IllegalArgumentException("precision is float32 or bfloat16, not " + precision);
        };
        f = switch (map) {
            case "fused" -> x -> Tensor.matrix(x.rows(), x.width(), m.latentSteps(x, 1).data());
            case "separate" -> x -> m.encode(m.decode(x));
            default -> throw new IllegalArgumentException("map is fused or separate, not " + map);
        };
        // tolerance 0: no seed stops early, so every run is exactly STEPS steps per seed
        picardParams = Parameters.resolve("picard", picard.parameters(), Map.of("tolerance", "1e-300", "maxSteps", "" + STEPS));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
    }

    /**
     * Seed-steps done, reported by JMH as the secondary score {@code seedSteps} (per second). The primary score
     * counts invocations, whose size depends on {@code batch} (JMH's operations per invocation must be a constant).
     */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class SeedSteps {
        public long seedSteps;

        @Setup(Level.Iteration)
        public void reset() {
            seedSteps = 0;
        }
    }

    /** One map evaluation of the batch. */
    @Benchmark
    public Tensor mapEvaluation(SeedSteps counter) {
        counter.seedSteps += batch;
        return f.apply(seeds);
    }

    /**
     * {@link #STEPS} plain steps of the batch through the real strategy. Counted are the map evaluations the strategy
     * reports (each row through f once is one): {@link #STEPS} + 1 per seed, since the rule's check of step t needs
     * f(z_{t+1}), so the first f(z_0) comes before the first step. Until 2026-12-06 this counted {@link #STEPS} per
     * seed, a twenty-first below what ran, while PyTorch's loop in side_by_side.py counts every call of f.
     */
    @Benchmark
    public List<Trajectory> picardIteration(SeedSteps counter) {
        List<Trajectory> run = picard.iterate(f, seeds, picardParams, Progress.NONE);
        long evaluations = 0;
        for (Trajectory t : run) {
            if (t.mapEvaluations() < 0) {
                throw new IllegalStateException("seed " + t.seed() + "'s map evaluations were not counted");
            }
            evaluations += t.mapEvaluations();
        }
        counter.seedSteps += evaluations;
        return run;
    }
}
