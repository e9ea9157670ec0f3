package org.latentlab.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
 * The machine's matrix-product rate as libtorch (through DJL, as LatentLab uses it) reaches it: products of two
 * n × n float32 matrices per second; GFLOP/s = score × 2n³ / 10⁹. The yardstick for the map evaluation
 * benchmarks (a 784-512-256-32 MLP step is 2.16 MFLOP per seed).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class SgemmBenchmark {

    @Param({"1024"})
    public int n;

    private NDManager manager;
    private NDArray a;
    private NDArray b;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        System.setProperty("ai.djl.offline", "true");
        Path cache = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "latentlab-bench-djl"));
        System.setProperty("DJL_CACHE_DIR", cache.toString());
        System.setProperty("ENGINE_CACHE_DIR", cache.toString());
        manager = NDManager.newBaseManager("PyTorch");
        a = manager.randomNormal(new Shape(n, n));
        b = manager.randomNormal(new Shape(n, n));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    /** One n × n product; the result is freed at once (only the product's time is measured, not a leak). */
    @Benchmark
    public float matMul() {
        try (NDArray c = a.matMul(b)) {
            return c.getFloat(0, 0);
        }
    }
}
