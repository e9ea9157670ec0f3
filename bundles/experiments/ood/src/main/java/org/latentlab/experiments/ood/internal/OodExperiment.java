package org.latentlab.experiments.ood.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.attractor.Clustering;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.experiment.Experiment;
import org.latentlab.api.experiment.ExperimentContext;
import org.latentlab.api.experiment.ExperimentResult;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.ood.OodScore;
import org.latentlab.api.result.FieldValue;
import org.latentlab.npy.Npy;
import org.latentlab.numerics.Roc;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The {@code ood} experiment (issue 11, section 1): every requested {@link OodScore} on the same
 * encodings and latent paths of an in-distribution and an out-of-distribution set, each judged by
 * exact AUROC and FPR95 with the out-of-distribution inputs as positives.
 *
 * <p>A score that throws, or returns a wrong count or a NaN / infinite value, fails the run with a
 * message naming the score, the set and the row: a comparison with a silently missing column would
 * read as a result.
 */
@Component(property = {ServiceProperties.ID + "=" + OodExperiment.ID,
        ServiceProperties.DESCRIPTION + "=out-of-distribution detection: every OOD score side by side (AUROC, FPR95, ROC curves)"})
public class OodExperiment implements Experiment {

    static final String ID = "ood";

    /** The built-in scores in the order of the issue; other registered scores follow by id. */
    static final List<String> BUILT_IN = List.of("trajectory", "knn", "nearest", "field-norm", "path-length",
            "start-to-attractor", "end-to-attractor", "reconstruction", "code-sparsity");

    static final String SCORES_IN = "scores-in.npy";
    static final String SCORES_OOD = "scores-ood.npy";
    static final String JSON = "ood.json";

    /**
     * The registered scores' descriptions by id. Bound here rather than read from the catalog: the
     * catalog binds this experiment, so a reference to it would be a cycle.
     */
    final Map<String, String> registered = new ConcurrentSkipListMap<>();

    @Reference(service = OodScore.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addScore(Map<String, Object> properties) {
        Object id = properties.get(ServiceProperties.ID);
        if (id != null) {
            Object d = properties.get(ServiceProperties.DESCRIPTION);
            registered.put(id.toString(), d == null ? "" : d.toString());
        }
    }

    void removeScore(Map<String, Object> properties) {
        Object id = properties.get(ServiceProperties.ID);
        if (id != null) {
            registered.remove(id.toString());
        }
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                ParameterSpec.text("training", null, "the model's training inputs (required): a .npy file or DATASET:SPLIT[:COUNT | :FROM:TO]"),
                ParameterSpec.text("in", null, "in-distribution inputs, the negatives (required), e.g. mnist:test:1000:2000"),
                ParameterSpec.text("ood", null, "out-of-distribution inputs, the positives (required), e.g. fashion-mnist:test:0:1000"),
                ParameterSpec.integer("steps", 100, 1, 100_000, "T: map steps z_{t+1} = f(z_t) per input"),
                ParameterSpec.integer("knn", 50, 1, Integer.MAX_VALUE, "k of the knn score (every score with a parameter k gets it)"),
                ParameterSpec.integer("attractorSeeds", 2000, 1, Integer.MAX_VALUE,
                        "the first this many training encodings are iterated to reach the training attractors"),
                ParameterSpec.text("scores", "", "comma-separated score ids, in column order; empty: every registered score"),
                ParameterSpec.text("strategy", "picard", "iteration strategy for the training attractors (its default stopping rule)"),
                ParameterSpec.text("clusterer", "cosine", "merge rule for the training attractors (its defaults: cosine 0.99)"),
                ParameterSpec.integer("batch", 256, 1, 65_536, "inputs per batch"));
    }

    /** The score ids a run uses: the given list (duplicates dropped), or every registered score. */
    static List<String> scoreIds(String given, java.util.Collection<String> registeredIds) {
        if (given != null && !given.isBlank()) {
            LinkedHashSet<String> ids = new LinkedHashSet<>();
            for (String s : given.split(",")) {
                if (!s.isBlank()) {
                    ids.add(s.trim());
                }
            }
            return List.copyOf(ids);
        }
        List<String> registered = registeredIds.stream().sorted().toList();
        List<String> out = new ArrayList<>(BUILT_IN.stream().filter(registered::contains).toList());
        registered.stream().filter(id -> !out.contains(id)).forEach(out::add);
        if (out.isEmpty()) {
            throw new LatentLabException("no OOD score is registered (is the bundle latentlab-experiment-ood started?)");
        }
        return out;
    }

