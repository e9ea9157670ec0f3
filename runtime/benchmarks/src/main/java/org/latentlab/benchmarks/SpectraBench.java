package org.latentlab.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelBackend;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.backend.djl.internal.LayersBackend;
import org.latentlab.backend.djl.internal.OnnxBackend;
import org.latentlab.backend.djl.internal.TorchScriptBackend;
import org.latentlab.engine.internal.Spectra;
import org.latentlab.npy.Npy;

/**
 * Time and memory of Jacobian spectra (the engine's {@link Spectra}, the code an analysis runs), one JSON line per
 * measurement, on a plain class path (runtime/benchmarks/spectra.sh runs it). Variants run one after another in the
 * same process on the same model, so their ratios are measured side by side.
 *
 * <pre>
 * contraction --model DIR --point Z.npy [--exact E.json] [--variants free,dense] [--repeat R] [--block B[,B2...]] [--eigenvalues N]
 *         [--resolve-max R[,R2...]]
 *     spectra of one attractor (the dense contraction of make_contraction.py) by each variant: "free" (matrix-free:
 *     autograd for TorchScript and layer stacks, directional differences for ONNX), "free-differences" (matrix-free,
 *     differences whatever the backend), "dense" (the whole Jacobian and Commons Math, as before issue 15);
 *     errors against the exact values; with several blocks each variant runs at each (side by side, round-robin
 *     when repeated)
 * products --model DIR --point Z.npy [--block 1,2,4,8,16] [--calls 10] [--repeat R]
 *     seconds per JVP and VJP call with b directions at one point, each block size in turn, round-robin R times
 * many --model DIR --points N [--variants dense-autodiff,dense-differences,free-autodiff,free-differences] [--repeat R]
 *     spectra of N Gaussian latent points (issue 13: 1000 attractors at latent 32)
 * </pre>
 *
 * Memory: the Java heap's peak over the measurement (pools reset before it; garbage included), its largest live set
 * (the heap in use after each collection; spectra.sh runs with a small -Xmx so collections happen) and the process's
 * peak resident set (VmHWM, reset through /proc/self/clear_refs before it) less the resident set before it: what one
 * measurement adds on top of the loaded model, native memory (libtorch, ONNX Runtime) included.
 */
public final class SpectraBench {

