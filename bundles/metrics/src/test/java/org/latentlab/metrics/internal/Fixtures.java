package org.latentlab.metrics.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.attractor.FixedPointKind;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.metric.MetricContext;
import org.latentlab.api.metric.MetricResult;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelSpec;

/** Hand-made models, runs and results for the metric and section tests. */
final class Fixtures {

    private Fixtures() {}

    /** A model whose decoder and encoder apply the given functions row by row. */
    static LatentModel model(int[] inputShape, int latentDim, UnaryOperator<float[]> decode, UnaryOperator<float[]> encode) {
        ModelSpec spec = new ModelSpec(Path.of("/models/hand"), "hand", inputShape, latentDim, "e", "d", null);
        return new LatentModel() {
            public ModelSpec spec() {
                return spec;
            }

            public Tensor encode(Tensor inputs) {
                return rows(inputs, encode, new int[] {latentDim});
            }

            public Tensor decode(Tensor latents) {
                return rows(latents, decode, inputShape);
            }

            public void close() {}
        };
    }

    private static Tensor rows(Tensor in, UnaryOperator<float[]> f, int[] rowShape) {
        float[][] out = new float[in.rows()][];
        for (int i = 0; i < in.rows(); i++) {
            out[i] = f.apply(in.row(i));
        }
        int[] shape = new int[rowShape.length + 1];
        shape[0] = in.rows();
        System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
        return new Tensor(shape, Tensor.ofRows(out).data());
    }

    static Attractor attractor(int id, float... latent) {
        return new Attractor(id, latent, 1, 0.5, 0.5, true, FixedPointKind.ATTRACTOR, 3, 2);
    }

    static Trajectory trajectory(int seed, float[] end, boolean converged, float[][] path) {
        return new Trajectory(seed, end, 3, converged, !converged, 1, 0, path);
    }

    static MetricContext context(Optional<LatentModel> model, Tensor seeds, List<Trajectory> ts, List<Attractor> atts,
            int[] labels, Optional<Tensor> training) {
        return new MetricContext() {
            public Optional<LatentModel> model() {
                return model;
            }

            public Tensor seeds() {
                return seeds;
            }

            public List<Trajectory> trajectories() {
                return ts;
            }

            public List<Attractor> attractors() {
                return atts;
            }

            public int[] labels() {
                return labels;
            }

            public Optional<Tensor> trainingInputs() {
                return training;
            }
        };
    }

    /** An analysis result holding the given attractors, trajectories and metric results. */
    static AnalysisResult result(List<Attractor> atts, List<Trajectory> ts, int[] labels, Map<String, MetricResult> metrics) {
        ModelSpec spec = new ModelSpec(Path.of("/models/hand"), "hand", new int[] {16}, 2, "e", "d", null);
        return new AnalysisResult(spec, "hand", Tensor.matrix(ts.size(), 2, new float[ts.size() * 2]), "picard", Parameters.EMPTY,
                "cosine", Parameters.EMPTY, atts, ts, labels, metrics, 1);
    }
}
