package org.latentlab.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.metric.MetricResult;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.result.FieldValue;
import org.junit.jupiter.api.Test;

/** The latent field on the PCA plane, for maps and point sets whose plane and field are known. */
class LatentFieldMetricTest {

    /** f(z) = E(D(z)) = z/2 + (1/2, 1/2): fixed point (1, 1), field v(z) = (1 − z)/2. */
    static final LatentModel HALFWAY = Fixtures.model(new int[] {2}, 2, z -> z.clone(),
            x -> new float[] {0.5f * x[0] + 0.5f, 0.5f * x[1] + 0.5f});

    @Test
    void inTwoDimensionsThePlaneIsTheLatentSpaceAndTheFieldIsFzMinusZ() {
        Tensor seeds = Tensor.matrix(3, 2, new float[] {0, 0, 2, 0, 0, 4});
        float[] end = {1, 1};
        List<Trajectory> ts = List.of(Fixtures.trajectory(0, end, true, null), Fixtures.trajectory(1, end, true, null),
                Fixtures.trajectory(2, end, true, null));
        MetricResult r = new LatentFieldMetric().compute(Fixtures.context(Optional.of(HALFWAY), seeds, ts,
                List.of(Fixtures.attractor(0, 1, 1)), new int[] {0, 0, 0}, Optional.empty()),
                new Parameters(Map.of("grid", 3, "trajectories", 150, "margin", 0.1)));

        assertEquals(List.of("mean", "axes", "explainedVariance", "bounds", "gridSize", "grid", "field", "attractors", "paths",
                "pathLabels", "pathsRecorded"), List.copyOf(r.summary().keySet()), "field order of result.json");
        // mean of the seeds and the three converged end points (1, 1): (5/6, 7/6)
        double[] mean = ((FieldValue.Reals) r.summary().get("mean")).values();
        assertArrayEquals(new double[] {5 / 6.0, 7 / 6.0}, mean, 1e-12);
        assertEquals(FieldValue.of(1, 0), r.summary().get("explainedVariance"));
        // projected x spans [-5/6, 7/6] (range 2), y [-7/6, 17/6] (range 4); 10 % margin on each side
        double[] b = ((FieldValue.Reals) r.summary().get("bounds")).values();
        assertArrayEquals(new double[] {-5 / 6.0 - 0.2, 7 / 6.0 + 0.2, -7 / 6.0 - 0.4, 17 / 6.0 + 0.4}, b, 1e-12);
        assertEquals(FieldValue.of(3), r.summary().get("gridSize"));

        LatentField f = r.artifact(LatentField.class).orElseThrow();
        assertEquals(9, f.grid().length);
        assertArrayEquals(new double[] {b[0], b[2]}, f.grid()[0], 1e-12);
        assertArrayEquals(new double[] {(b[0] + b[1]) / 2, b[2]}, f.grid()[1], 1e-12, "x runs fastest");
        assertArrayEquals(new double[] {b[1], b[3]}, f.grid()[8], 1e-12);
        for (int i = 0; i < 9; i++) {
            for (int c = 0; c < 2; c++) {
                double z = mean[c] + f.grid()[i][c];
                assertEquals((1 - z) / 2, f.field()[i][c], 1e-6, "v(z) = (1 - z)/2 at grid point " + i);
            }
        }
        assertArrayEquals(new double[] {1 - 5 / 6.0, 1 - 7 / 6.0}, f.attractors()[0], 1e-6);
        assertEquals(3, f.paths().size());
        double[][] path = f.paths().get(1); // without recorded paths a path runs from the seed to the end point
        assertEquals(2, path.length);
        assertArrayEquals(new double[] {2 - 5 / 6.0, -7 / 6.0}, path[0], 1e-12);
        assertArrayEquals(new double[] {1 - 5 / 6.0, 1 - 7 / 6.0}, path[1], 1e-12);
        assertArrayEquals(new int[] {0, 0, 0}, f.pathLabels());
        assertFalse(f.pathsRecorded());
        assertEquals(FieldValue.of(false), r.summary().get("pathsRecorded"));
        assertEquals(FieldValue.points(f.grid()), r.summary().get("grid"), "result.json holds the same grid");
    }

    @Test
    void inThreeDimensionsThePlaneIsSpannedByTheTwoLargestPrincipalComponents() {
        // spread 2 along x, 1 along z, none along y: the plane is x-z, with 80 % and 20 % of the variance
        Tensor seeds = Tensor.matrix(4, 3, new float[] {-2, 1, 0, 2, 1, 0, 0, 1, -1, 0, 1, 1});
        List<Trajectory> ts = List.of(Fixtures.trajectory(0, seeds.row(0), false, null),
                Fixtures.trajectory(1, seeds.row(1), false, null), Fixtures.trajectory(2, seeds.row(2), false, null),
                Fixtures.trajectory(3, seeds.row(3), false, null));
        LatentModel identity = Fixtures.model(new int[] {3}, 3, z -> z.clone(), x -> x.clone());
        MetricResult r = new LatentFieldMetric().compute(Fixtures.context(Optional.of(identity), seeds, ts, List.of(),
                new int[] {-1, -1, -1, -1}, Optional.empty()), new Parameters(Map.of("grid", 2, "trajectories", 2, "margin", 0.0)));
        assertArrayEquals(new double[] {0.8, 0.2}, ((FieldValue.Reals) r.summary().get("explainedVariance")).values(), 1e-12);
        List<FieldValue> axes = ((FieldValue.Items) r.summary().get("axes")).items();
        assertEquals(1, Math.abs(((FieldValue.Reals) axes.get(0)).get(0)), 1e-12, "first axis along x");
        assertEquals(1, Math.abs(((FieldValue.Reals) axes.get(1)).get(2)), 1e-12, "second axis along z");
        LatentField f = r.artifact(LatentField.class).orElseThrow();
        for (double[] v : f.field()) {
            assertArrayEquals(new double[] {0, 0}, v, 1e-6, "an identity map has no field");
        }
        assertEquals(2, f.paths().size(), "at most the trajectories asked for");
        assertArrayEquals(new int[] {-1, -1}, f.pathLabels());
    }
}