    private SpectraBench() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        Path cache = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "latentlab-bench-djl"));
        System.setProperty("DJL_CACHE_DIR", cache.toString());
        System.setProperty("ENGINE_CACHE_DIR", cache.toString());
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String mode = args.length == 0 ? "" : args[0];
        Path folder = Path.of(opt.getOrDefault("model", ""));
        int repeat = Integer.parseInt(opt.getOrDefault("repeat", "1"));
        try (LatentModel model = load(folder)) {
            LatentMap map = map(model);
            int k = model.spec().latentDim();
            String backend = backendOf(folder);
            switch (mode) {
                case "contraction" -> {
                    Tensor point = Tensor.matrix(1, k, Npy.readFloats(Path.of(opt.get("point"))).data());
                    JsonNode exact = opt.containsKey("exact") ? new ObjectMapper().readTree(Path.of(opt.get("exact")).toFile()) : null;
                    int wanted = Integer.parseInt(opt.getOrDefault("eigenvalues", "" + settings(0, k).eigenvalues()));
                    // several blocks (--block 1,8): each variant at each, in this order, repeat times round
                    for (int r = 0; r < repeat; r++) {
                        for (String v : opt.getOrDefault("variants", "free").split(",")) {
                            for (String b : opt.getOrDefault("block", "1").split(",")) {
                                for (String rm : opt.getOrDefault("resolve-max", "" + Spectra.DEFAULT_RESOLVE_MAX).split(",")) {
                                    Spectra.Settings d = v.equals("dense") ? settings(k, k) : settings(0, k);
                                    Spectra.Settings s = new Spectra.Settings(d.denseMax(), wanted, d.basis(), Integer.parseInt(b),
                                            d.maxProducts(), d.denseNormMax(), d.jacobianStep(), d.modelBatch(), Integer.parseInt(rm));
                                    Optional<LatentModel> m = v.equals("free-differences") ? Optional.empty() : Optional.of(model);
                                    report(measure(map, m, point, s), backend, k, v, 1, exact);
                                }
                            }
                        }
                    }
                }
                case "many" -> {
                    int n = Integer.parseInt(opt.getOrDefault("points", "1000"));
                    Random rnd = new Random(0);
                    float[] z = new float[n * k];
                    for (int i = 0; i < z.length; i++) {
                        z[i] = (float) rnd.nextGaussian();
                    }
                    Tensor points = Tensor.matrix(n, k, z);
                    String variants = opt.getOrDefault("variants", "dense-autodiff,dense-differences,free-autodiff,free-differences");
                    // one untimed run of the first variant on a few points: class loading, native warm-up
                    measure(map, Optional.of(model), points.slice(0, Math.min(n, 8)), settings(k, k));
                    for (int r = 0; r < repeat; r++) {
                        for (String v : variants.split(",")) {
                            Spectra.Settings s = v.startsWith("dense") ? settings(k, k) : settings(0, k);
                            Optional<LatentModel> m = v.endsWith("differences") ? Optional.empty() : Optional.of(model);
                            report(measure(map, m, points, s), backend, k, v, n, null);
                        }
                    }
                }
                case "products" -> { // seconds per product call against the block size, round-robin in one JVM
                    Tensor point = Tensor.matrix(1, k, Npy.readFloats(Path.of(opt.get("point"))).data());
                    int[] blocks = Arrays.stream(opt.getOrDefault("block", "1,2,4,8,16").split(",")).mapToInt(Integer::parseInt).toArray();
                    int calls = Integer.parseInt(opt.getOrDefault("calls", "10"));
                    Map<Integer, org.latentlab.api.model.LinearizedMap> lins = new LinkedHashMap<>();
                    for (int b : blocks) {
                        float[] rows = new float[b * k];
                        for (int c = 0; c < b; c++) {
                            System.arraycopy(point.data(), 0, rows, c * k, k);
                        }
                        lins.put(b, model.linearize(Tensor.matrix(b, k, rows)).orElseThrow());
                    }
                    Random rnd = new Random(1);
                    Map<String, double[]> wall = new LinkedHashMap<>();
                    for (int r = 0; r < repeat + 1; r++) { // the first round warms up, untimed
                        for (int b : blocks) {
                            for (String dir : List.of("jvp", "vjp")) {
                                float[] x = new float[b * k];
                                for (int i = 0; i < x.length; i++) {
                                    x[i] = (float) rnd.nextGaussian();
                                }
                                Tensor t = Tensor.matrix(b, k, x);
                                long t0 = System.nanoTime();
                                for (int c = 0; c < calls; c++) {
                                    if (dir.equals("jvp")) {
                                        lins.get(b).jvp(t);
                                    } else {
                                        lins.get(b).vjp(t);
                                    }
                                }
                                double sec = (System.nanoTime() - t0) / 1e9 / calls;
                                if (r > 0) {
                                    wall.computeIfAbsent(dir + " " + b, x2 -> new double[1])[0] += sec / repeat;
                                }
                            }
                        }
                    }
                    for (var e : wall.entrySet()) {
                        String[] kb = e.getKey().split(" ");
                        System.out.println(new ObjectMapper().createObjectNode().put("backend", backend).put("k", k)
                                .put("product", kb[0]).put("block", Integer.parseInt(kb[1]))
                                .put("secondsPerCall", round(e.getValue()[0], 4))
                                .put("secondsPerProduct", round(e.getValue()[0] / Integer.parseInt(kb[1]), 4))
                                .put("load", round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), 1)));
                    }
                    lins.values().forEach(org.latentlab.api.model.LinearizedMap::close);
                }
                default -> {
                    System.err.println("usage: SpectraBench contraction|many --model DIR ... (see the class comment)");
                    System.exit(2);
                }
            }
        }
    }

    /** Default engine settings, with the dense path up to {@code denseMax}. */
    static Spectra.Settings settings(int denseMax, int k) {
        Spectra.Settings d = Spectra.Settings.defaults(1e-3);
        return new Spectra.Settings(denseMax, d.eigenvalues(), d.basis(), d.block(), d.maxProducts(), d.denseNormMax(),
                d.jacobianStep(), d.modelBatch());
    }

    /** cpuSeconds: the process's CPU time (all threads), less sensitive than wall time to other work on the machine. */
    /** heapPeak: the heap's peak use, garbage included; heapLive: its largest live set (after a collection). */
    record Measurement(Spectra.Spectrum[] spectra, double seconds, double cpuSeconds, long heapPeak, long heapLive, long rssBefore,
            long rssPeak, int block, int eigenvalues, int resolveMax) {}

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Largest heap in use right after a collection since the last reset: the live set, without uncollected garbage. */
    static final java.util.concurrent.atomic.AtomicLong LIVE = new java.util.concurrent.atomic.AtomicLong();

    static {
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((javax.management.NotificationEmitter) gc).addNotificationListener((n, h) -> {
                if (com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                    var info = com.sun.management.GarbageCollectionNotificationInfo.from(
                            (javax.management.openmbean.CompositeData) n.getUserData());
                    long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                            .filter(e -> isHeap(e.getKey())).mapToLong(e -> e.getValue().getUsed()).sum();
                    LIVE.accumulateAndGet(used, Math::max);
                }
            }, null, null);
        }
    }

    static boolean isHeap(String pool) {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .anyMatch(p -> p.getName().equals(pool) && p.getType() == MemoryType.HEAP);
    }

    static Measurement measure(LatentMap map, Optional<LatentModel> model, Tensor points, Spectra.Settings s) throws Exception {
        System.gc();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        long heapBefore = heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        LIVE.set(heapBefore);
        resetPeakRss();
        long rssBefore = status("VmRSS");
        long c0 = cpuNanos();
        long t0 = System.nanoTime();
        Spectra.Spectrum[] out = Spectra.of(map, model, points, s, () -> {}, x -> {});
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = (cpuNanos() - c0) / 1e9;
        long heapPeak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum() - heapBefore;
        long live = LIVE.get() - heapBefore;
        return new Measurement(out, seconds, cpu, heapPeak, live, rssBefore, status("VmHWM"), s.block(), s.eigenvalues(),
                s.resolveMax());
    }

    static void report(Measurement m, String backend, int k, String variant, int n, JsonNode exact) {
        ObjectMapper om = new ObjectMapper();
        ObjectNode o = om.createObjectNode();
        Spectra.Spectrum s = m.spectra()[0];
        o.put("backend", backend).put("k", k).put("variant", variant).put("points", n).put("method", s.method())
                .put("eigenvaluesWanted", m.eigenvalues());
        if (s.matrixFree() != null) {
            o.put("block", m.block()).put("resolveMax", m.resolveMax());
        }
        o.put("seconds", round(m.seconds(), 3)).put("cpuSeconds", round(m.cpuSeconds(), 3))
                .put("secondsPerPoint", round(m.seconds() / n, 5));
        o.put("load", round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), 1));
        o.put("heapPeakMB", round(m.heapPeak() / 1048576.0, 1)).put("heapLiveMB", round(m.heapLive() / 1048576.0, 1));
        o.put("maxHeapMB", round(Runtime.getRuntime().maxMemory() / 1048576.0, 0));
        o.put("rssBeforeMB", round(m.rssBefore() / 1024.0, 1)).put("rssAddedMB", round((m.rssPeak() - m.rssBefore()) / 1024.0, 1));
        o.put("spectralRadius", s.spectralRadius()).put("spectralNorm", s.spectralNorm()).put("kind", s.kind().name().toLowerCase(Locale.ROOT));
        if (s.matrixFree() != null) {
            o.put("resolved", s.matrixFree().resolved()).put("reported", s.real().length)
                    .put("residual", s.matrixFree().residuals().length == 0 ? Double.NaN : s.matrixFree().residuals()[0])
                    .put("normResidual", s.matrixFree().normResidual()).put("eigenProducts", s.matrixFree().eigenProducts())
                    .put("normProducts", s.matrixFree().normProducts());
        }
        if (exact != null) {
            if (exact.has("spectralRadius")) {
                o.put("radiusError", Math.abs(s.spectralRadius() - exact.get("spectralRadius").asDouble()));
            }
            o.put("normError", Math.abs(s.spectralNorm() - exact.get("spectralNorm").asDouble()));
        }
        if (n > 1) {
            double maxProducts = Arrays.stream(m.spectra()).filter(x -> x.matrixFree() != null)
                    .mapToDouble(x -> x.matrixFree().products()).average().orElse(Double.NaN);
            o.put("meanProducts", round(maxProducts, 1));
        }
        System.out.println(o);
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    /** f = E∘D through latentSteps, 1024 rows per call (the engine's model batch for inputs of 4,096 values or more). */
    static LatentMap map(LatentModel model) {
        return z -> {
            int n = z.rows();
            int k = z.width();
            float[] out = new float[n * k];
            for (int from = 0; from < n; from += 1024) {
                int to = Math.min(n, from + 1024);
                float[] part = model.latentSteps(z.slice(from, to), 1).data();
                System.arraycopy(part, 0, out, from * k, (to - from) * k);
            }
            return Tensor.matrix(n, k, out);
        };
    }

    static String backendOf(Path folder) throws Exception {
        String enc = new ObjectMapper().readTree(folder.resolve("model.json").toFile()).get("encoder").asText();
        return enc.endsWith(".onnx") ? "onnx" : enc.endsWith(".pt") ? "torchscript" : "layers";
    }

    static LatentModel load(Path folder) throws Exception {
        JsonNode json = new ObjectMapper().readTree(folder.resolve("model.json").toFile());
        int[] inputShape = new int[json.get("inputShape").size()];
        Arrays.setAll(inputShape, i -> json.get("inputShape").get(i).asInt());
        String backend = backendOf(folder);
        ModelSpec spec = new ModelSpec(folder, json.get("name").asText(), inputShape, json.get("latentDim").asInt(),
                json.get("encoder").asText(), json.get("decoder").asText(), backend);
        ModelBackend b = switch (backend) {
            case "onnx" -> new OnnxBackend();
            case "torchscript" -> new TorchScriptBackend();
            default -> new LayersBackend();
        };
        return b.load(spec);
    }

    /** A /proc/self/status value in kB (0 where there is none). */
    static long status(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            // not Linux: no figure
        }
        return 0;
    }

    /** Resets VmHWM to the current resident set (Linux 4.0+). */
    static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (Exception e) {
            // not permitted: the peak is then the process's
        }
    }
}
