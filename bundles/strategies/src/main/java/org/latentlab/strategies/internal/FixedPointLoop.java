package org.latentlab.strategies.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.latentlab.api.Parameters;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.dynamics.Trajectory;

/**
 * The batched loop every discrete strategy shares. Each seed keeps its current point z and f(z);
 * each step, the strategy's {@link Scheme} proposes the next point for all still-active seeds, f is
 * evaluated on the proposals in one batch, the scheme may reject a proposal (the seed then keeps its
 * point), and a seed stops when
 * <ul>
 * <li>its point is a plain image z_{t+1} = f(z_t) and ‖f(z_{t+1}) − z_{t+1}‖² = ‖f(z_{t+1}) − f(z_t)‖² &lt;
 * tolerance: converged, by the paper's rule, so the end point is an image of f close to a fixed point of f
 * (never of a strategy's mixing). For plain iteration every step is plain, and the rule is checked from t = 1
 * on. A point the strategy made otherwise (damped, Anderson) whose residual is below the tolerance is followed
 * by a plain "check" step; see {@link Rule} for Anderson's stricter check and Newton's own rule;</li>
 * <li>z or f(z) is NaN / infinite, or ‖z‖ exceeds {@code divergenceNorm}: diverged (reported);</li>
 * <li>{@code maxSteps} updates were taken: not converged.</li>
 * </ul>
 * Seeds that stop leave the batch, so late steps only pay for the slow seeds. Each row passed to f
 * counts as one map evaluation of its seed ({@link Trajectory#mapEvaluations()}).
 */
final class FixedPointLoop {

    /** A strategy's step rule for the active rows of a batch. */
    interface Scheme {
        /**
         * Proposes the next point of every active row.
         *
         * @param f     the map, for schemes that evaluate it themselves (they add those rows to {@code evals})
         * @param rows  the slots of the active rows, in batch order (a slot holds one seed at a time; see {@link #start})
         * @param z     their current points: the first rows.length × k values (the array may be longer; read only)
         * @param fz    f of those points, as z
         * @param next  where to write the proposals [rows.length × k]; every row (the array is reused between calls,
         *              and so are z and fz: the map and the scheme must not keep them after the call)
         * @param plain on entry true where the loop takes the plain step f(z) whatever is proposed (to check the
         *              stopping rule); on return true where the proposal is the plain step next = f(z)
         * @param evals per row: map evaluations the scheme made itself, added to the seed's count
         */
        void propose(LatentMap f, int[] rows, float[] z, float[] fz, int k, float[] next, boolean[] plain, int[] evals);

        /**
         * Whether row {@code a}'s evaluated mixed proposal is taken. A rejected row keeps its point (the
         * evaluation still counts) and the scheme's next proposal for it must be plain. Plain proposals are
         * always taken. Read row a only: rows before it in z and fz may already hold their new points.
         */
        default boolean accept(int a, int row, float[] z, float[] fz, float[] next, float[] fnext, int k) {
            return true;
        }

        /** A new seed takes slot {@code row}: forget what the slot's previous seed left. */
        default void start(int row) {}

        /** Row {@code a} of {@code z} is where a seed converged (schemes that learn the attractors use it). */
        default void converged(float[] z, int a, int k) {}

        /**
         * Whether the step slot {@code row} just took was a chord step onto a known attractor (Anderson's capture): under
         * {@link Rule#STALLED} such a step ends the leg once the residual is within the map's rounding, without waiting
         * for {@code patience} evaluations to show the floor (the chord step went as near as the rounded map can tell).
         */
        default boolean chordStep(int row) {
            return false;
        }
    }

    /** Plain iteration: the proposal is f(z). */
    static final Scheme PLAIN = (f, rows, z, fz, k, next, plain, evals) -> {
        System.arraycopy(fz, 0, next, 0, rows.length * k); // (next also has room for the seeds joining this call)
        Arrays.fill(plain, true);
    };

    static final List<ParameterSpec> COMMON = common(1e-6, 3000);

