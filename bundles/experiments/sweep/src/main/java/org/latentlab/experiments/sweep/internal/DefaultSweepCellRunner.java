package org.latentlab.experiments.sweep.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.data.DataSet;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.engine.AnalysisEngine;
import org.latentlab.api.engine.AnalysisRequest;
import org.latentlab.api.engine.AnalysisResult;
import org.latentlab.api.engine.Job;
import org.latentlab.api.engine.SeedSpec;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelLoader;
import org.latentlab.api.sweep.CellAnalysis;
import org.latentlab.api.sweep.CellMeasures;
import org.latentlab.api.sweep.CellResult;
import org.latentlab.api.sweep.SeedSetMeasures;
import org.latentlab.api.sweep.SweepCell;
import org.latentlab.api.sweep.SweepCellRunner;
import org.latentlab.api.training.AutoencoderTraining;
import org.latentlab.io.IoErrors;
import org.latentlab.io.OutputFolder;
import org.latentlab.npy.Npy;
import org.latentlab.numerics.Pca;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Trains a cell's model (with its checkpoints) through the {@link AutoencoderTraining} service and measures each
 * model: losses, contraction and memorization here ({@link CellMeasurer}), attractors from train, test and noise
 * seeds through the {@link AnalysisEngine}. The cell folder is staged and renamed into place at the end.
 *
 * <pre>
 * cell.json                       the CellResult (written last)
 * model/                          the final model folder
 * checkpoints/step-N/             the model after N steps
 * analyses/step-N/{train,test,noise}/  result.json, attractors.npy, ... of each analysis (N = final step too)
 * gallery.json, gallery-*.npy     decoded attractors from noise and their nearest training examples
 * </pre>
 */
@Component
public class DefaultSweepCellRunner implements SweepCellRunner {

    static final String CELL_KIND = "sweep-cell";
    static final double MEMORIZED = 0.95;

    @Reference
    AutoencoderTraining training;
    @Reference
    AnalysisEngine engine;
    @Reference
    ModelLoader loader;
    /** Data sets by id, bound directly (not through the catalog, which binds the sweep experiment: no cycle). */
    private final Map<String, DataSet> dataSets = new java.util.concurrent.ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addDataSet(DataSet ds, Map<String, Object> props) {
        Object id = props.get(ServiceProperties.ID);
        if (id != null) {
            dataSets.put(id.toString(), ds);
        }
    }

    void removeDataSet(DataSet ds, Map<String, Object> props) {
        dataSets.values().remove(ds);
    }

    private DataSet dataSet(String id) {
        DataSet ds = dataSets.get(id);
        if (ds == null) {
            throw new LatentLabException("no data set '" + id + "' is registered; registered: " + new java.util.TreeSet<>(dataSets.keySet()));
        }
        return ds;
    }

    private final DataCache data = new DataCache();

    @Override
    public Optional<CellResult> read(Path cellDir) {
        return CellFiles.read(cellDir);
    }

    @Override
    public CellResult run(SweepCell cell, Path cellDir, Progress progress) {
        long t0 = System.currentTimeMillis();
        String host = host();
        try (OutputFolder out = OutputFolder.open(cellDir, CELL_KIND)) {
            Path dir = out.staging();
            CellResult result;
            try {
                result = new CellResult(cell, CellResult.Status.DONE, null, measure(cell, dir, progress),
                        System.currentTimeMillis() - t0, host);
            } catch (CancellationException e) {
                throw e;
            } catch (Exception | OutOfMemoryError | StackOverflowError e) {
                if (progress.cancelled()) {
                    throw new CancellationException("cancelled");
                }
                result = CellResult.failed(cell, describe(e), System.currentTimeMillis() - t0, host);
            }
            try {
                CellFiles.write(dir, result);
            } catch (IOException e) {
                throw new LatentLabException("cannot write " + CELL_FILE + " of cell " + cell.id() + ": " + IoErrors.describe(e), e);
            }
            out.publish();
            return result;
        }
    }

