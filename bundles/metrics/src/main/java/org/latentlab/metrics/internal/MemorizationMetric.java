package org.latentlab.metrics.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.metric.Metric;
import org.latentlab.api.metric.MetricContext;
import org.latentlab.api.metric.MetricResult;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.result.FieldValue;
import org.osgi.service.component.annotations.Component;

/**
 * Memorization (Fumero et al. 2025): mem(z*) = max over training inputs x of cos(D(z*), x). An
 * attractor that decodes to (almost) a training example, mem → 1, is a memorized example.
 * Per attractor: {@code memorization}, {@code nearestTrainingIndex}, and the pictures
 * {@code decoded} = D(z*) and {@code nearestTraining}. Without training inputs only
 * {@code decoded} is given. The pictures and numbers also go, typed, to {@link MemorizationSection}
 * (a {@link Memorization} artifact).
 */
@Component(property = {ServiceProperties.ID + "=memorization",
        ServiceProperties.DESCRIPTION + "=max cosine similarity of each decoded attractor to the training inputs"})
public class MemorizationMetric implements Metric {

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.real("threshold", 0.95, -1, 1, "an attractor with memorization above this counts as memorized"));
    }

    @Override
    public MetricResult compute(MetricContext ctx, Parameters params) {
        LatentModel model = ctx.model().orElseThrow(() -> new LatentLabException("memorization needs a model"));
        List<Attractor> atts = ctx.attractors();
        MetricResult.Builder out = MetricResult.builder().put("attractors", atts.size());
        if (atts.isEmpty()) {
            return out.artifact(new Memorization(List.of(), OptionalInt.empty(), Double.NaN, 0, Double.NaN)).build();
        }
        int k = model.spec().latentDim();
        float[] z = new float[atts.size() * k];
        for (Attractor a : atts) {
            System.arraycopy(a.latent(), 0, z, a.id() * k, k);
        }
        Tensor decoded = model.decode(Tensor.matrix(atts.size(), k, z));
        int[] shape = decoded.rowShape();
        if (ctx.trainingInputs().isEmpty()) {
            List<Memorization.Entry> entries = new ArrayList<>();
            for (Attractor a : atts) {
                FieldValue.Image image = new FieldValue.Image(shape, decoded.row(a.id()));
                out.attractor(a.id(), "decoded", image);
                entries.add(new Memorization.Entry(a.id(), image, Optional.empty(), -1, Double.NaN));
            }
            out.put("note", "no training inputs given: decodings only");
            return out.artifact(new Memorization(entries, OptionalInt.empty(), Double.NaN, 0, Double.NaN)).build();
        }
        Tensor train = ctx.trainingInputs().get();
        int d = decoded.width();
        if (train.width() != d) {
            throw new LatentLabException("training inputs have " + train.width() + " values per example, decodings " + d);
        }
        double threshold = params.getDouble("threshold", 0.95);
        List<Memorization.Entry> entries = new ArrayList<>();
        double sum = 0;
        int memorized = 0;
        for (Attractor a : atts) {
            FieldValue.Image image = new FieldValue.Image(shape, decoded.row(a.id()));
            Nearest best = nearest(decoded.row(a.id()), train);
            FieldValue.Image near = new FieldValue.Image(train.rowShape(), train.row(best.index()));
            out.attractor(a.id(), "decoded", image)
                    .attractor(a.id(), "memorization", FieldValue.of(best.cosine()))
                    .attractor(a.id(), "nearestTrainingIndex", FieldValue.of(best.index()))
                    .attractor(a.id(), "nearestTraining", near);
            entries.add(new Memorization.Entry(a.id(), image, Optional.of(near), best.index(), best.cosine()));
            sum += best.cosine();
            memorized += best.cosine() > threshold ? 1 : 0;
        }
        double mean = sum / atts.size();
        out.put("trainingExamples", train.rows()).put("meanMemorization", mean).put("memorizedAttractors", memorized)
                .put("threshold", threshold);
        return out.artifact(new Memorization(entries, OptionalInt.of(train.rows()), mean, memorized, threshold)).build();
    }

    /** The training example most similar to {@code x}, and that similarity. */
    record Nearest(int index, double cosine) {}

    /**
     * The training row with the largest cosine similarity to {@code x} (the first of equals); a zero
     * vector on either side has similarity 0.
     */
    static Nearest nearest(float[] x, Tensor train) {
        int n = train.rows();
        int d = train.width();
        float[] t = train.data();
        double xn = 0;
        for (float v : x) {
            xn += (double) v * v;
        }
        xn = Math.sqrt(xn);
        double best = -2;
        int bestIdx = -1;
        for (int i = 0; i < n; i++) {
            double dot = 0;
            double tn = 0;
            int off = i * d;
            for (int j = 0; j < d; j++) {
                dot += x[j] * t[off + j];
                tn += (double) t[off + j] * t[off + j];
            }
            tn = Math.sqrt(tn);
            double cos = xn == 0 || tn == 0 ? 0 : dot / (xn * tn);
            if (cos > best) {
                best = cos;
                bestIdx = i;
            }
        }
        return new Nearest(bestIdx, best);
    }
}
