package org.latentlab.experiments.dictionary.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.experiment.Experiment;
import org.latentlab.api.experiment.ExperimentContext;
import org.latentlab.api.experiment.ExperimentResult;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.result.FieldValue;
import org.latentlab.npy.Npy;
import org.latentlab.numerics.OrthogonalMatchingPursuit;
import org.osgi.service.component.annotations.Component;

/**
 * {@code dictionary}: the attractors reached from latent noise as a dictionary for sparse coding. Each
 * test code y = E(x) is approximated with s directions by five methods (see {@link Method}); per
 * method and s, the mean squared error in latent space and after decoding. Writes dictionary.json and
 * atoms.npy; {@link DictionarySection} draws the report.
 */
@Component(property = {ServiceProperties.ID + "=" + DictionaryExperiment.ID,
        ServiceProperties.DESCRIPTION + "=attractors reached from noise as a sparse-coding dictionary, against a random "
                + "orthonormal basis, PCA, a random dictionary and k-means centroids at equal sparsity"})
public class DictionaryExperiment implements Experiment {

    static final String ID = "dictionary";
    static final int BATCH = 1024;
    static final int KMEANS_ITERATIONS = 100;

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.integer("noise", 2000, 1, 10_000_000, "number of Gaussian latent seeds the atoms are found from"),
                ParameterSpec.real("sigma", 1, 0, 1e6, "standard deviation of the noise seeds"),
                ParameterSpec.integer("seed", 0, Long.MIN_VALUE / 2, Long.MAX_VALUE / 2,
                        "random seed of the noise; the random basis, random dictionary and k-means use seed+1, +2, +3"),
                ParameterSpec.text("inputs", null, "test inputs (required): a .npy file or DATASET:SPLIT[:COUNT | :FROM:TO]"),
                ParameterSpec.text("training", null, "training inputs for the PCA and k-means baselines (optional: without them "
                        + "those two are skipped)"),
                ParameterSpec.text("sparsity", Sparsities.DEFAULT, "sparsity levels s, comma-separated"),
                ParameterSpec.text("strategy", "picard", "iteration strategy that finds the attractors"),
                ParameterSpec.text("clusterer", "cosine", "clusterer that merges end points into distinct attractors"));
    }

    @Override
    public ExperimentResult run(ExperimentContext ctx) throws IOException {
        Parameters p = ctx.params();
        List<Integer> sparsities = Sparsities.parse(p.getString("sparsity", Sparsities.DEFAULT));
        String inputsRef = p.getString("inputs", null);
        if (inputsRef == null || inputsRef.isBlank()) {
            throw new LatentLabException("dictionary needs test inputs: set parameter 'inputs' (--inputs), e.g. mnist:test:1000");
        }
        Optional<String> trainingRef = Optional.ofNullable(p.getString("training", null)).filter(t -> !t.isBlank());
        LatentModel model = ctx.model().orElseThrow(() -> new LatentLabException("dictionary needs a model"));
        int k = model.spec().latentDim();
        long seed = p.getLong("seed", 0);
        int noise = p.getInt("noise", 2000);
        String strategyId = p.getString("strategy", "picard");
        String clustererId = p.getString("clusterer", "cosine");
        IterationStrategy strategy = ctx.capability(IterationStrategy.class, strategyId);
        AttractorClusterer clusterer = ctx.capability(AttractorClusterer.class, clustererId);
        Parameters strategyParams = Parameters.resolve("strategy '" + strategyId + "'", strategy.parameters(), Map.of());
        Parameters clustererParams = Parameters.resolve("clusterer '" + clustererId + "'", clusterer.parameters(), Map.of());

        ctx.stage("inputs", -1, "reading " + inputsRef + trainingRef.map(t -> " and " + t).orElse(""));
        Tensor x = ctx.inputs(inputsRef);
        Optional<Tensor> train = trainingRef.map(ctx::inputs);
        ctx.checkCancelled();

        ctx.stage("iterating", -1, noise + " noise seeds with '" + strategyId + "'");
        AttractorAtoms found = AttractorAtoms.find(ctx.latentMap(), AttractorAtoms.noise(noise, k, p.getDouble("sigma", 1), seed),
                strategy, strategyParams, clusterer, clustererParams, ctx.progress(), () -> {
                    ctx.checkCancelled();
                    ctx.stage("clustering", -1, "merging end points with '" + clustererId + "'");
                });
        int[] keep = found.withDirection();
        if (keep.length == 0) {
            throw new LatentLabException(found.converged() == 0
                    ? "none of the " + noise + " noise seeds converged, so there are no attractor atoms; try another strategy or more steps"
                    : "the only attractor reached from noise is the origin, which has no direction to be an atom");
        }
        int m = keep.length;
        float[] attractors = new float[m * k];
        for (int i = 0; i < m; i++) {
            System.arraycopy(found.latents(), keep[i] * k, attractors, i * k, k);
        }
        float[] atoms = OrthogonalMatchingPursuit.normalizeRows(attractors, m, k);
        ctx.checkCancelled();

        ctx.stage("encoding", x.rows() + train.map(Tensor::rows).orElse(0), "encoding the test and training inputs");
        float[] codes = encode(model, x, ctx);
        Optional<float[]> trainCodes = train.map(t -> encode(model, t, ctx));
        int n = x.rows();
        int d = x.width();
        DictionaryComparison.Decoder decoder = (z, rows) -> decode(model, z, rows, k, ctx);
        double reconstruction = DictionaryComparison.mse(decoder.decode(codes, n), x.data());

        ctx.stage("pursuit", (long) Method.values().length * sparsities.size(), "approximating " + n + " codes");
        DictionaryComparison.Setup setup = new DictionaryComparison.Setup(atoms, m, k, codes, n, x.data(), d, trainCodes,
                train.map(Tensor::rows).orElse(0), sparsities, seed + 1, seed + 2, seed + 3, KMEANS_ITERATIONS);
        List<DictionaryResult.Curve> curves = DictionaryComparison.run(setup, decoder, (method, s) -> {
            ctx.checkCancelled();
            ctx.progress().advance(1);
        });

        Tensor decodedAtoms = model.decode(Tensor.matrix(m, k, attractors));
        List<FieldValue.Image> pictures = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            pictures.add(new FieldValue.Image(decodedAtoms.rowShape(), decodedAtoms.row(i)));
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("noise", noise);
        settings.put("sigma", p.getDouble("sigma", 1));
        settings.put("seed", seed);
        settings.put("inputs", inputsRef);
        settings.put("training", trainingRef.orElse(null));
        settings.put("strategy", strategyId);
        settings.put("strategyParameters", strategyParams.values());
        settings.put("clusterer", clustererId);
        settings.put("clustererParameters", clustererParams.values());
        settings.put("convergedSeeds", found.converged());
        settings.put("attractorsReached", found.count());
        settings.put("zeroAttractorsLeftOut", found.count() - m);
        settings.put("basisSeed", seed + 1);
        settings.put("dictionarySeed", seed + 2);
        settings.put("kmeansSeed", seed + 3);
        settings.put("kmeansIterations", KMEANS_ITERATIONS);
        settings.put("trainingInputs", train.map(Tensor::rows).orElse(0));
        DictionaryResult result = new DictionaryResult(settings, m, k, n, sparsities, reconstruction, curves, pictures);

        ctx.stage("writing", -1, "dictionary.json, atoms.npy");
        Npy.writeFloats(ctx.outDir().resolve("atoms.npy"), new int[] {m, k}, atoms);
        DictionaryJson.write(result, ctx.outDir().resolve("dictionary.json"));

        Map<String, FieldValue> summary = new LinkedHashMap<>();
        summary.put("atoms", FieldValue.of(m));
        summary.put("inputs", FieldValue.of(n));
        summary.put("sparsity", new FieldValue.Ints(sparsities.stream().mapToInt(Integer::intValue).toArray()));
        for (DictionaryResult.Curve c : curves) {
            if (c.skipped().isEmpty()) {
                summary.put("latentMse." + c.method().id, new FieldValue.Reals(c.latentMse()));
            }
        }
        String title = String.format(Locale.ROOT, "Attractor dictionary: %d atoms from %d noise seeds, %d test inputs", m, noise, n);
        return new ExperimentResult(ID, title, summary, List.of("dictionary.json", "atoms.npy"), result, 0);
    }

    private static float[] encode(LatentModel model, Tensor inputs, ExperimentContext ctx) {
        int n = inputs.rows();
        int k = model.spec().latentDim();
        float[] out = Tensor.allocate("codes", n, k);
        for (int from = 0; from < n; from += BATCH) {
            ctx.checkCancelled();
            int to = Math.min(n, from + BATCH);
            System.arraycopy(model.encode(inputs.slice(from, to)).data(), 0, out, from * k, (to - from) * k);
            ctx.progress().advance(to - from);
        }
        return out;
    }

    private static float[] decode(LatentModel model, float[] z, int n, int k, ExperimentContext ctx) {
        float[] out = null;
        int d = 0;
        for (int from = 0; from < n; from += BATCH) {
            ctx.checkCancelled();
            int to = Math.min(n, from + BATCH);
            float[] part = java.util.Arrays.copyOfRange(z, from * k, to * k);
            Tensor dec = model.decode(Tensor.matrix(to - from, k, part));
            if (out == null) {
                d = dec.width();
                out = Tensor.allocate("decodings", n, d);
            }
            System.arraycopy(dec.data(), 0, out, from * d, (to - from) * d);
        }
        return out == null ? new float[0] : out;
    }
}