    @Override
    public ExperimentResult run(ExperimentContext context) throws Exception {
        Parameters p = context.params();
        String trainingRef = required(p, "training");
        String inRef = required(p, "in");
        String oodRef = required(p, "ood");
        int steps = p.getInt("steps", 100);
        int knn = p.getInt("knn", 50);
        int attractorSeeds = p.getInt("attractorSeeds", 2000);
        int batch = p.getInt("batch", 256);
        LatentModel model = context.model().orElseThrow(() -> new LatentLabException("the ood experiment needs a model"));

        // scores and their parameters, checked before any work
        List<String> ids = scoreIds(p.getString("scores", ""), registered.keySet());
        List<OodScore> scores = new ArrayList<>();
        List<Parameters> scoreParams = new ArrayList<>();
        Map<String, String> descriptions = new LinkedHashMap<>(registered);
        for (String id : ids) {
            OodScore s = context.capability(OodScore.class, id);
            Map<String, String> given = s.parameters().stream().anyMatch(ps -> ps.name().equals("k"))
                    ? Map.of("k", Integer.toString(knn)) : Map.of();
            scores.add(s);
            scoreParams.add(Parameters.resolve("score '" + id + "'", s.parameters(), given));
        }
        String strategyId = p.getString("strategy", "picard");
        String clustererId = p.getString("clusterer", "cosine");
        IterationStrategy strategy = context.capability(IterationStrategy.class, strategyId);
        AttractorClusterer clusterer = context.capability(AttractorClusterer.class, clustererId);
        Parameters strategyParams = Parameters.resolve("strategy '" + strategyId + "'", strategy.parameters(), Map.of());
        Parameters clustererParams = Parameters.resolve("clusterer '" + clustererId + "'", clusterer.parameters(), Map.of());

        context.stage("reading", -1, "reading " + trainingRef + ", " + inRef + ", " + oodRef);
        Tensor training = context.inputs(trainingRef);
        Tensor in = context.inputs(inRef);
        Tensor ood = context.inputs(oodRef);
        if (knn > training.rows() && scoreParams.stream().anyMatch(sp -> sp.values().containsKey("k"))) {
            throw new LatentLabException("knn " + knn + " is more than the " + training.rows() + " training inputs of "
                    + trainingRef + "; use a smaller --knn or more training inputs");
        }
        context.checkCancelled();

        context.stage("encoding", training.rows(), "encoding " + training.rows() + " training inputs");
        Tensor codes = encode(model, training, batch, context);

        int seedsUsed = Math.min(attractorSeeds, codes.rows());
        context.stage("attractors", -1, "iterating " + seedsUsed + " training encodings with " + strategyId);
        LatentMap f = context.latentMap();
        List<Trajectory> trajectories = strategy.iterate(f, codes.slice(0, seedsUsed), strategyParams, context.progress());
        context.checkCancelled();
        Tensor attractors = attractors(trajectories, codes.width(), clusterer, clustererParams);
        int converged = (int) trajectories.stream().filter(Trajectory::converged).count();
        TrainingReference reference = new TrainingReference(codes, attractors, "no training attractor was reached: none of the "
                + seedsUsed + " training encodings converged under " + strategyId + " " + strategyParams.values());

        double[][] inScores = score("in", inRef, in, model, f, steps, batch, reference, ids, scores, scoreParams, context);
        double[][] oodScores = score("ood", oodRef, ood, model, f, steps, batch, reference, ids, scores, scoreParams, context);

        context.stage("writing", -1, "writing " + JSON + ", " + SCORES_IN + ", " + SCORES_OOD);
        List<ScoreSummary> summaries = new ArrayList<>();
        for (int s = 0; s < ids.size(); s++) {
            double[] neg = column(inScores, s);
            double[] pos = column(oodScores, s);
            Roc roc = Roc.of(neg, pos);
            Roc.Curve c = roc.curve();
            summaries.add(new ScoreSummary(ids.get(s), descriptions.getOrDefault(ids.get(s), ""), scoreParams.get(s).values(),
                    roc.auroc(), roc.fpr95(), mean(neg), median(neg), mean(pos), median(pos), c.fpr(), c.tpr()));
        }
        List<String> files = List.of(JSON, SCORES_IN, SCORES_OOD);
        OodReport report = new OodReport(model.spec().name(), trainingRef, inRef, oodRef, training.rows(), in.rows(), ood.rows(),
                steps, knn, attractorSeeds, seedsUsed, converged, attractors.rows(), strategyId, strategyParams.values(),
                clustererId, clustererParams.values(), summaries, files);
        Path out = context.outDir();
        writeScores(out.resolve(SCORES_IN), inScores, ids.size());
        writeScores(out.resolve(SCORES_OOD), oodScores, ids.size());
        OodJson.write(out.resolve(JSON), report);

        ScoreSummary best = report.best();
        Map<String, FieldValue> summary = new LinkedHashMap<>();
        summary.put("best score", FieldValue.of(best.id()));
        summary.put("best AUROC", FieldValue.of(best.auroc()));
        summary.put("best FPR95", FieldValue.of(best.fpr95()));
        summary.put("training attractors", FieldValue.of(attractors.rows()));
        return new ExperimentResult(ID, "OOD scores: " + inRef + " vs " + oodRef, summary, files, report, 0);
    }

