package org.latentlab.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.latentlab.api.Tensor;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelBackend;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.backend.djl.internal.LayersBackend;
import org.latentlab.backend.djl.internal.OnnxBackend;
import org.latentlab.backend.djl.internal.TorchScriptBackend;

/**
 * Ratios between variants of the latent map measured in one process, round-robin: each round gives every variant
 * {@code --seconds} of one-step {@code latentSteps} calls on the same seeds, in turn, so a change in the machine's load
 * hits all variants alike (JMH runs each in its own fork, minutes apart). Prints per batch and variant the median
 * seed-steps per second with its range, the process CPU time per seed-step (what load moves least), and each
 * variant's ratio to the reference variants, round by round. The first round is a warm-up and not counted.
 *
 * <pre>
 * runtime/benchmarks/run.sh roundrobin [--models DIR] [--prefix mlp784] [--batches 256,1024] [--seconds 1.5] [--rounds 7]
 *     [--reference NAME,...] NAME=BACKEND[,block=ROWS][,precision=bfloat16][,PROPERTY=VALUE...] ...
 * </pre>
 *
 * A variant's {@code PROPERTY=VALUE} pairs are system properties set while its model loads (for example
 * {@code latentlab.onnx.spinning=true}); {@code block=ROWS} splits each call into calls of at most ROWS rows;
 * {@code precision=bfloat16} measures the model's bfloat16 version (TorchScript on a CPU with bfloat16 instructions).
 * Several variants may share a backend (one model each). Reference: the first variant unless {@code --reference}. The
 * model of backend B is the folder {@code PREFIX-B} under {@code --models} (e.g. {@code --prefix conv-large}).
 */
public final class RoundRobinMap {

    private record Variant(String name, LatentModel model, int block) {}

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        Path models = Path.of(System.getProperty("latentlab.benchmark.models", "runtime/benchmarks/models"));
        int[] batches = {256, 1024, 4096, 8192};
        double seconds = 1.5;
        int rounds = 7;
        List<String> references = new ArrayList<>();
        List<String> specs = new ArrayList<>();
        String prefix = "mlp784";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--models" -> models = Path.of(args[++i]);
                case "--batches" -> batches = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--reference" -> references.addAll(List.of(args[++i].split(",")));
                case "--prefix" -> prefix = args[++i];
                default -> specs.add(args[i]);
            }
        }
        if (specs.isEmpty()) {
            specs = List.of("torchscript=torchscript", "onnx=onnx");
        }
        List<Variant> variants = new ArrayList<>();
        for (String s : specs) {
            variants.add(load(models, prefix, s));
        }
        if (references.isEmpty()) {
            references.add(variants.get(0).name());
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Map<String, List<Double>> rates = new TreeMap<>();
        Map<String, List<Double>> cpu = new TreeMap<>();
        Map<String, List<Double>> ratios = new TreeMap<>();
        for (int round = 0; round < rounds; round++) {
            for (int b : batches) {
                Tensor seeds = gaussian(b, variants.get(0).model().spec().latentDim());
                Map<String, Double> here = new LinkedHashMap<>();
                for (Variant v : variants) {
                    call(v, seeds);
                    long c0 = os.getProcessCpuTime();
                    long t0 = System.nanoTime();
                    long calls = 0;
                    while (System.nanoTime() - t0 < seconds * 1e9 || calls < 2) {
                        call(v, seeds);
                        calls++;
                    }
                    double wall = (System.nanoTime() - t0) / 1e9;
                    here.put(v.name(), calls * b / wall);
                    if (round > 0) {
                        String key = String.format(Locale.ROOT, "batch %5d  %s", b, v.name());
                        rates.computeIfAbsent(key, k -> new ArrayList<>()).add(calls * b / wall);
                        cpu.computeIfAbsent(key, k -> new ArrayList<>()).add((os.getProcessCpuTime() - c0) / 1e3 / (calls * b));
                    }
                }
                if (round > 0) {
                    for (String ref : references) {
                        for (Variant v : variants) {
                            if (!v.name().equals(ref) && here.containsKey(ref)) {
                                ratios.computeIfAbsent(String.format(Locale.ROOT, "batch %5d  %s / %s", b, v.name(), ref),
                                        k -> new ArrayList<>()).add(here.get(v.name()) / here.get(ref));
                            }
                        }
                    }
                }
            }
        }
        System.out.println("seed-steps per second: median [min-max]");
        rates.forEach((k, v) -> print(k, v, "%.0f"));
        System.out.println("CPU time per seed-step (microseconds, whole process): median [min-max]");
        cpu.forEach((k, v) -> print(k, v, "%.1f"));
        System.out.println("ratios, round by round: median [min-max]");
        ratios.forEach((k, v) -> print(k, v, "%.2f"));
        for (Variant v : variants) {
            v.model().close();
        }
    }

    private static Variant load(Path models, String prefix, String spec) throws Exception {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("a variant is NAME=BACKEND[,block=ROWS][,precision=bfloat16][,PROPERTY=VALUE...], not "
                    + spec);
        }
        String name = spec.substring(0, eq);
        String[] parts = spec.substring(eq + 1).split(",");
        String backend = parts[0];
        int block = 0;
        boolean bfloat16 = false;
        Map<String, String> props = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            if (kv[0].equals("block")) {
                block = Integer.parseInt(kv[1]);
            } else if (kv[0].equals("precision")) {
                bfloat16 = switch (kv.length > 1 ? kv[1] : "") {
                    case "bfloat16" -> true;
                    case "float32" -> false;
                    default -> throw new IllegalArgumentException("precision is float32 or bfloat16, not " + parts[i]);
                };
            } else {
                props.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        Path dir = models.resolve(prefix + "-" + backend);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("model.json").toFile());
        int[] inputShape = new int[json.get("inputShape").size()];
        Arrays.setAll(inputShape, i -> json.get("inputShape").get(i).asInt());
        ModelSpec ms = new ModelSpec(dir, json.get("name").asText(), inputShape, json.get("latentDim").asInt(),
                json.get("encoder").asText(), json.get("decoder").asText(), backend);
        ModelBackend b = switch (backend) {
            case "onnx" -> new OnnxBackend();
            case "torchscript" -> new TorchScriptBackend();
            case "layers" -> new LayersBackend();
            default -> throw new IllegalArgumentException("backend onnx, torchscript or layers, not " + backend);
        };
        props.forEach(System::setProperty);
        try {
            LatentModel model = b.load(ms);
            if (bfloat16) { // the float32 model stays open (its row workers serve both) until the process ends
                model = model.lowPrecision().orElseThrow(() -> new IllegalStateException(
                        "the " + backend + " model has no bfloat16 version on this machine"));
            }
            return new Variant(name, model, block);
        } finally {
            props.keySet().forEach(System::clearProperty);
        }
    }

    private static void call(Variant v, Tensor seeds) {
        int n = seeds.rows();
        if (v.block() <= 0 || v.block() >= n) {
            v.model().latentSteps(seeds, 1);
            return;
        }
        for (int from = 0; from < n; from += v.block()) {
            v.model().latentSteps(seeds.slice(from, Math.min(n, from + v.block())), 1);
        }
    }

    private static Tensor gaussian(int n, int k) {
        Random r = new Random(n);
        float[] z = new float[n * k];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) r.nextGaussian();
        }
        return Tensor.matrix(n, k, z);
    }

    private static void print(String key, List<Double> values, String format) {
        double[] s = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "  %-40s " + format + " [" + format + "-" + format + "]%n", key, s[s.length / 2], s[0],
                s[s.length - 1]);
    }
}