    /** The parameters every strategy has, with its own defaults for tolerance and maxSteps. */
    static List<ParameterSpec> common(double tolerance, int maxSteps) {
        return List.of(
                ParameterSpec.real("tolerance", tolerance, 0, Double.MAX_VALUE,
                        "stop when ||f(z_t+1) - f(z_t)||^2 on plain steps z_t+1 = f(z_t) falls below this (the paper's rule: 1e-6, 1e-5 for large models)"),
                ParameterSpec.integer("maxSteps", maxSteps, 1, Integer.MAX_VALUE, "give up after this many steps"),
                ParameterSpec.real("divergenceNorm", 1e6, 0, Double.MAX_VALUE, "a trajectory with ||z|| above this has diverged"),
                ParameterSpec.bool("recordPaths", false, "keep every visited point (memory: steps x k floats per seed)"));
    }

    private FixedPointLoop() {}

    static List<ParameterSpec> with(ParameterSpec... extra) {
        List<ParameterSpec> all = new ArrayList<>(COMMON);
        all.addAll(List.of(extra));
        return List.copyOf(all);
    }

    private static final byte ACTIVE = 0, CONVERGED = 1, DIVERGED = 2, OUT_OF_STEPS = 3;

    /** The values of the parameters every strategy has ({@link #COMMON}) as a run reads them. */
    record Limits(double tolerance, int maxSteps, double divergenceNorm, boolean recordPaths) {
        static Limits of(Parameters p) {
            return new Limits(p.getDouble("tolerance", 1e-6), p.getInt("maxSteps", 3000), p.getDouble("divergenceNorm", 1e6),
                    p.getBoolean("recordPaths", false));
        }
    }

    /** When a seed counts as converged. */
    enum Rule {
        /**
         * The paper's rule on plain images: ‖f(z) − z‖² &lt; tolerance where z = f(z_prev). A mixed point within
         * tolerance is followed by one plain check step.
         */
        PLAIN_IMAGE,
        /**
         * As {@link #PLAIN_IMAGE}, and a check step must also lower the residual (or reach 1e-4 · tolerance, where
         * float32 rounding stalls it); while it does not and the residual stays within tolerance, the seed takes
         * further plain steps. An accelerated step can land within tolerance
         * of a saddle, which plain iteration would have left: there the plain steps grow the residual along the
         * unstable direction until the seed is out of tolerance and iterates on; at an attractor they contract.
         */
        PLAIN_IMAGE_CONTRACTING,
        /**
         * ‖f(z) − z‖² &lt; tolerance at the scheme's own point: for root finders (Newton), whose points are meant to
         * sit on saddles and repellers too, which a plain step leaves.
         */
        OWN_POINT,
        /**
         * The first leg of a mixed-precision run ({@link MixedPrecision}), on a low-precision map whose rounding keeps
         * the residual from falling to the tolerance: a seed is done when ‖f(z) − z‖² &lt; tolerance at any point, or
         * when its residual is within the map's rounding ({@link MixedPrecision#ROUNDING} · max(1, ‖z‖)) and has not
         * reached a new low for {@code patience} evaluations: it sits at the approximation's rounding floor. (A residual
         * that only stops falling is not enough: on the way between basins it rises and falls for a while.) A chord step
         * onto a known attractor ({@link Scheme#chordStep}) that lands within the rounding ends the leg at once: measured
         * on the benchmark's MLP (10^4 seeds), 213,381 bfloat16 row-steps instead of 261,389 for 44,314 float32
         * evaluations instead of 40,570, the same attractor for every seed, the analysis 2.6-2.7 s against 2.8-3.0.
         * Its end point is where the exact map takes over, never a result.
         */
        STALLED
    }

    static List<Trajectory> run(LatentMap f, Tensor seeds, Parameters p, Progress progress, Scheme scheme) {
        return run(f, seeds, Math.max(1, seeds.rows()), p, progress, scheme, Rule.PLAIN_IMAGE);
    }

    static List<Trajectory> run(LatentMap f, Tensor seeds, Parameters p, Progress progress, Scheme scheme, Rule rule) {
        return run(f, seeds, Math.max(1, seeds.rows()), p, progress, scheme, rule);
    }

    /**
     * Runs every seed with at most {@code batch} in flight: a seed that stops frees its slot and the next seed
     * enters in the same map call as the running ones' proposals (its first evaluation is f(z₀)), so calls stay
     * full until the seeds run out and the slow seeds of the whole run share one tail. A scheme's per-seed state
     * lives in slots ({@code rows} are slot numbers, {@link Scheme#start} marks a new seed in a slot), so its memory
     * is bounded by the batch. Every decision is per seed, so the trajectories do not depend on the batch.
     */
    static List<Trajectory> run(LatentMap f, Tensor seeds, int batch, Parameters p, Progress progress, Scheme scheme,
            Rule rule) {
        return run(f, seeds, batch, p, progress, scheme, rule, 0);
    }