    private static String required(Parameters p, String name) {
        String v = p.getString(name, null);
        if (v == null || v.isBlank()) {
            throw new LatentLabException("experiment 'ood' needs the parameter '" + name + "' (inputs: a .npy file or DATASET:SPLIT[:COUNT | :FROM:TO])");
        }
        return v.trim();
    }

    /** E(x) in batches, checked for NaN / infinity. */
    static Tensor encode(LatentModel model, Tensor x, int batch, ExperimentContext context) {
        int n = x.rows();
        float[] out = null;
        int k = 0;
        for (int from = 0; from < n; from += batch) {
            context.checkCancelled();
            int to = Math.min(n, from + batch);
            Tensor z = model.encode(x.slice(from, to));
            if (out == null) {
                k = z.width();
                out = Tensor.allocate("training encodings", n, k);
            }
            System.arraycopy(z.data(), 0, out, from * k, (to - from) * k);
            context.progress().advance(to - from);
        }
        Tensor codes = Tensor.matrix(n, k, out);
        int bad = codes.firstNonFinite();
        if (bad >= 0) {
            throw new LatentLabException("the encoder returned a non-finite value for training input " + bad / k);
        }
        return codes;
    }

    /** Converged end points merged by the clusterer: its centers are the training attractors. */
    static Tensor attractors(List<Trajectory> trajectories, int k, AttractorClusterer clusterer, Parameters params) {
        List<float[]> ends = trajectories.stream().filter(Trajectory::converged).map(Trajectory::endpoint).toList();
        if (ends.isEmpty()) {
            return Tensor.matrix(0, k, new float[0]);
        }
        Clustering c = clusterer.cluster(Tensor.ofRows(ends.toArray(float[][]::new)), params);
        return c.centers();
    }

    /** Every score for every input of one set: [n][scores]. */
    static double[][] score(String set, String ref, Tensor x, LatentModel model, LatentMap f, int steps, int batch,
            TrainingReference reference, List<String> ids, List<OodScore> scores, List<Parameters> params,
            ExperimentContext context) {
        int n = x.rows();
        double[][] out = new double[n][ids.size()];
        context.stage("scoring " + set, n, "scoring " + n + " inputs of " + ref);
        for (int from = 0; from < n; from += batch) {
            context.checkCancelled();
            int to = Math.min(n, from + batch);
            Tensor xb = x.slice(from, to);
            List<Tensor> path = new ArrayList<>(steps + 1);
            Tensor z = model.encode(xb);
            int bad = z.firstNonFinite();
            if (bad >= 0) {
                throw new LatentLabException("the encoder returned a non-finite value for row " + (from + bad / z.width()) + " of the "
                        + set + " inputs (" + ref + ")");
            }
            path.add(z);
            for (int t = 0; t < steps; t++) {
                z = f.apply(z);
                path.add(z);
            }
            Tensor recon = model.decode(path.get(0));
            Batch b = new Batch(xb, path, recon, reference);
            for (int s = 0; s < ids.size(); s++) {
                double[] v;
                try {
                    v = scores.get(s).score(b, params.get(s));
                } catch (LatentLabException e) {
                    throw new LatentLabException("score '" + ids.get(s) + "' failed on " + set + " inputs " + from + ".." + (to - 1)
                            + " of " + ref + ": " + e.getMessage());
                } catch (RuntimeException e) {
                    throw new LatentLabException("score '" + ids.get(s) + "' failed on " + set + " inputs " + from + ".." + (to - 1)
                            + " of " + ref + ": " + e);
                }
                if (v == null || v.length != to - from) {
                    throw new LatentLabException("score '" + ids.get(s) + "' returned " + (v == null ? "nothing" : v.length + " values")
                            + " for a batch of " + (to - from) + " " + set + " inputs");
                }
                for (int i = 0; i < v.length; i++) {
                    if (!Double.isFinite(v[i])) {
                        throw new LatentLabException(String.format(Locale.ROOT, "score '%s' is %s for row %d of the %s inputs (%s)",
                                ids.get(s), Double.isNaN(v[i]) ? "NaN" : "infinite", from + i, set, ref));
                    }
                    out[from + i][s] = v[i];
                }
            }
            context.progress().advance(to - from);
        }
        return out;
    }

    static double[] column(double[][] m, int c) {
        double[] out = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i][c];
        }
        return out;
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** The middle value; for an even count the mean of the two middle values (as numpy.median). */
    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** float32 [n, scores], rows in input order, columns in score order. */
    static void writeScores(Path file, double[][] m, int width) throws IOException {
        float[] data = new float[m.length * width];
        for (int i = 0; i < m.length; i++) {
            for (int s = 0; s < width; s++) {
                data[i * width + s] = (float) m[i][s];
            }
        }
        Npy.writeFloats(file, new int[] {m.length, width}, data);
    }
}
