package org.latentlab.engine.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.Attractor;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.dynamics.StreamingIteration;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.api.metric.Metric;
import org.latentlab.api.metric.MetricContext;
import org.latentlab.api.metric.MetricResult;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.result.SeedRecords;
import org.latentlab.api.result.SeedSummary;

/**
 * The analysis itself, independent of OSGi and of where the map comes from: iterate the seeds (in
 * chunks, or streamed through one batch when the strategy is a {@link StreamingIteration}), merge
 * converged end points into clusters, polish each cluster to its fixed point (merging
 * clusters that polish to the same point), measure each attractor's stability, run the metrics. Attractor ids are ordered by basin size, largest first (ties: first reached first).
 */
final class Analysis {

    /** A chosen capability with its parameters in force. */
    record Choice<T>(String id, T service, Parameters params) {}

    /**
     * What an analysis runs on. Runs of at most {@code inMemory} seeds keep every trajectory in memory; larger ones
     * run in parts of about {@code inMemory} seeds (whole chunks), stream per-seed results into {@code work} and
     * cluster each part's end points alone, merging the parts at the end, so memory does not grow with the seeds.
     */
    record Inputs(LatentMap map, SeedInput seeds, Choice<IterationStrategy> strategy, Choice<AttractorClusterer> clusterer,
            List<Choice<Metric>> metrics, Optional<LatentModel> model, Optional<Tensor> trainingInputs, int chunkSize,
            Spectra.Settings spectra, int inMemory, java.nio.file.Path work) {

        /** Seeds in memory, every trajectory kept. */
        Inputs(LatentMap map, Tensor seeds, Choice<IterationStrategy> strategy, Choice<AttractorClusterer> clusterer,
                List<Choice<Metric>> metrics, Optional<LatentModel> model, Optional<Tensor> trainingInputs, int chunkSize,
                double jacobianStep) {
            this(map, seeds, strategy, clusterer, metrics, model, trainingInputs, chunkSize, Spectra.Settings.defaults(jacobianStep));
        }

        /** Seeds in memory, every trajectory kept, with these spectrum settings. */
        Inputs(LatentMap map, Tensor seeds, Choice<IterationStrategy> strategy, Choice<AttractorClusterer> clusterer,
                List<Choice<Metric>> metrics, Optional<LatentModel> model, Optional<Tensor> trainingInputs, int chunkSize,
                Spectra.Settings spectra) {
            this(map, SeedInput.of(seeds), strategy, clusterer, metrics, model, trainingInputs, chunkSize, spectra,
                    Integer.MAX_VALUE, null);
        }
    }

    /**
     * What it found. {@code trajectories}, {@code labels} and {@code seeds} hold every seed for runs kept in
     * memory, none otherwise; {@code perSeed} reads them in blocks either way.
     */
    record Outcome(List<Attractor> attractors, List<Trajectory> trajectories, int[] labels,
            Map<String, MetricResult> metrics, Tensor seeds, SeedSummary summary, SeedRecords perSeed) {}

    /** Receives stage changes and progress; may cancel. */
    interface Listener {
        void stage(String stage, long total, String message);

        void advance(long units);

        boolean cancelled();

        /** Called between stages and chunks: throws to stop the run (e.g. a service it uses was removed). */
        default void checkpoint() {}
    }

    private Analysis() {}

    static Outcome run(Inputs in, Listener listener) {
        return run(in, null, listener);
    }

    /**
     * Runs the analysis with the seeds iterated by {@code remote}'s executor (null: here): the same segments, clustering,
     * polishing, spectra and metrics as a local run, only the trajectories come from the executor's parts.
     */
    static Outcome run(Inputs in, RemoteParts.Settings remote, Listener listener) {
        SeedInput seeds = in.seeds();
        int n = seeds.count();
        int k = seeds.width();
        boolean inMemory = n <= in.inMemory();
        int segment = inMemory ? Math.max(1, n) : segmentSize(n, in.inMemory(), in.chunkSize());
        int segments = (n + segment - 1) / segment;
        // Between chunks the engine checks that the services in use are still there; a streamed run has no chunks,
        // so the check also runs whenever the strategy asks about cancellation after another chunkSize seed-steps.
        Progress progress = new Progress() {
            long sinceCheck;

            public void advance(long units) {
                sinceCheck += units;
                listener.advance(units);
            }

            public boolean cancelled() {
                if (sinceCheck >= in.chunkSize()) {
                    sinceCheck = 0;
                    listener.checkpoint();
                }
                return listener.cancelled();
            }
        };
        SeedStore store = inMemory ? SeedStore.inMemory(k) : SeedStore.onDisk(in.work(), k);
        RemoteParts parts = null;
        try {
            if (remote != null) {
                parts = RemoteParts.start(remote, seeds, in.chunkSize(), listener);
            }
            return run(in, parts, listener, progress, store, n, k, segment, segments);
        } finally {
            if (parts != null) {
                parts.close();
            }
            store.closeQuietly();
        }
    }

