package org.latentlab.benchmarks;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.attractor.Clustering;
import org.latentlab.clusterers.internal.CosineClusterer;
import org.latentlab.clusterers.internal.DbscanClusterer;
import org.latentlab.clusterers.internal.EuclideanClusterer;
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
 * Seconds to cluster {@code n} end points (10^6) at latent 32 with each clusterer and its default parameters
 * (cosine 0.99, euclidean tolerance 1e-2, dbscan eps 5e-2 and 5 points). The end points are made like a run's:
 * {@code attractors} tight clusters (N(0, 1) centres, spread 1e-4 per coordinate) hold 97 % of them; 3 % did not
 * quite converge: with {@code scattered} = near, each lies at a distance log-uniform in [1e-3, 1] from its
 * attractor in a random direction (trajectories stopped on their way in); with {@code scattered} = anywhere, half of
 * them do and the other half are N(0, 1.5²) noise, the hardest case for every search (isolated points in 32
 * dimensions). Points in random order. {@code attractors} = 100 is a typical run, 10000 the hard case. Each
 * invocation also prints the process CPU time it took (both cores count) and the load average.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class ClusteringBenchmark {

    @Param({"cosine", "euclidean", "dbscan"})
    public String clusterer;

    @Param({"100", "10000"})
    public int attractors;

    @Param({"1000000"})
    public int n;

    @Param({"32"})
    public int latent;

    @Param({"near"})
    public String scattered;

    private Tensor endpoints;
    private AttractorClusterer c;
    private Parameters params;
    private Clustering last;

    @Setup(Level.Trial)
    public void setUp() {
        endpoints = endPoints(n, latent, attractors, scattered.equals("anywhere"), 42);
        c = switch (clusterer) {
            case "cosine" -> new CosineClusterer();
            case "euclidean" -> new EuclideanClusterer();
            case "dbscan" -> new DbscanClusterer();
            default -> throw new IllegalArgumentException(clusterer);
        };
        params = Parameters.resolve(clusterer, c.parameters(), Map.of());
    }

    static Tensor endPoints(int n, int k, int attractors, boolean anywhere, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] centres = new float[attractors * k];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = (float) gaussian(r);
        }
        float[] x = new float[n * k];
        double[] dir = new double[k];
        for (int p = 0; p < n; p++) {
            int a = r.nextInt(attractors);
            double u = r.nextDouble();
            if (anywhere && u < 0.015) {
                for (int j = 0; j < k; j++) {
                    x[p * k + j] = (float) (1.5 * gaussian(r));
                }
                continue;
            }
            double norm = 0;
            for (int j = 0; j < k; j++) {
                dir[j] = gaussian(r);
                norm += dir[j] * dir[j];
            }
            // on the attractor (spread 1e-4 per coordinate), or stopped at 1e-3 .. 1 from it
            double scale = u < 0.03 ? Math.pow(10, -3 + 3 * r.nextDouble()) / Math.sqrt(norm) : 1e-4;
            for (int j = 0; j < k; j++) {
                x[p * k + j] = (float) (centres[a * k + j] + scale * dir[j]);
            }
        }
        return Tensor.matrix(n, k, x);
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    private long cpuBefore;

    /** Process CPU time, printed per invocation: on a shared machine the wall time says more about the neighbours. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    @Setup(Level.Invocation)
    public void cpuStart() {
        cpuBefore = processCpuNanos();
    }

    @TearDown(Level.Invocation)
    public void cpuEnd() {
        System.out.printf("(process CPU %.2f s, load %.1f) ", (processCpuNanos() - cpuBefore) / 1e9,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    @Benchmark
    public Clustering cluster() {
        last = c.cluster(endpoints, params);
        return last;
    }

    @TearDown(Level.Trial)
    public void report() {
        long noise = java.util.Arrays.stream(last.labels()).filter(l -> l < 0).count();
        System.out.printf("%n%s, %d attractors: %d clusters, %d noise points%n", clusterer, attractors, last.count(), noise);
    }
}
