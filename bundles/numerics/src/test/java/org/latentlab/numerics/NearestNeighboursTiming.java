package org.latentlab.numerics;

import java.util.SplittableRandom;

/**
 * Not a test: prints how long a search takes on this machine. Arguments: queries references dim kNN
 * (default 10^4 10^5 32 50). Run from bundles/numerics after {@code mvn test-compile}:
 * {@code java -cp target/classes:target/test-classes:$HOME/.m2/repository/org/latentlab/latentlab-api/0.1.0-SNAPSHOT/latentlab-api-0.1.0-SNAPSHOT.jar org.latentlab.numerics.NearestNeighboursTiming}
 */
public final class NearestNeighboursTiming {

    private NearestNeighboursTiming() {}

    public static void main(String[] args) {
        int q = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int dim = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        int kNN = args.length > 3 ? Integer.parseInt(args[3]) : 50;
        SplittableRandom r = new SplittableRandom(1);
        float[] refs = new float[n * dim];
        float[] queries = new float[q * dim];
        Gaussian.fill(r, refs, 0, 1);
        Gaussian.fill(r, queries, 0, 1);
        NearestNeighbours nn = NearestNeighbours.of(refs, n, dim);
        for (int rep = 0; rep < 3; rep++) {
            long t0 = System.nanoTime();
            NearestNeighbours.Neighbours res = nn.search(queries, q, kNN);
            long t1 = System.nanoTime();
            System.out.printf("%d queries x %d references x dim %d, kNN %d: %.2f s (mean kth distance %.4f, %d threads)%n", q, n,
                    dim, kNN, (t1 - t0) / 1e9, java.util.Arrays.stream(res.kth()).average().orElse(0),
                    java.util.concurrent.ForkJoinPool.getCommonPoolParallelism());
        }
    }
}