    /** Seeds per part above the in-memory limit: about {@code limit}, whole chunks, parts of equal size. */
    static int segmentSize(int n, int limit, int chunkSize) {
        int parts = (int) ((n + (long) limit - 1) / limit);
        long per = (n + (long) parts - 1) / parts;
        long chunks = Math.max(1, (per + chunkSize - 1) / chunkSize);
        return (int) Math.min(n, chunks * chunkSize);
    }

    private static Outcome run(Inputs in, RemoteParts remote, Listener listener, Progress progress, SeedStore store, int n, int k,
            int segment, int segments) {
        PartClusters parts = new PartClusters(in.clusterer(), k);
        for (long at = 0; at < n; at += segment) { // long: n near Integer.MAX_VALUE must not wrap
            int from = (int) at;
            int to = (int) Math.min(n, at + segment);
            checkCancelled(listener);
            Tensor part;
            List<Trajectory> trajectories;
            if (remote == null) {
                part = in.seeds().next(to - from);
                trajectories = iterate(in, part, from, n, segments, listener, progress);
            } else { // the executor's results for these seeds, read back in seed order as its parts finish
                part = remote.seeds(from, to);
                trajectories = remote.trajectories(from, to);
            }
            checkCancelled(listener);
            listener.stage("clustering", -1, (segments == 1 ? "" : "part " + (from / segment + 1) + "/" + segments + ": ")
                    + "merging end points with '" + in.clusterer().id() + "'");
            store.add(part, trajectories, parts.add(trajectories));
        }
        checkCancelled(listener);
        if (segments > 1 && parts.merges()) {
            listener.stage("clustering", -1, "merging the clusters of " + segments + " parts");
        }
        PartClusters.Merged clustering = parts.finish();
        if (clustering.undecided() > 0) {
            System.getLogger(Analysis.class.getName()).log(System.Logger.Level.WARNING, "clusterer '" + in.clusterer().id()
                    + "': merging " + clustering.parts() + " parts left " + clustering.undecided() + " comparisons undecided "
                    + "(end points near the rule's border): the attractors may differ from clustering all end points at once");
        }
        // Polish each cluster's mean to its fixed point, then merge clusters that polish to the same point
        // (a slow attractor's end points can spread over more than one cluster).
        int m = clustering.centers().rows();
        checkCancelled(listener);
        listener.stage("polishing", -1, "refining " + m + " fixed points");
        float[] polished = polish(in.map(), clustering.centers().data(), m, k);
        int[] rep = new int[m];
        for (int c = 0; c < m; c++) {
            rep[c] = c;
            for (int b = 0; b < c; b++) {
                if (rep[b] == b && samePoint(polished, b, c, k)) {
                    rep[c] = b;
                    break;
                }
            }
        }
        // Order attractors by basin size (largest first), then by first appearance.
        int[] size = new int[m];
        long[] first = new long[m];
        java.util.Arrays.fill(first, Long.MAX_VALUE);
        for (int c = 0; c < m; c++) {
            size[rep[c]] += clustering.size()[c];
            first[rep[c]] = Math.min(first[rep[c]], clustering.first()[c]);
        }
        List<Integer> order = new ArrayList<>();
        for (int c = 0; c < m; c++) {
            if (size[c] > 0) {
                order.add(c);
            }
        }
        order.sort(Comparator.<Integer>comparingInt(c -> -size[c]).thenComparingLong(c -> first[c]));
        int[] newId = new int[m];
        for (int i = 0; i < order.size(); i++) {
            newId[order.get(i)] = i;
        }
        int[] clusterOf = clustering.clusterOf();
        java.util.function.IntUnaryOperator finalOf = id -> clusterOf[id] < 0 ? -1 : newId[rep[clusterOf[id]]];
        float[] centers = new float[order.size() * k];
        for (int i = 0; i < order.size(); i++) {
            System.arraycopy(polished, order.get(i) * k, centers, i * k, k);
        }
        checkCancelled(listener);

        listener.stage("stability", order.size(), "Jacobian spectra of " + order.size() + " attractors");
        Tensor fixedPoints = Tensor.matrix(order.size(), k, centers);
        Spectra.Spectrum[] spectra = Spectra.of(in.map(), in.model(), fixedPoints, in.spectra(),
                () -> checkCancelled(listener), listener::advance);
        double residualTol = Math.sqrt(in.strategy().params().getDouble("tolerance", 1e-6));
        double[] stepSum = new double[order.size()];
        double[] predictedSum = new double[order.size()];
        // the final pass over every seed: attractor ids from running cluster ids, observed and predicted steps
        store.finish(finalOf, (seedRows, i, a, steps) -> {
            if (a >= 0) {
                stepSum[a] += steps;
                double e0 = 0;
                for (int j = 0; j < k; j++) {
                    double d = seedRows[i * k + j] - centers[a * k + j];
                    e0 += d * d;
                }
                double rho = spectra[a].spectralRadius();
                // the rule stops on the residual |f(z) - z| ~ (1 - rho)|e|, so the error bound is tol / (1 - rho)
                predictedSum[a] += StabilityAnalysis.predictedSteps(Math.sqrt(e0), residualTol / Math.max(1e-12, 1 - rho), rho);
            }
        });
        List<Attractor> attractors = new ArrayList<>();
        for (int a = 0; a < order.size(); a++) {
            int basin = size[order.get(a)];
            Spectra.Spectrum s = spectra[a];
            attractors.add(new Attractor(a, java.util.Arrays.copyOfRange(centers, a * k, a * k + k), basin,
                    s.spectralRadius(), s.spectralNorm(), s.stable(), s.kind(), stepSum[a] / basin, predictedSum[a] / basin,
                    s.real(), s.imag(), s.method(), matrixFreeFields(s)));
        }

        Map<String, MetricResult> results = new LinkedHashMap<>();
        if (!in.metrics().isEmpty()) {
            // later metrics see the fields earlier ones added: the context reads this list, updated in place
            MetricContext ctx = context(in, store, java.util.Collections.unmodifiableList(attractors));
            for (Choice<Metric> metric : in.metrics()) {
                checkCancelled(listener);
                listener.stage("metrics", -1, "metric '" + metric.id() + "'");
                MetricResult r = metric.service().compute(ctx, metric.params());
                if (r == null) {
                    r = MetricResult.ofSummary(Map.of());
                }
                results.put(metric.id(), r);
                r.perAttractor().forEach((id, values) -> {
                    if (id >= 0 && id < attractors.size()) {
                        attractors.set(id, attractors.get(id).withFields(values));
                    }
                });
            }
        }
        return new Outcome(List.copyOf(attractors), store.trajectories(), store.labels(), results, store.seeds(), store.summary(),
                store.records());
    }

