package org.latentlab.experiments.dictionary.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.attractor.Clustering;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.numerics.Gaussian;

/** Attractors from noise: the seeds analyze --noise uses, converged end points only, ordered by basin size. */
class AttractorAtomsTest {

    /** Ends each seed at (sign of its first coordinate) · e0, or at 3·e1 when |z0| < 0.3; seeds with z1 > 1.5 do not converge. */
    static final IterationStrategy SIGNS = (map, seeds, params, progress) -> {
        List<Trajectory> out = new ArrayList<>();
        for (int i = 0; i < seeds.rows(); i++) {
            float[] z = seeds.row(i);
            float[] end = Math.abs(z[0]) < 0.3 ? new float[] {0, 3} : new float[] {Math.signum(z[0]), 0};
            out.add(new Trajectory(i, end, 5, z[1] <= 1.5, false, 1, 0, null));
        }
        return out;
    };

    /** One cluster per distinct point, numbered in order of first appearance. */
    static final AttractorClusterer EXACT = (ends, params) -> {
        List<float[]> centres = new ArrayList<>();
        int[] labels = new int[ends.rows()];
        for (int i = 0; i < ends.rows(); i++) {
            float[] p = ends.row(i);
            int found = -1;
            for (int c = 0; c < centres.size(); c++) {
                if (java.util.Arrays.equals(centres.get(c), p)) {
                    found = c;
                }
            }
            if (found < 0) {
                centres.add(p);
                found = centres.size() - 1;
            }
            labels[i] = found;
        }
        return new Clustering(labels, Tensor.ofRows(centres.toArray(float[][]::new)));
    };

    @Test
    void noiseIsTheGaussianDrawOfAnalyze() {
        float[] expected = new float[10 * 2];
        Gaussian.fill(new SplittableRandom(4), expected, 0, 2);
        assertArrayEquals(expected, AttractorAtoms.noise(10, 2, 2, 4).data());
    }

    @Test
    void attractorsAreTheClustersOfConvergedEndPointsLargestBasinFirst() {
        Tensor seeds = AttractorAtoms.noise(500, 2, 1, 3);
        int pos = 0, neg = 0, mid = 0, converged = 0;
        for (int i = 0; i < 500; i++) {
            float[] z = seeds.row(i);
            if (z[1] > 1.5) {
                continue;
            }
            converged++;
            if (Math.abs(z[0]) < 0.3) {
                mid++;
            } else if (z[0] > 0) {
                pos++;
            } else {
                neg++;
            }
        }
        AttractorAtoms a = AttractorAtoms.find(z -> z, seeds, SIGNS, Parameters.EMPTY, EXACT, Parameters.EMPTY, Progress.NONE, () -> {});
        assertEquals(3, a.count());
        assertEquals(converged, a.converged());
        assertEquals(500, a.seeds());
        int[] sorted = java.util.stream.IntStream.of(pos, neg, mid).boxed().sorted((x, y) -> y - x).mapToInt(Integer::intValue).toArray();
        assertArrayEquals(sorted, a.basins(), "largest basin first");
        // the middle basin (|z0| < 0.3, about 24% of the seeds) is the smallest: its attractor (0, 3) comes last
        assertArrayEquals(new float[] {0, 3}, java.util.Arrays.copyOfRange(a.latents(), 4, 6));
    }

    @Test
    void theOriginIsNoAtom() {
        AttractorAtoms a = new AttractorAtoms(new float[] {1, 0, 0, 0, 0, 2}, 3, 2, new int[] {3, 2, 1}, 6, 6);
        assertArrayEquals(new int[] {0, 2}, a.withDirection());
    }
}
