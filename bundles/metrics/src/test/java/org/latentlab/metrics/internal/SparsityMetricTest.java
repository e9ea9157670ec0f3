package org.latentlab.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.metric.MetricResult;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.result.FieldValue;
import org.junit.jupiter.api.Test;

/** Hoyer sparsity h(x) = (√n − ‖x‖₁/‖x‖₂)/(√n − 1) of attractors, decodings and seeds, on vectors computed by hand. */
class SparsityMetricTest {

    /** D(z) = (z0, z1, z0 + z1, 0): four values per decoding. */
    static final LatentModel MODEL = Fixtures.model(new int[] {4}, 2, z -> new float[] {z[0], z[1], z[0] + z[1], 0}, x -> x.clone());

    // seeds (1, 0): h = 1; (1, 1): h = 0; (3, 4): (√2 − 7/5)/(√2 − 1); (0, 0): 0 by definition
    static final Tensor SEEDS = Tensor.matrix(4, 2, new float[] {1, 0, 1, 1, 3, 4, 0, 0});
    static final double H34 = (Math.sqrt(2) - 7.0 / 5) / (Math.sqrt(2) - 1);

    static MetricResult run(Optional<LatentModel> model) {
        // attractor #0 = (2, 0) reached by seeds 0 and 2; #1 = (-1, 1) by seed 1; seed 3 did not converge
        return new SparsityMetric().compute(Fixtures.context(model, SEEDS, List.of(),
                List.of(Fixtures.attractor(0, 2, 0), Fixtures.attractor(1, -1, 1)), new int[] {0, 1, 0, -1}, Optional.empty()),
                Parameters.EMPTY);
    }

    static double real(FieldValue v) {
        return ((FieldValue.Real) v).value();
    }

    @Test
    void sparsityOfCodesDecodingsAndSeeds() {
        MetricResult r = run(Optional.of(MODEL));
        Map<String, FieldValue> a0 = r.perAttractor().get(0);
        Map<String, FieldValue> a1 = r.perAttractor().get(1);
        assertEquals(1, real(a0.get("codeSparsity")), 1e-12, "(2, 0) has one non-zero");
        assertEquals(0, real(a1.get("codeSparsity")), 1e-12, "(-1, 1): equal magnitudes");
        // D(2, 0) = (2, 0, 2, 0): ‖·‖₁/‖·‖₂ = 4/√8 = √2 → (2 − √2)/(2 − 1)
        assertEquals(2 - Math.sqrt(2), real(a0.get("decodedSparsity")), 1e-7);
        // D(-1, 1) = (-1, 1, 0, 0): the same ratio √2
        assertEquals(2 - Math.sqrt(2), real(a1.get("decodedSparsity")), 1e-7);
        assertEquals(List.of("codeSparsity", "decodedSparsity"), List.copyOf(a0.keySet()));

        assertEquals(List.of("attractors", "seeds", "meanStartSparsity", "meanEndSparsity", "meanCodeSparsity", "meanDecodedSparsity",
                "decodedRank90"), List.copyOf(r.summary().keySet()));
        assertEquals((1 + 0 + H34 + 0) / 4, real(r.summary().get("meanStartSparsity")), 1e-7, "over all four seeds");
        assertEquals((1 + 0 + 1) / 3.0, real(r.summary().get("meanEndSparsity")), 1e-12, "over the three converged seeds");
        assertEquals(0.5, real(r.summary().get("meanCodeSparsity")), 1e-12);
        assertEquals(2 - Math.sqrt(2), real(r.summary().get("meanDecodedSparsity")), 1e-7);
        // two decoded points: centred, they differ along one direction only
        assertEquals(FieldValue.of(1), r.summary().get("decodedRank90"));

        SparsityReport typed = r.artifact(SparsityReport.class).orElseThrow();
        assertEquals(3, typed.converged());
        assertEquals(1, typed.entries().get(0).code(), 1e-12);
    }

    @Test
    void withoutAModelOnlyTheCodesAreMeasured() {
        MetricResult r = run(Optional.empty());
        assertFalse(r.perAttractor().get(0).containsKey("decodedSparsity"));
        assertFalse(r.summary().containsKey("decodedRank90"));
        assertTrue(r.summary().get("note").toString().startsWith("no model"));
        assertTrue(r.artifact(SparsityReport.class).orElseThrow().decodedRank90().isEmpty());
    }
}