    /** One part's seeds iterated (chunk by chunk, or streamed), numbered from {@code from} in the run. */
    private static List<Trajectory> iterate(Inputs in, Tensor seeds, int from, int n, int segments, Listener listener,
            Progress progress) {
        return iterate(in.map(), in.strategy(), in.chunkSize(), seeds, from, n, segments, listener, progress);
    }

    /**
     * Seeds iterated as the engine does (chunk by chunk from the first seed given, or streamed through one batch), numbered
     * from {@code from} in a run of {@code n} seeds: also what a {@link org.latentlab.api.engine.SeedPartExecutor} runs on a
     * part, so a part that starts at a whole chunk is iterated in the same batches as in a local run.
     */
    static List<Trajectory> iterate(LatentMap map, Choice<IterationStrategy> strategy, int chunkSize, Tensor seeds, int from,
            int n, int segments, Listener listener, Progress progress) {
        Inputs in = new Inputs(map, seeds, strategy, null, List.of(), Optional.empty(), Optional.empty(), chunkSize, 1e-3);
        int count = seeds.rows();
        List<Trajectory> trajectories = new ArrayList<>(count);
        if (in.strategy().service() instanceof StreamingIteration streaming) {
            // the whole part through one batch of chunkSize seeds: refilled as seeds finish, one tail for all chunks
            listener.stage("iterating", -1, (segments == 1 ? n + " seeds" : "seeds " + from + "-" + (from + count - 1) + " of " + n)
                    + ", " + Math.min(count, in.chunkSize()) + " at a time");
            List<Trajectory> all = streaming.iterate(in.map(), seeds, in.chunkSize(), in.strategy().params(), progress);
            if (all.size() != count) {
                throw new IllegalStateException("strategy '" + in.strategy().id() + "' returned " + all.size()
                        + " trajectories for " + count + " seeds");
            }
            for (Trajectory t : all) {
                trajectories.add(from == 0 ? t : t.withSeed(from + t.seed()));
            }
            return trajectories;
        }
        int chunks = Math.max(1, (n + in.chunkSize() - 1) / in.chunkSize());
        for (int at = 0; at < count; at += in.chunkSize()) {
            int to = Math.min(count, at + in.chunkSize());
            checkCancelled(listener);
            listener.stage("iterating", -1, "seeds " + (from + at) + "-" + (from + to - 1) + " of " + n + " (chunk "
                    + ((from + at) / in.chunkSize() + 1) + "/" + chunks + ")");
            List<Trajectory> part = in.strategy().service().iterate(in.map(), seeds.slice(at, to), in.strategy().params(), progress);
            if (part.size() != to - at) {
                throw new IllegalStateException("strategy '" + in.strategy().id() + "' returned " + part.size()
                        + " trajectories for " + (to - at) + " seeds");
            }
            for (Trajectory t : part) {
                trajectories.add(t.withSeed(from + at + t.seed()));
            }
        }
        return trajectories;
    }

