package org.latentlab.metrics.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.osgi.service.component.annotations.Component;

/**
 * Memorization (Fumero et al. 2025): mem(z*) = max over training inputs x of cos(D(z*), x). An
 * attractor that decodes to (almost) a training example, mem → 1, is a memorized example.
 * Per attractor: {@code memorization}, {@code nearestTrainingIndex}, and the pictures
 * {@code decoded} = D(z*) and {@code nearestTraining}. Without training inputs only
 * {@code decoded} is given.
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
        Map<String, Object> summary = new LinkedHashMap<>();
        Map<Integer, Map<String, Object>> per = new LinkedHashMap<>();
        summary.put("attractors", atts.size());
        if (atts.isEmpty()) {
            return new MetricResult(summary, per);
        }
        int k = model.spec().latentDim();
        float[] z = new float[atts.size() * k];
        for (Attractor a : atts) {
            System.arraycopy(a.latent(), 0, z, a.id() * k, k);
        }
        Tensor decoded = model.decode(Tensor.matrix(atts.size(), k, z));
        int d = decoded.width();
        for (Attractor a : atts) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("decoded", decoded.row(a.id()));
            per.put(a.id(), f);
        }
        if (ctx.trainingInputs().isEmpty()) {
            summary.put("note", "no training inputs given: decodings only");
            return new MetricResult(summary, per);
        }
        Tensor train = ctx.trainingInputs().get();
        if (train.width() != d) {
            throw new LatentLabException("training inputs have " + train.width() + " values per example, decodings " + d);
        }
        int n = train.rows();
        float[] t = train.data();
        double[] tNorm = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += (double) t[i * d + j] * t[i * d + j];
            }
            tNorm[i] = Math.sqrt(s);
        }
        double threshold = params.getDouble("threshold", 0.95);
        double sum = 0;
        int memorized = 0;
        for (Attractor a : atts) {
            float[] x = decoded.row(a.id());
            double xn = 0;
            for (float v : x) {
                xn += (double) v * v;
            }
            xn = Math.sqrt(xn);
            double best = -2;
            int bestIdx = -1;
            for (int i = 0; i < n; i++) {
                double dot = 0;
                int off = i * d;
                for (int j = 0; j < d; j++) {
                    dot += x[j] * t[off + j];
                }
                double cos = xn == 0 || tNorm[i] == 0 ? 0 : dot / (xn * tNorm[i]);
                if (cos > best) {
                    best = cos;
                    bestIdx = i;
                }
            }
            Map<String, Object> f = per.get(a.id());
            f.put("memorization", best);
            f.put("nearestTrainingIndex", bestIdx);
            f.put("nearestTraining", train.row(bestIdx));
            sum += best;
            memorized += best > threshold ? 1 : 0;
        }
        summary.put("trainingExamples", n);
        summary.put("meanMemorization", sum / atts.size());
        summary.put("memorizedAttractors", memorized);
        summary.put("threshold", threshold);
        return new MetricResult(summary, per);
    }
}
