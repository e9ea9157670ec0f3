package org.latentlab.metrics.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.metric.Metric;
import org.latentlab.api.metric.MetricContext;
import org.latentlab.api.metric.MetricResult;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.result.FieldValue;
import org.latentlab.numerics.Pca;
import org.latentlab.numerics.Sparsity;
import org.osgi.service.component.annotations.Component;

/**
 * How sparse codes are, by Hoyer's measure h(x) = (√n − ‖x‖₁/‖x‖₂)/(√n − 1) ({@link Sparsity#hoyer}):
 * per attractor {@code codeSparsity} = h(z*) and, with a model, {@code decodedSparsity} = h(D(z*));
 * in the summary the means of both over the attractors, {@code meanStartSparsity} = the mean over all
 * seeds of h(z₀), {@code meanEndSparsity} = the mean over converged seeds of h(z*) of the attractor
 * they reached, and {@code decodedRank90} = the number of principal components that hold 90% of the
 * variance of the decoded attractors ({@link Pca#rankForVariance}, centred), which the stability
 * section of the report prints.
 */
@Component(property = {ServiceProperties.ID + "=" + SparsityMetric.ID,
        ServiceProperties.DESCRIPTION + "=Hoyer sparsity of each attractor's code and decoding and of the seeds, and the "
                + "rank holding 90% of the variance of the decoded attractors"})
public class SparsityMetric implements Metric {

    static final String ID = "sparsity";
    /** The variance share of {@code decodedRank90}. */
    static final double RANK_FRACTION = 0.9;

    @Override
    public MetricResult compute(MetricContext ctx, Parameters params) {
        List<Attractor> atts = ctx.attractors();
        int k = ctx.perSeed().latentDim();
        long seedCount = ctx.perSeed().count();
        double[] code = new double[atts.size()];
        for (Attractor a : atts) {
            code[a.id()] = Sparsity.hoyer(a.latent());
        }
        // seeds and labels block by block, summed in seed order (runs of any size)
        double[] sums = new double[2]; // start sparsity, end sparsity
        long[] ended = {0};
        ctx.perSeed().forEach(8192, b -> {
            for (double h : Sparsity.hoyerRows(b.seeds().data(), b.rows(), k)) {
                sums[0] += h;
            }
            for (int label : b.labels()) {
                if (label >= 0 && label < code.length) {
                    sums[1] += code[label];
                    ended[0]++;
                }
            }
        });
        double meanStart = seedCount == 0 ? Double.NaN : sums[0] / seedCount;
        double meanEnd = ended[0] == 0 ? Double.NaN : sums[1] / ended[0];
        Optional<LatentModel> model = ctx.model();
        double[] decoded = null;
        OptionalInt rank = OptionalInt.empty();
        if (model.isPresent() && !atts.isEmpty()) {
            float[] z = new float[atts.size() * k];
            for (Attractor a : atts) {
                System.arraycopy(a.latent(), 0, z, a.id() * k, k);
            }
            Tensor d = model.get().decode(Tensor.matrix(atts.size(), k, z));
            decoded = Sparsity.hoyerRows(d.data(), d.rows(), d.width());
            rank = OptionalInt.of(Pca.rankForVariance(d.data(), d.rows(), d.width(), RANK_FRACTION, true));
        }
        MetricResult.Builder out = MetricResult.builder().put("attractors", atts.size()).put("seeds", seedCount)
                .put("meanStartSparsity", meanStart).put("meanEndSparsity", meanEnd)
                .put("meanCodeSparsity", mean(code));
        if (decoded != null) {
            out.put("meanDecodedSparsity", mean(decoded)).put("decodedRank90", rank.getAsInt());
        } else if (model.isEmpty()) {
            out.put("note", "no model: no decodings, so no decoded sparsity and no rank");
        }
        List<SparsityReport.Entry> entries = new ArrayList<>();
        for (Attractor a : atts) {
            out.attractor(a.id(), "codeSparsity", FieldValue.of(code[a.id()]));
            OptionalDouble dec = decoded == null ? OptionalDouble.empty() : OptionalDouble.of(decoded[a.id()]);
            dec.ifPresent(v -> out.attractor(a.id(), "decodedSparsity", FieldValue.of(v)));
            entries.add(new SparsityReport.Entry(a.id(), code[a.id()], dec));
        }
        return out.artifact(new SparsityReport(entries, meanStart, seedCount, meanEnd, ended[0], rank)).build();
    }

    /** The mean, NaN for none. */
    static double mean(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }
}
