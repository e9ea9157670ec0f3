package org.latentlab.clusterers.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.attractor.Clustering;
import org.junit.jupiter.api.Test;

class ClusterersTest {

    static Clustering run(AttractorClusterer c, float[][] pts, Map<String, String> p) {
        return c.cluster(Tensor.ofRows(pts), Parameters.resolve("test", c.parameters(), p));
    }

    @Test
    void cosineMergesByDirectionOnlyWithThePapersThreshold() {
        // (1,0) and (2, 0.1): cos = 0.9988 > 0.99, same; (0,1) other; (1, 0.2): cos with (1,0) = 0.9806, new.
        float[][] pts = {{1, 0}, {2, 0.1f}, {0, 1}, {1, 0.2f}, {0, 0}, {0, 0}};
        Clustering c = run(new CosineClusterer(), pts, Map.of());
        assertArrayEquals(new int[] {0, 0, 1, 2, 3, 3}, c.labels());
        assertEquals(4, c.count());
        assertArrayEquals(new float[] {1.5f, 0.05f}, c.centers().row(0), 1e-6f); // mean of members
    }

    @Test
    void euclideanUsesTheTolerance() {
        float[][] pts = {{0, 0}, {0.005f, 0}, {0.02f, 0}, {1, 1}};
        assertEquals(3, run(new EuclideanClusterer(), pts, Map.of()).count());
        assertEquals(2, run(new EuclideanClusterer(), pts, Map.of("tolerance", "0.05")).count());
    }

    @Test
    void dbscanFindsDenseBlobsAndMarksIsolatedPointsAsNoise() {
        Random r = new Random(1);
        float[][] pts = new float[203][];
        for (int i = 0; i < 100; i++) {
            pts[i] = new float[] {(float) (r.nextGaussian() * 0.01), (float) (r.nextGaussian() * 0.01)};
            pts[100 + i] = new float[] {(float) (3 + r.nextGaussian() * 0.01), (float) (r.nextGaussian() * 0.01)};
        }
        pts[200] = new float[] {10, 10};
        pts[201] = new float[] {-10, 10};
        pts[202] = new float[] {10, -10};
        Clustering c = run(new DbscanClusterer(), pts, Map.of("eps", "0.05", "minPoints", "5"));
        assertEquals(2, c.count());
        assertEquals(-1, c.labels()[200]);
        assertEquals(-1, c.labels()[201]);
        assertEquals(-1, c.labels()[202]);
        assertTrue(c.labels()[0] >= 0 && c.labels()[100] >= 0 && c.labels()[0] != c.labels()[100], "two different blobs");
        for (int i = 0; i < 100; i++) {
            assertEquals(c.labels()[0], c.labels()[i]);
            assertEquals(c.labels()[100], c.labels()[100 + i]);
        }
        assertTrue(Math.abs(c.centers().row(c.labels()[100])[0] - 3) < 0.01);
    }

    @Test
    void hundredThousandEndPointsOnFewAttractorsClusterQuickly() {
        int n = 100_000;
        int k = 32;
        Random r = new Random(2);
        float[][] centres = new float[10][k];
        for (float[] c : centres) {
            for (int j = 0; j < k; j++) {
                c[j] = (float) r.nextGaussian();
            }
        }
        float[] data = new float[n * k];
        int[] truth = new int[n];
        for (int i = 0; i < n; i++) {
            truth[i] = r.nextInt(10);
            for (int j = 0; j < k; j++) {
                data[i * k + j] = centres[truth[i]][j] + (float) (r.nextGaussian() * 1e-4);
            }
        }
        Tensor t = Tensor.matrix(n, k, data);
        for (AttractorClusterer c : new AttractorClusterer[] {new CosineClusterer(), new EuclideanClusterer(), new DbscanClusterer()}) {
            Clustering cl = c.cluster(t, Parameters.resolve("t", c.parameters(), Map.of()));
            assertEquals(10, cl.count(), c.getClass().getSimpleName());
            // the labels are the true partition: one label per true centre, different centres different labels
            int[] labelOf = new int[10];
            java.util.Arrays.fill(labelOf, -2);
            for (int i = 0; i < n; i++) {
                if (labelOf[truth[i]] == -2) {
                    labelOf[truth[i]] = cl.labels()[i];
                }
                assertEquals(labelOf[truth[i]], cl.labels()[i], c.getClass().getSimpleName() + ": point " + i);
            }
            assertEquals(10, java.util.Arrays.stream(labelOf).filter(l -> l >= 0).distinct().count(),
                    c.getClass().getSimpleName() + ": ten distinct labels");
        }
    }
}