    /** What the matrix-free path adds to an attractor: resolved eigenvalues, residuals, products; nothing on the dense path. */
    static Map<String, org.latentlab.api.result.FieldValue> matrixFreeFields(Spectra.Spectrum s) {
        Spectra.MatrixFree d = s.matrixFree();
        if (d == null) {
            return Map.of();
        }
        Map<String, org.latentlab.api.result.FieldValue> f = new LinkedHashMap<>();
        f.put("eigenvaluesResolved", org.latentlab.api.result.FieldValue.of(d.resolved()));
        f.put("eigenvalueResiduals", org.latentlab.api.result.FieldValue.of(d.residuals()));
        f.put("spectralNormResidual", org.latentlab.api.result.FieldValue.of(d.normResidual()));
        f.put("jacobianProducts", org.latentlab.api.result.FieldValue.of(d.products()));
        return f;
    }

    /** Most plain-iteration updates polishing gives one point. */
    static final int POLISH_UPDATES = 1000;
    /** A point whose residual has not reached a new low for this many updates is at its float floor (or leaving). */
    static final int POLISH_STALL = 100;
    /** Updates per map call while polishing (the points stay in a native engine between them). */
    static final int POLISH_BLOCK = 16;

    /**
     * A cluster's mean is only as close to the fixed point as the stopping tolerance allows. Refine
     * each: up to latent dimension {@value NewtonPolish#MAX_DIM}, while a Newton step for all points is at most
     * {@value NewtonPolish#MAX_ROWS} rows, by Newton's method with central-difference Jacobians ({@link NewtonPolish}: a
     * few map calls for all points, where plain iteration needs hundreds for a slow attractor); a point Newton leaves
     * unresolved (and every point otherwise) by plain iteration (at most 1000 updates,
     * until ‖f(z) − z‖² &lt; 1e-14 or the residual has not reached a new low for 100 updates: float32 leaves a floor).
     * Keep the refined point only where that lowered the residual without moving more than 100·‖f(c) − c‖ / (1 − ρ̂),
     * ρ̂ the contraction rate seen in the first update (at most 0.999): a mean is about ‖f(c) − c‖/(1 − ρ) from an
     * attractor, while saddles and repellers, which plain iteration leaves, keep their mean. A point Newton reaches
     * whose Jacobian has an eigenvalue on or outside the unit circle (Newton converges to saddles too) is not used:
     * that cluster is polished by plain iteration from its mean, as without Newton. Plain updates run
     * {@link #POLISH_BLOCK} steps per map call and points leave the batch when they stop.
     */
    static float[] polish(LatentMap f, float[] centers, int m, int k) {
        if (m == 0) {
            return centers;
        }
        float[] first = f.applySteps(Tensor.matrix(m, k, centers), 2).data(); // f(c), then f(f(c)): the rate
        float[] fc = java.util.Arrays.copyOf(first, m * k);
        float[] ffc = java.util.Arrays.copyOfRange(first, m * k, 2 * m * k);
        double[] r0 = residuals(centers, fc, m, k);
        double[] r1 = residuals(fc, ffc, m, k);
        float[] p = centers.clone(); // per point: its latest iterate and f of it
        float[] fp = fc.clone();
        double[] best = r0.clone();
        int[] updates = new int[m];
        int[] stall = new int[m];
        NewtonPolish.Outcome[] newton = NewtonPolish.applies(m, k) ? NewtonPolish.run(f, p, fp, best, m, k) : null;
        for (int a = 0; newton != null && a < m; a++) {
            if (newton[a] == NewtonPolish.Outcome.NOT_ATTRACTING) { // not Newton's point: plain polishing from the mean
                System.arraycopy(centers, a * k, p, a * k, k);
                System.arraycopy(fc, a * k, fp, a * k, k);
                best[a] = r0[a];
            }
        }
        int[] active = java.util.stream.IntStream.range(0, m)
                .filter(a -> !(best[a] < 1e-14) && (newton == null || newton[a] != NewtonPolish.Outcome.POLISHED)).toArray();
        while (active.length > 0) {
            int steps = POLISH_BLOCK;
            for (int a : active) {
                steps = Math.min(steps, POLISH_UPDATES - updates[a]);
            }
            steps = Math.max(1, steps);
            float[] in = NewtonPolish.gather(fp, active, k);
            float[] out = f.applySteps(Tensor.matrix(active.length, k, in), steps).data();
            int kept = 0;
            for (int i = 0; i < active.length; i++) {
                int a = active[i];
                boolean stop = false;
                for (int j = 0; j < steps && !stop; j++) {
                    System.arraycopy(fp, a * k, p, a * k, k);
                    System.arraycopy(out, (j * active.length + i) * k, fp, a * k, k);
                    updates[a]++;
                    double r = residual(p, fp, a, k);
                    if (r < best[a]) {
                        best[a] = r;
                        stall[a] = 0;
                    } else {
                        stall[a]++;
                    }
                    stop = r < 1e-14 || stall[a] >= POLISH_STALL || updates[a] >= POLISH_UPDATES;
                }
                if (!stop) {
                    active[kept++] = a;
                }
            }
            active = java.util.Arrays.copyOf(active, kept);
        }
        double[] r = residuals(p, fp, m, k);
        float[] out = centers.clone();
        for (int a = 0; a < m; a++) {
            double moved = 0;
            for (int j = 0; j < k; j++) {
                double d = p[a * k + j] - centers[a * k + j];
                moved += d * d;
            }
            double rate = r0[a] > 0 ? Math.min(0.999, Math.sqrt(r1[a] / r0[a])) : 0;
            if (r[a] < r0[a] && Math.sqrt(moved) < 100 * Math.sqrt(r0[a]) / (1 - (Double.isFinite(rate) ? rate : 0.999))) {
                System.arraycopy(p, a * k, out, a * k, k);
            }
        }
        return out;
    }