    private List<CellMeasures> measure(SweepCell cell, Path dir, Progress progress) throws Exception {
        CellAnalysis an = cell.analysis();
        int trainSize = cell.training().trainSize();
        Tensor train = data.load(dataSet(cell.dataset()), "train", trainSize);
        Tensor test = an.testSeeds() > 0 ? data.load(dataSet(cell.dataset()), "test", an.testSeeds())
                : null;
        List<Path> models = new ArrayList<>();
        List<Integer> steps = new ArrayList<>();
        AutoencoderTraining.Checkpoints cps = new AutoencoderTraining.Checkpoints(cell.checkpoints(),
                s -> dir.resolve("checkpoints").resolve("step-" + s), c -> {
                    models.add(c.modelFolder());
                    steps.add(c.step());
                });
        long[] done = {0};
        training.train(train, cell.training(), "sweep-" + cell.id(), dir.resolve("model"), p -> {
            if (progress.cancelled()) {
                throw new CancellationException("cancelled");
            }
            progress.advance(1);
            done[0]++;
        }, cps);
        models.add(dir.resolve("model"));
        steps.add((int) cell.training().totalSteps());
        double baseline = test == null ? Double.NaN : CellMeasurer.mean(CellMeasurer.maxCosine(test, train));
        List<CellMeasures> rows = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            boolean last = i == models.size() - 1;
            rows.add(measureModel(cell, models.get(i), steps.get(i), last, dir, train, test, baseline, progress));
        }
        return rows;
    }

    private CellMeasures measureModel(SweepCell cell, Path model, int step, boolean isFinal, Path dir, Tensor train,
            Tensor test, double baseline, Progress progress) throws Exception {
        CellAnalysis an = cell.analysis();
        Path analyses = dir.resolve("analyses").resolve("step-" + step);
        Files.createDirectories(analyses);
        try (LatentModel m = loader.load(model)) {
            double trainLoss = CellMeasurer.reconstructionLoss(m, train);
            double testLoss = test == null ? Double.NaN : CellMeasurer.reconstructionLoss(m, test);
            int encoded = Math.min(train.rows(), Math.max(an.trainSeeds(), an.jacobianPoints()));
            Tensor trainCodes = CellMeasurer.encode(m, train.slice(0, encoded));
            double[] norms = an.jacobianPoints() == 0 ? new double[0]
                    : CellMeasurer.spectralNorms(m, trainCodes.slice(0, Math.min(encoded, an.jacobianPoints())));
            List<SeedSetMeasures> sets = new ArrayList<>();
            Map<String, SeedSpec> seeds = new LinkedHashMap<>();
            if (an.trainSeeds() > 0) {
                seeds.put("train", latents(analyses.resolve("seeds-train.npy"), trainCodes.slice(0, Math.min(encoded, an.trainSeeds()))));
            }
            if (test != null) {
                seeds.put("test", latents(analyses.resolve("seeds-test.npy"), CellMeasurer.encode(m, test)));
            }
            if (an.noiseSeeds() > 0) {
                seeds.put("noise", SeedSpec.source("gaussian", Map.of("count", Integer.toString(an.noiseSeeds()), "sigma",
                        Double.toString(an.noiseSigma()), "seed", Long.toString(an.noiseSeed()))));
            }
            for (Map.Entry<String, SeedSpec> e : seeds.entrySet()) {
                AnalysisResult r = analyse(model, e.getValue(), analyses.resolve(e.getKey()), an, progress);
                sets.add(seedSet(e.getKey(), r, m, train, isFinal && e.getKey().equals("noise") ? dir : null, an.gallery()));
            }
            return new CellMeasures(step, isFinal, trainLoss, testLoss, baseline, CellMeasurer.mean(norms),
                    CellMeasurer.median(norms), CellMeasurer.max(norms), sets);
        }
    }

    private static SeedSpec latents(Path file, Tensor codes) throws IOException {
        Npy.writeFloats(file, new int[] {codes.rows(), codes.width()}, codes.data());
        return SeedSpec.latents(file);
    }

    private AnalysisResult analyse(Path model, SeedSpec seeds, Path out, CellAnalysis an, Progress progress) throws Exception {
        AnalysisRequest request = AnalysisRequest.builder().model(model).seeds(seeds).strategy(an.strategy(), an.strategyParams())
                .clusterer(an.clusterer(), an.clustererParams()).exporters(Map.of("json", Map.of(), "npy", Map.of())).out(out)
                .build();
        Job<AnalysisResult> job = engine.submit(request);
        while (true) { // the engine tells completion; cancellation is ours to pass on
            try {
                return job.completion().toCompletableFuture().get(250, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (progress.cancelled()) {
                    job.cancel();
                    throw new CancellationException("cancelled");
                }
            } catch (ExecutionException e) {
                Throwable c = e.getCause() == null ? e : e.getCause();
                throw new LatentLabException("analysis of " + out.getParent().getFileName() + "/" + out.getFileName() + " failed: "
                        + (c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage()), c);
            }
        }
    }

    private static SeedSetMeasures seedSet(String name, AnalysisResult r, LatentModel m, Tensor train, Path galleryDir,
            int gallerySize) throws IOException {
        List<Attractor> atts = r.attractors();
        int converged = r.attractors().stream().mapToInt(Attractor::basinSize).sum(); // seeds with an attractor
        int n = atts.size();
        double[] mem = new double[n];
        double[] rho = atts.stream().mapToDouble(Attractor::spectralNorm).toArray();
        double[] radius = atts.stream().mapToDouble(Attractor::spectralRadius).toArray();
        int rank = 0;
        double memorizedShare = Double.NaN;
        if (n > 0) {
            int k = atts.get(0).latentDim();
            float[] z = new float[n * k];
            for (int i = 0; i < n; i++) {
                System.arraycopy(atts.get(i).latent(), 0, z, i * k, k);
            }
            Tensor decoded = m.decode(Tensor.matrix(n, k, z));
            Tensor flat = Tensor.matrix(n, decoded.width(), decoded.data());
            CellMeasurer.Nearest nearest = CellMeasurer.nearestByCosine(flat, Tensor.matrix(train.rows(), train.width(), train.data()));
            mem = nearest.cosine();
            rank = n < 2 ? 0 : Pca.rankForVariance(flat.data(), n, flat.width(), 0.9, true);
            long memorizedSeeds = 0;
            for (int i = 0; i < n; i++) {
                memorizedSeeds += mem[i] > MEMORIZED ? atts.get(i).basinSize() : 0;
            }
            memorizedShare = converged == 0 ? Double.NaN : (double) memorizedSeeds / converged;
            if (galleryDir != null && gallerySize > 0) {
                gallery(galleryDir, atts, decoded, train, nearest, (int) r.seedCount(), gallerySize);
            }
        }
        return new SeedSetMeasures(name, (int) r.seedCount(), converged, n, CellMeasurer.mean(mem), CellMeasurer.median(mem),
                memorizedShare, CellMeasurer.mean(rho), CellMeasurer.median(rho), CellMeasurer.mean(radius), rank);
    }

    private static void gallery(Path dir, List<Attractor> atts, Tensor decoded, Tensor train, CellMeasurer.Nearest nearest,
            int seeds, int size) throws IOException {
        Integer[] order = new Integer[atts.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> -atts.get(i).basinSize()).thenComparingInt(i -> i));
        int g = Math.min(size, order.length);
        int w = decoded.width();
        float[] a = new float[g * w];
        float[] near = new float[g * w];
        int[] ids = new int[g];
        double[] mem = new double[g];
        double[] share = new double[g];
        for (int j = 0; j < g; j++) {
            int i = order[j];
            ids[j] = atts.get(i).id();
            System.arraycopy(decoded.data(), i * w, a, j * w, w);
            System.arraycopy(train.data(), nearest.index()[i] * w, near, j * w, w);
            mem[j] = nearest.cosine()[i];
            share[j] = (double) atts.get(i).basinSize() / seeds;
        }
        CellFiles.writeGallery(dir, new CellFiles.GalleryInfo(ids, mem, share), decoded.rowShape(), a, near);
    }

    static String describe(Throwable e) {
        if (e instanceof OutOfMemoryError) {
            return "out of memory: use fewer seeds, a smaller model or give Java more heap (LATENTLAB_JAVA_OPTS=-Xmx...)";
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        return SweepSpec.specWords(e instanceof LatentLabException ? m : e.getClass().getSimpleName() + ": " + m); // spec keys, not train options
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
