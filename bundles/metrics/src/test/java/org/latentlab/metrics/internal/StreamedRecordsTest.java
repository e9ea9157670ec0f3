package org.latentlab.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.metric.Metric;
import org.latentlab.api.metric.MetricContext;
import org.latentlab.api.metric.MetricResult;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.result.SeedRecords;
import org.latentlab.api.result.SeedSummary;

/**
 * A run larger than the engine keeps in memory gives metrics its seeds only through {@link MetricContext#perSeed()}
 * (seeds, trajectories and labels empty): the metrics read them block by block and report exactly what they
 * report with every record in memory.
 */
class StreamedRecordsTest {

    /** 20,000 seeds in 3-D (more than two blocks of records), end points at two attractors, some not converged. */
    static final int N = 20_000;

    static Tensor seeds() {
        Random r = new Random(3);
        float[] s = new float[N * 3];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) r.nextGaussian();
        }
        return Tensor.matrix(N, 3, s);
    }

    static List<Trajectory> trajectories(int[] labels) {
        List<Trajectory> ts = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            boolean conv = i % 7 != 0;
            labels[i] = conv ? i % 2 : -1;
            float[] end = conv ? (i % 2 == 0 ? new float[] {1, 0, 0.5f} : new float[] {0, -1, 2}) : new float[] {9, 9, 9};
            ts.add(new Trajectory(i, end, 3 + i % 11, conv, false, 0.25 * (i % 13), 1e-4, null, 4 + i % 11));
        }
        return ts;
    }

    /** The same run as a context whose per-seed data is only in its records. */
    static MetricContext streamed(MetricContext inMemory) {
        SeedRecords records = inMemory.perSeed();
        SeedSummary summary = inMemory.seedSummary();
        return new MetricContext() {
            public Optional<LatentModel> model() {
                return inMemory.model();
            }

            public Tensor seeds() {
                return Tensor.matrix(0, 3, new float[0]);
            }

            public List<Trajectory> trajectories() {
                return List.of();
            }

            public List<Attractor> attractors() {
                return inMemory.attractors();
            }

            public int[] labels() {
                return new int[0];
            }

            public Optional<Tensor> trainingInputs() {
                return inMemory.trainingInputs();
            }

            public SeedSummary seedSummary() {
                return summary;
            }

            public SeedRecords perSeed() {
                return records;
            }

            public boolean perSeedInMemory() {
                return false;
            }
        };
    }

    @Test
    void sparsityAndLatentFieldAreTheSameFromStreamedRecords() {
        int[] labels = new int[N];
        List<Trajectory> ts = trajectories(labels);
        LatentModel model = Fixtures.model(new int[] {3}, 3, z -> z.clone(), x -> new float[] {x[0] / 2, x[1] / 2, x[2] / 2});
        MetricContext mem = Fixtures.context(Optional.of(model), seeds(), ts,
                List.of(Fixtures.attractor(0, 1, 0, 0.5f), Fixtures.attractor(1, 0, -1, 2)), labels, Optional.empty());
        MetricContext disk = streamed(mem);
        for (Metric m : List.of(new SparsityMetric(), new LatentFieldMetric())) {
            Parameters p = Parameters.resolve("m", m.parameters(), Map.of());
            MetricResult a = m.compute(mem, p);
            MetricResult b = m.compute(disk, p);
            assertEquals(a.summary(), b.summary(), m.getClass().getSimpleName());
            assertEquals(a.perAttractor(), b.perAttractor(), m.getClass().getSimpleName());
        }
        MetricResult s = new SparsityMetric().compute(disk, Parameters.EMPTY);
        assertEquals(org.latentlab.api.result.FieldValue.of(N), s.summary().get("seeds"));
        assertTrue(((org.latentlab.api.result.FieldValue.Real) s.summary().get("meanStartSparsity")).value() > 0);
    }
}