    /** ‖fz_a − z_a‖² of row a, infinite when not finite (also Newton's polishing). */
    static double residual(float[] z, float[] fz, int a, int k) {
        double r = 0;
        for (int j = 0; j < k; j++) {
            double d = fz[a * k + j] - z[a * k + j];
            r += d * d;
        }
        return Double.isFinite(r) ? r : Double.POSITIVE_INFINITY;
    }

    /** Polished points a and b coincide: within 1e-4 relative (float32 polishing leaves ~1e-6). */
    static boolean samePoint(float[] p, int a, int b, int k) {
        double d = 0;
        double na = 0;
        for (int j = 0; j < k; j++) {
            double t = p[a * k + j] - p[b * k + j];
            d += t * t;
            na += (double) p[a * k + j] * p[a * k + j];
        }
        return Math.sqrt(d) <= 1e-4 * Math.max(1, Math.sqrt(na));
    }

    private static double[] residuals(float[] z, float[] fz, int m, int k) {
        double[] r = new double[m];
        for (int a = 0; a < m; a++) {
            for (int j = 0; j < k; j++) {
                double d = fz[a * k + j] - z[a * k + j];
                r[a] += d * d;
            }
            if (!Double.isFinite(r[a])) {
                r[a] = Double.POSITIVE_INFINITY;
            }
        }
        return r;
    }

    private static MetricContext context(Inputs in, SeedStore store, List<Attractor> as) {
        Tensor seeds = store.seeds();
        SeedRecords records = store.records();
        return new MetricContext() {
            public Optional<LatentModel> model() {
                return in.model();
            }

            public Tensor seeds() {
                return seeds;
            }

            public List<Trajectory> trajectories() {
                return store.trajectories();
            }

            public List<Attractor> attractors() {
                return as;
            }

            public int[] labels() {
                return store.labels();
            }

            public Optional<Tensor> trainingInputs() {
                return in.trainingInputs();
            }

            public SeedSummary seedSummary() {
                return store.summary();
            }

            public SeedRecords perSeed() {
                return records;
            }

            public boolean perSeedInMemory() {
                return !store.onDisk();
            }
        };
    }

    private static void checkCancelled(Listener l) {
        if (l.cancelled()) {
            throw new CancellationException("cancelled");
        }
        l.checkpoint();
    }
}
