package org.latentlab.experiments.sweep.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.latentlab.api.Tensor;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelSpec;

/** The cell measures on linear autoencoders, whose losses and Jacobians are known in closed form. */
class CellMeasurerTest {

    /**
     * E(x) = (x_0, x_1) and D(z) = (a·z_0, b·z_1, 0): f(z) = diag(a, b)·z, so J_f = diag(a, b) everywhere and
     * ‖J_f‖₂ = max(|a|, |b|); D(E(x)) − x = ((a−1)x_0, (b−1)x_1, −x_2).
     */
    static LatentModel linear(double a, double b, boolean autodiff) {
        return new LatentModel() {
            @Override
            public ModelSpec spec() {
                return new ModelSpec(Path.of("."), "linear", new int[] {3}, 2, "e", "d", null);
            }

            @Override
            public Tensor encode(Tensor x) {
                float[] z = new float[x.rows() * 2];
                for (int i = 0; i < x.rows(); i++) {
                    z[2 * i] = x.data()[3 * i];
                    z[2 * i + 1] = x.data()[3 * i + 1];
                }
                return Tensor.matrix(x.rows(), 2, z);
            }

            @Override
            public Tensor decode(Tensor z) {
                float[] x = new float[z.rows() * 3];
                for (int i = 0; i < z.rows(); i++) {
                    x[3 * i] = (float) (a * z.data()[2 * i]);
                    x[3 * i + 1] = (float) (b * z.data()[2 * i + 1]);
                }
                return Tensor.matrix(z.rows(), 3, x);
            }

            @Override
            public Optional<Tensor> latentJacobian(Tensor points) {
                if (!autodiff) {
                    return Optional.empty();
                }
                float[] j = new float[points.rows() * 4];
                for (int i = 0; i < points.rows(); i++) {
                    j[4 * i] = (float) a;
                    j[4 * i + 3] = (float) b;
                }
                return Optional.of(new Tensor(new int[] {points.rows(), 2, 2}, j));
            }

            @Override
            public void close() {}
        };
    }

    static final Tensor X = Tensor.matrix(2, 3, new float[] {1, 2, 3, -1, 0, 2});

    @Test
    void reconstructionLossIsTheMeanSquaredErrorPerValue() {
        // a = 0.5, b = 2: errors (−0.5, 2, −3) and (0.5, 0, −2): (0.25 + 4 + 9 + 0.25 + 0 + 4) / 6
        assertEquals(17.5 / 6, CellMeasurer.reconstructionLoss(linear(0.5, 2, false), X), 1e-12);
        assertEquals((9 + 4) / 6.0, CellMeasurer.reconstructionLoss(linear(1, 1, false), X), 1e-12);
    }

    @Test
    void spectralNormIsTheLargestSingularValueByAutodiffAndByDifferences() {
        Tensor z = Tensor.matrix(3, 2, new float[] {0, 0, 1, -2, 30, 4});
        assertArrayEquals(new double[] {0.8, 0.8, 0.8}, CellMeasurer.spectralNorms(linear(0.3, -0.8, true), z), 1e-6);
        assertArrayEquals(new double[] {0.8, 0.8, 0.8}, CellMeasurer.spectralNorms(linear(0.3, -0.8, false), z), 1e-4);
    }

    @Test
    void maxCosineFindsTheMostSimilarReference() {
        Tensor refs = Tensor.matrix(3, 2, new float[] {1, 0, 0, 2, -1, -1});
        Tensor q = Tensor.matrix(3, 2, new float[] {3, 0.1f, -1, -2, 0, 0});
        CellMeasurer.Nearest n = CellMeasurer.nearestByCosine(q, refs);
        assertArrayEquals(new int[] {0, 2}, java.util.Arrays.copyOf(n.index(), 2));
        double c0 = 3 / Math.hypot(3, 0.1);
        double c1 = 3 / (Math.sqrt(5) * Math.sqrt(2));
        assertArrayEquals(new double[] {c0, c1, 0}, n.cosine(), 1e-6); // a zero query is similar to nothing
    }

    @Test
    void medianAndMean() {
        assertEquals(2, CellMeasurer.median(new double[] {3, 1, 2}));
        assertEquals(2.5, CellMeasurer.median(new double[] {4, 1, 3, 2}));
        assertEquals(Double.NaN, CellMeasurer.median(new double[0]));
        assertEquals(2.5, CellMeasurer.mean(new double[] {4, 1, 3, 2}));
    }
}
