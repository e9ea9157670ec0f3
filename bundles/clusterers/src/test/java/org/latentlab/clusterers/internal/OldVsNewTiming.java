package org.latentlab.clusterers.internal;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Clustering;

/**
 * Not a test: the clusterers as they were ({@link ReferenceClusterers}) against the current ones on the same end
 * points, one after the other in one process, with a check that labels and centers are equal. The end points are
 * made as ClusteringBenchmark makes them (attractors holding 97 %, 3 % stopped on their way in). Run
 * (docs/performance.md#scale):
 * <pre>
 *   mvn -o -q -B test-compile dependency:build-classpath -pl bundles/clusterers -am -Dmdep.outputFile=target/cp.txt
 *   java -Xmx8g -cp bundles/clusterers/target/classes:bundles/clusterers/target/test-classes:$(cat bundles/clusterers/target/cp.txt) \
 *       org.latentlab.clusterers.internal.OldVsNewTiming 1000000 100 euclidean,cosine,dbscan
 * </pre>
 */
public final class OldVsNewTiming {

    private OldVsNewTiming() {}

    public static void main(String[] a) {
        int n = Integer.parseInt(a[0]);
        Tensor t = endPoints(n, 32, Integer.parseInt(a[1]), false, 42);
        for (String c : a[2].split(",")) {
            long t0 = System.nanoTime();
            Clustering old = switch (c) {
                case "cosine" -> ReferenceClusterers.cosine(t, 0.99, 1e-9);
                case "euclidean" -> ReferenceClusterers.euclidean(t, 1e-4);
                default -> ReferenceClusterers.dbscan(t, 0.05, 5);
            };
            long t1 = System.nanoTime();
            Clustering now = switch (c) {
                case "cosine" -> CosineClusterer.cluster(t, 0.99, 1e-9);
                case "euclidean" -> EuclideanClusterer.cluster(t, 1e-4);
                default -> DbscanClusterer.dbscan(t, 0.05, 5);
            };
            long t2 = System.nanoTime();
            boolean same = Arrays.equals(old.labels(), now.labels()) && Arrays.equals(old.centers().data(), now.centers().data());
            System.out.printf("%s n=%d: old %.2f s, new %.2f s, old/new %.1fx, same labels and centers: %b, %d clusters%n", c, n,
                    (t1 - t0) / 1e9, (t2 - t1) / 1e9, (double) (t1 - t0) / (t2 - t1), same, now.count());
        }
    }

    /** As ClusteringBenchmark.endPoints. */
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

}