    /** As {@link #run(LatentMap, Tensor, int, Parameters, Progress, Scheme, Rule)}; {@code patience} for {@link Rule#STALLED}. */
    static List<Trajectory> run(LatentMap f, Tensor seeds, int batch, Parameters p, Progress progress, Scheme scheme,
            Rule rule, int patience) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        Run run = new Run(f, seeds, batch, p, scheme, rule, patience);
        while (run.admit()) {
            if (progress.cancelled()) {
                throw new CancellationException("cancelled");
            }
            int established = run.step();
            if (established > 0) {
                progress.advance(established);
            }
            run.compact();
        }
        return run.trajectories();
    }

    /**
     * One run's state. The step is split into small methods on purpose: one method holding the whole loop was
     * compiled by C2 on-stack five times per analysis (0.2–0.45 s of a core each, on a 2-core machine beside the
     * native map calls) as each new scheme or rule invalidated the last compile; small methods compile in
     * milliseconds and a new branch recompiles only its own method.
     */
    private static final class Run {
        private final LatentMap f;
        private final Tensor seeds;
        private final float[] seedData;
        private final Scheme scheme;
        private final Rule rule;
        private final int patience;
        private final Limits limits;
        private final int n;
        private final int k;
        // per seed: where it stopped
        private final float[] end;
        private final int[] steps;
        private final double[] path;
        private final double[] residual;
        private final long[] evaluations;
        private final byte[] state;
        // STALLED: the lowest residual so far and the evaluations since it was reached
        private final boolean stall;
        private final double[] best;
        private final int[] since;
        private final List<List<float[]>> paths;
        // in flight, compacted in order of entry: seed ids, slots, points, images, whether the next step is a check
        private final int[] ids;
        private final int[] slots;
        private final float[] z;
        private final float[] fz;
        /** The proposals of a full batch (a call of fewer rows makes its own array: a tensor's array is its size). */
        private final float[] nextFull;
        private final boolean[] check;
        private final int[] free;
        private int freeCount;
        private int m; // established rows (their f(z) is known)
        private int fresh; // seeds that joined this step, after the established rows
        private int nextSeed;

        Run(LatentMap f, Tensor seeds, int batch, Parameters p, Scheme scheme, Rule rule, int patience) {
            this.f = f;
            this.seeds = seeds;
            this.scheme = scheme;
            this.rule = rule;
            this.patience = patience;
            limits = Limits.of(p);
            n = seeds.rows();
            k = seeds.width();
            seedData = seeds.data();
            int w = Math.max(1, Math.min(batch, n));
            end = new float[n * k];
            steps = new int[n];
            path = new double[n];
            residual = new double[n];
            evaluations = new long[n];
            state = new byte[n];
            stall = rule == Rule.STALLED;
            best = stall ? new double[n] : null;
            since = stall ? new int[n] : null;
            paths = new ArrayList<>(limits.recordPaths() ? n : 0);
            ids = new int[w];
            slots = new int[w];
            z = new float[w * k];
            fz = new float[w * k];
            nextFull = new float[w * k];
            check = new boolean[w];
            free = new int[w];
            for (int s = 0; s < w; s++) {
                free[s] = w - 1 - s;
            }
            freeCount = w;
        }

        /** New seeds take the free slots; they follow the established rows and join this step's map call. False when nothing is left to run. */
        boolean admit() {
            int first = m;
            while (freeCount > 0 && nextSeed < n) {
                int slot = free[--freeCount];
                scheme.start(slot);
                ids[m] = nextSeed;
                slots[m] = slot;
                check[m] = false;
                System.arraycopy(seedData, nextSeed * k, z, m * k, k);
                if (limits.recordPaths()) {
                    List<float[]> visited = new ArrayList<>();
                    visited.add(seeds.row(nextSeed));
                    paths.add(visited);
                }
                m++;
                nextSeed++;
            }
            fresh = m - first;
            m = first;
            return m + fresh > 0;
        }

        /** One map call: the established rows' proposals and the new seeds. Returns the established rows' count. */
        int step() {
            int all = m + fresh;
            int[] rows = Arrays.copyOf(slots, m);
            // z and fz go to the scheme and the rule as they are (a row is read before advance writes it, and only its
            // own row): copies of them, and a new next at every call, were most of an analysis's megabytes of garbage
            // per call (docs/performance.md, "Buffers kept")
            float[] next = all == ids.length ? nextFull : new float[all * k];
            boolean[] plain = Arrays.copyOf(check, m);
            int[] extra = new int[m];
            if (m > 0) {
                scheme.propose(f, rows, z, fz, k, next, plain, extra);
            }
            for (int a = 0; a < m; a++) {
                if (check[a]) {
                    System.arraycopy(fz, a * k, next, a * k, k);
                    plain[a] = true;
                }
            }
            System.arraycopy(z, m * k, next, m * k, fresh * k); // the new seeds themselves
            float[] fnext = Maps.apply(f, next, all, k);
            for (int a = m; a < all; a++) {
                enter(a, fnext);
            }
            for (int a = 0; a < m; a++) {
                int i = ids[a];
                evaluations[i] += 1 + extra[a];
                if (!plain[a] && !scheme.accept(a, rows[a], z, fz, next, fnext, k)) {
                    rejected(a, i);
                } else {
                    advance(a, i, next, fnext, plain[a]);
                }
            }
            return m;
        }

        /** t = 0 of the seed in row a: z = seed, fz = f(seed); no convergence check. */
        private void enter(int a, float[] fnext) {
            int i = ids[a];
            evaluations[i] = 1;
            System.arraycopy(fnext, a * k, fz, a * k, k);
            residual[i] = Math.sqrt(checkRow(z, fz, a, k, limits.divergenceNorm(), state, i));
            if (stall && state[i] != DIVERGED) {
                best[i] = residual[i];
            }
        }

        /** Row a's mixed proposal was rejected: it keeps its point. */
        private void rejected(int a, int i) {
            if (stall && ++since[i] >= patience && residual[i] * residual[i] <= MixedPrecision.floor2(z, a, k)) {
                state[i] = CONVERGED; // done with this leg: the rejected proposals show the floor
            }
        }

        /** Row a moves to its proposal next (whose image is fnext's row) and its rule is applied. */
        private void advance(int a, int i, float[] next, float[] fnext, boolean plainStep) {
            path[i] += Math.sqrt(residual2(z, next, a, k)); // (row a of z is still the point it left)
            steps[i]++;
            System.arraycopy(next, a * k, z, a * k, k);
            System.arraycopy(fnext, a * k, fz, a * k, k);
            if (limits.recordPaths()) {
                paths.get(i).add(Arrays.copyOfRange(next, a * k, a * k + k));
            }
            double r2 = checkRow(z, fz, a, k, limits.divergenceNorm(), state, i);
            if (stall) {
                settleStalled(a, i, r2);
            } else {
                settle(a, i, r2, plainStep);
            }
        }

        /** The rule of {@link Rule#STALLED} for row a, whose new residual² is r2. */
        private void settleStalled(int a, int i, double r2) {
            residual[i] = Math.sqrt(r2);
            check[a] = false;
            if (residual[i] < best[i]) {
                best[i] = residual[i];
                since[i] = 0;
            } else {
                since[i]++;
            }
            if (state[i] == DIVERGED) {
                return; // (marked by checkRow)
            }
            if (r2 < limits.tolerance() || (since[i] >= patience || scheme.chordStep(slots[a]))
                    && r2 <= MixedPrecision.floor2(z, a, k)) {
                state[i] = CONVERGED;
            } else if (steps[i] >= limits.maxSteps()) {
                state[i] = OUT_OF_STEPS;
            }
        }

        /** The other rules for row a, whose new residual² is r2. */
        private void settle(int a, int i, double r2, boolean plainStep) {
            // (a residual 100 times below the tolerance's counts as contracted: float rounding stalls it there)
            boolean contracted = !check[a] || rule != Rule.PLAIN_IMAGE_CONTRACTING || Math.sqrt(r2) < residual[i]
                    || r2 < 1e-4 * limits.tolerance();
            boolean wasCheck = check[a];
            residual[i] = Math.sqrt(r2);
            check[a] = false;
            if (state[i] == DIVERGED) {
                return; // (marked by checkRow)
            }
            if (r2 < limits.tolerance() && (plainStep || rule == Rule.OWN_POINT) && contracted) {
                state[i] = CONVERGED;
                scheme.converged(z, a, k);
            } else if (steps[i] >= limits.maxSteps()) {
                state[i] = OUT_OF_STEPS;
            } else {
                // a mixed point within tolerance, or a check step that did not contract: the next step is a plain check
                check[a] = r2 < limits.tolerance() && (!plainStep || wasCheck);
            }
        }

        /** Stopped seeds leave: their points go to end, their slots are freed. */
        void compact() {
            int all = m + fresh;
            int kept = 0;
            for (int a = 0; a < all; a++) {
                int i = ids[a];
                if (state[i] != ACTIVE) {
                    System.arraycopy(z, a * k, end, i * k, k);
                    free[freeCount++] = slots[a];
                    continue;
                }
                if (kept != a) {
                    ids[kept] = i;
                    slots[kept] = slots[a];
                    check[kept] = check[a];
                    System.arraycopy(z, a * k, z, kept * k, k);
                    System.arraycopy(fz, a * k, fz, kept * k, k);
                }
                kept++;
            }
            m = kept;
            fresh = 0;
            if (stall && nextSeed >= n && m > 0 && m < MixedPrecision.TAIL_ROWS) {
                // the first leg's last few seeds go on to the exact map now: calls of a few rows cost the low-precision
                // map more per row than the exact one (their fixed cost dominates)
                for (int a = 0; a < m; a++) {
                    state[ids[a]] = CONVERGED;
                    System.arraycopy(z, a * k, end, ids[a] * k, k);
                }
                m = 0;
            }
        }

        List<Trajectory> trajectories() {
            List<Trajectory> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                float[][] visited = limits.recordPaths() ? paths.get(i).toArray(new float[0][]) : null;
                out.add(new Trajectory(i, Arrays.copyOfRange(end, i * k, i * k + k), steps[i], state[i] == CONVERGED,
                        state[i] == DIVERGED, path[i], residual[i], visited, evaluations[i]));
            }
            return out;
        }
    }

    /**
     * The rule for one seed whose point z and image fz sit at row {@code i}: sets its residual ‖f(z) − z‖ and
     * its state (diverged, converged when {@code checkConvergence}, out of steps). {@link PicardRun} uses it
     * so that the streamed plain loop stops exactly where this loop does.
     */
    static void classify(int i, float[] z, float[] fz, int k, Limits limits, int[] steps, double[] residual, byte[] state,
            boolean checkConvergence) {
        double r2 = checkRow(z, fz, i, k, limits.divergenceNorm(), state, i);
        residual[i] = Math.sqrt(r2);
        if (state[i] == DIVERGED) {
            return;
        }
        if (checkConvergence && r2 < limits.tolerance()) {
            state[i] = CONVERGED;
        } else if (steps[i] >= limits.maxSteps()) {
            state[i] = OUT_OF_STEPS;
        }
    }

    /**
     * The rule's one pass over row a, for every check of the rule: returns ‖fz_a − z_a‖² (the residual² when fz =
     * f(z); float differences summed in double, in index order) and marks seed i {@code DIVERGED} in {@code state}
     * when a value of either row is not finite or ‖z_a‖ is above {@code divergence} (else leaves its state). The two
     * sums are independent chains of additions in one loop, each in index order: on the plain loop's path this runs
     * at every row and step.
     */
    static double checkRow(float[] z, float[] fz, int a, int k, double divergence, byte[] state, int i) {
        double r2 = 0;
        double norm2 = 0;
        boolean finite = true;
        for (int j = a * k, end = j + k; j < end; j++) {
            float x = z[j];
            float y = fz[j];
            double d = y - x;
            r2 += d * d;
            norm2 += (double) x * x;
            finite &= Float.isFinite(x) & Float.isFinite(y);
        }
        if (!finite || !(Math.sqrt(norm2) <= divergence)) {
            state[i] = DIVERGED;
        }
        return r2;
    }

    /** ‖fz_a − z_a‖² of row a: the residual when fz = f(z), the step's length² when fz is the next point. */
    static double residual2(float[] z, float[] fz, int a, int k) {
        double r2 = 0;
        for (int j = 0; j < k; j++) {
            double d = fz[a * k + j] - z[a * k + j];
            r2 += d * d;
        }
        return r2;
    }
}
