package org.latentlab.strategies.internal;

import java.util.List;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.dynamics.StreamingIteration;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.dynamics.Trajectory;
import org.latentlab.numerics.Attraction;
import org.osgi.service.component.annotations.Component;

/**
 * Anderson acceleration (type II, Walker and Ni 2011) of z ← f(z), safeguarded per seed so that it
 * finds what plain iteration finds, in fewer map evaluations. Each seed keeps its last m points and
 * images; with ΔR, ΔG the differences of successive residuals r = f(x) − x and images g = f(x), the
 * mixed step is x' = g − ΔG·γ, γ minimising ‖r − ΔR·γ‖² + λ‖γ‖² (normal equations, m × m Cholesky).
 * <ul>
 * <li>Residual check: a mixed step whose residual ‖f(x') − x'‖ is not below the current one is
 * rejected (the seed keeps its point, the evaluation still counts), the history restarts and the next
 * step is the plain step f(x).</li>
 * <li>Attractors only: Anderson is a multisecant root finder of f(z) − z and, like Newton, would also
 * converge to saddles. The history gives the map's action on the explored directions, H = ΔX⁺ΔG
 * (ΔX = ΔG − ΔR); when its spectral radius is not below 1 the fixed point ahead is not attracting
 * along those directions, and the seed takes the plain step, which moves away from saddles as picard
 * does.</li>
 * <li>Restarts: a singular or non-finite system, or a rejected step, empties the history.</li>
 * <li>Where the last step was plain and its contraction predicts that at most two more plain steps meet
 * the tolerance, the seed takes a plain step: a mixed step and the plain step that checks it cannot do
 * better (so on a map that contracts fast Anderson costs what plain iteration does).</li>
 * <li>Relaxed steps where the map drifts: where a step would be plain because the history shows the map not
 * contracting (or the history restarted), and the residual points the way it did at the last step (cosine above
 * {@link #ALIGNED}), the seed moves x + α(f(x) − x), α doubling with each such step up to {@code relaxation}
 * (default 16), halved when the direction turns (see drift, below). Such a step is taken only if the residual at the new point still
 * points that way (cosine above {@link #STILL_ALIGNED}): an overshoot reverses it, and the seed keeps its point and
 * steps plainly. This is an Euler step of the flow dz/dt = f(z) − z, whose fixed points are f's; it crosses the slow
 * straight stretches near a saddle-node's ghost that plain steps creep through (side-by-side's model: 1,364 of 10^4
 * seeds crossed one at 0.005 a step, 100 steps after their bfloat16 leg).</li>
 * <li>Drift: where the seed's own Anderson step failed (refused by the residual check, or the history shows the map
 * expanding), f has no attracting fixed point ahead along the directions explored: the seed sits at the minimum of the
 * residual near a saddle-node's ghost or a saddle, which is where a root finder's steps aim and plain steps creep. From
 * there relaxed steps go before mixed ones, and {@code drift} ends after {@link #DRIFT_TURNS} relaxations in a row
 * declined because the residual turned. Relaxation also halves α where the residual turns (instead of starting again
 * from 1), quarters it where a relaxed step is refused, and keeps it over the plain step that follows a refusal. On
 * side-by-side's model (10^4 seeds, mixed precision): float32 evaluations 139,020 → 117,653, every seed on the same
 * attractor; attractor 2's seeds (most of which cross the ghost) 39.0 → 33.0 each. Needs {@code relaxation} above 1.</li>
 * <li>Convergence only by the paper's rule on plain images (see {@link FixedPointLoop}): a mixed point
 * within tolerance is followed by a plain step, and the seed stops at that plain image if
 * ‖f(z_{t+1}) − f(z_t)‖² &lt; tolerance. End points are fixed points of f, never of the mixing.</li>
 * </ul>
 * All work is on primitive arrays held for the whole batch; a step costs O(m²k) per seed.
 */
@Component(service = IterationStrategy.class, property = {ServiceProperties.ID + "=anderson",
        ServiceProperties.DESCRIPTION + "=Anderson-accelerated iteration (history m, residual check, restarts, plain-step fallback near unstable points); stops by the paper's rule on plain steps"})
public class AndersonAcceleration implements StreamingIteration {

    @Override
    public List<ParameterSpec> parameters() {
        return FixedPointLoop.with(
                ParameterSpec.integer("history", 5, 1, 50, "number of past steps m combined"),
                ParameterSpec.real("regularization", 1e-8, 0, 1, "Tikhonov term lambda, relative to the trace of dR'dR"),
                ParameterSpec.real("beta", 1.0, 1e-6, 1, "mixing: 1 = undamped Anderson"),
                ParameterSpec.bool("attractorsOnly", true,
                        "take a plain step where the history shows the map expanding (keeps Anderson off saddles)"),
                ParameterSpec.bool("capture", false,
                        "near an attractor other seeds already reached, a chord step with its Jacobian (estimated once per "
                                + "attractor by differences) instead of the mixed step; fewer map evaluations, but a seed's "
                                + "path then depends on which seeds finished before it (the batch size)"),
                ParameterSpec.real("relaxation", 16, 1, 1024,
                        "largest relaxation alpha of a step x + alpha (f(x) - x) where the residual keeps its direction and "
                                + "the history does not contract (1: such steps stay plain)"),
                ParameterSpec.bool("drift", true,
                        "where a mixed step fails (refused, or the history expands) relaxed steps go first until the residual "
                                + "turns " + DRIFT_TURNS + " times in a row: crosses a saddle-node's ghost, where mixed steps aim at the "
                                + "residual's minimum and plain steps creep (off when relaxation is 1)"),
                MixedPrecision.SPEC);
    }

    @Override
    public List<Trajectory> iterate(LatentMap map, Tensor seeds, Parameters params, Progress progress) {
        return iterate(map, seeds, Math.max(1, seeds.rows()), params, progress);
    }

    @Override
    public List<Trajectory> iterate(LatentMap map, Tensor seeds, int batch, Parameters params, Progress progress) {
        FixedPointLoop.Rule rule = FixedPointLoop.Rule.PLAIN_IMAGE_CONTRACTING;
        Capture capture = params.getBoolean("capture", false) ? new Capture(seeds.width()) : null;
        MixedPrecision.ExactLeg exact = (f, starts) -> {
            Mixer mixer = mixer(starts, batch, params);
            mixer.capture = capture;
            return FixedPointLoop.run(f, starts, batch, params, progress, mixer, rule);
        };
        // a mixed-precision run's first leg takes plain steps: mixing on the rounded map measured no fewer evaluations
        // (46.6 against 45 per seed on the 784-512-256-32 MLP) and costs Java time per step
        int n = seeds.rows();
        if (capture == null || n <= SCOUTS) {
            return MixedPrecision.run(map, seeds, batch, params, progress, FixedPointLoop.PLAIN, exact);
        }
        // the first SCOUTS seeds run alone, so that the attractors they find (and their Jacobians, from f) are known
        // before the rest start: otherwise a whole first batch runs without chord steps. In a mixed-precision run the
        // rest's first leg then takes chord steps too, toward those attractors with f's Jacobians, instead of the ~27
        // plain steps of the rounded map's linear tail (it never adds attractors: only the exact leg's ends count)
        List<Trajectory> scouts = new java.util.ArrayList<>(MixedPrecision.run(map, seeds.slice(0, SCOUTS), batch, params,
                progress, FixedPointLoop.PLAIN, exact));
        // Jacobians of the attractors the last scouts found, from f (a first leg must not estimate them on the rounded
        // map); counted on the last scout, as propose counts them on the first row's seed
        int made = capture.prepare(map);
        if (made > 0) {
            Trajectory t = scouts.get(SCOUTS - 1);
            scouts.set(SCOUTS - 1, new Trajectory(t.seed(), t.endpoint(), t.steps(), t.converged(), t.diverged(),
                    t.pathLength(), t.finalResidual(), t.path(), t.mapEvaluations() + made));
        }
        Tensor others = seeds.slice(SCOUTS, n);
        Mixer firstLeg = mixer(others, batch, params);
        firstLeg.capture = capture;
        firstLeg.mixing = false;
        firstLeg.learn = false;
        List<Trajectory> rest = MixedPrecision.run(map, others, batch, params, progress, firstLeg, exact);
        List<Trajectory> all = new java.util.ArrayList<>(n);
        all.addAll(scouts);
        for (int i = 0; i < rest.size(); i++) {
            all.add(rest.get(i).withSeed(SCOUTS + i));
        }
        return all;
    }

    /** With capture: seeds run ahead of the others to find the attractors (and estimate their Jacobians) first. */
    static final int SCOUTS = 64;

    private static Mixer mixer(Tensor seeds, int batch, Parameters params) {
        Mixer mixer = new Mixer(Math.max(1, Math.min(batch, seeds.rows())), seeds.width(), params.getInt("history", 5),
                params.getDouble("regularization", 1e-8), params.getDouble("beta", 1.0),
                params.getBoolean("attractorsOnly", true), params.getDouble("tolerance", 1e-6));
        mixer.maxAlpha = params.getDouble("relaxation", 16);
        mixer.drifts = params.getBoolean("drift", true);
        return mixer;
    }

    /** How often each safeguard acted in one run (for tests and diagnosis); relaxed steps are counted in mixed too. */
    record Counts(long mixed, long plain, long rejected, long expanding, long singular, long fastPlain, long chord,
            long relaxed, long drifting) {}

    /** Cosine between successive residuals above which a step that would be plain is relaxed. */
    static final double ALIGNED = 0.99;
    /** Cosine between the residual at a relaxed step's end and at its start below which the step is rejected. */
    static final double STILL_ALIGNED = 0.9;
    /**
     * Relaxations declined in a row (the residual turned) that end a seed's drift. 4: at 2 the seeds of side-by-side's
     * ghost left it and went back to refused mixed steps (119,200 float32 evaluations against 117,653; 8: 117,656).
     */
    static final int DRIFT_TURNS = 4;

    /**
     * The per-seed histories of one batch and the step rule; one run, one thread. (Mixing the rows in two
     * parallel blocks measured no faster on the 2-core machine: the map's own threads compete for the cores.)
     */
    static final class Mixer implements FixedPointLoop.Scheme {
        private final int k;
        private final int m;
        private final double lambda;
        private final double beta;
        private final boolean attractorsOnly;
        private final double tolerance;
        // per slot (the seed in it): the last (up to m) points and their images, a ring of m entries
        private final float[] histX;
        private final float[] histG;
        private final int[] count;
        private final int[] head;
        /** ‖f(x) − x‖² of the point a mixed step left, for the residual check. */
        private final double[] leftResidual2;
        /**
         * Per slot: the attractor (its index in {@link Capture}) the last proposal was a chord step toward, else -1; and
         * that step's length², ‖M (f(x) − x)‖², the linear model's distance from the point it left to the attractor.
         */
        private final int[] chordTarget;
        private final double[] leftNatural2;
        /** Whether the seed's last proposal was rejected: the next one is plain (a chord step would repeat it). */
        private final boolean[] rejectedLast;
        /** Whether the step that led to the seed's current point was plain. */
        private final boolean[] lastPlain;
        /** Per slot: the residual f(x) − x at the seed's current point, for the next step's direction test. */
        private final float[] lastR;
        private final boolean[] haveLastR;
        /**
         * Per slot: the relaxation the next relaxed step doubles: the last relaxed step's, halved at a turn, quartered at a
         * refusal; 1 after a mixed, chord or check step.
         */
        private final double[] alpha;
        /** Per slot: whether the last proposal was a relaxed step. */
        private final boolean[] relaxedStep;
        /** Per slot: whether the seed drifts (relaxed steps before mixed ones), and the relaxations declined in a row since. */
        private final boolean[] drift;
        private final int[] turns;
        /** Whether seeds may drift. */
        boolean drifts = true;
        /** Largest relaxation α (1: none). */
        double maxAlpha = 1;
        private final Worker worker;
        private long rejected;

        /** {@code n} slots: the most seeds in flight at once. */
        Mixer(int n, int k, int m, double lambda, double beta, boolean attractorsOnly, double tolerance) {
            this.k = k;
            this.tolerance = tolerance;
            this.m = m;
            this.lambda = lambda;
            this.beta = beta;
            this.attractorsOnly = attractorsOnly;
            histX = Tensor.allocate("Anderson history", n, m, k);
            histG = Tensor.allocate("Anderson history", n, m, k);
            count = new int[n];
            head = new int[n];
            leftResidual2 = new double[n];
            chordTarget = new int[n];
            leftNatural2 = new double[n];
            lastPlain = new boolean[n];
            rejectedLast = new boolean[n];
            lastR = Tensor.allocate("Anderson history", n, 1, k);
            haveLastR = new boolean[n];
            alpha = new double[n];
            java.util.Arrays.fill(alpha, 1);
            relaxedStep = new boolean[n];
            drift = new boolean[n];
            turns = new int[n];
            worker = new Worker(); // sized by k and m
        }

        Counts counts() {
            Worker w = worker;
            return new Counts(w.mixed, w.plain, rejected, w.expanding, w.singular, w.fastPlain, w.chord, w.relaxed,
                    w.drifting);
        }

        /** Chord steps near known attractors, when asked for. */
        Capture capture;
        /** Whether steps that are not chord steps mix the history (else they are plain). */
        boolean mixing = true;
        /** Whether new attractors' Jacobians are estimated on the map this mixer runs on (not on a rounded one). */
        boolean learn = true;

        @Override
        public void propose(LatentMap f, int[] rows, float[] z, float[] fz, int k, float[] next, boolean[] plain, int[] evals) {
            if (capture != null && learn && rows.length > 0) {
                evals[0] += capture.prepare(f); // Jacobians of newly found attractors: counted on the first row's seed
            }
            worker.propose(rows, z, fz, next, plain, 0, rows.length);
        }

        @Override
        public boolean chordStep(int row) {
            return chordTarget[row] >= 0;
        }

        @Override
        public void converged(float[] z, int a, int k) {
            if (capture != null) {
                capture.add(z, a);
            }
        }

        @Override
        public void start(int row) {
            count[row] = 0;
            head[row] = 0;
            leftResidual2[row] = 0;
            chordTarget[row] = -1;
            leftNatural2[row] = 0;
            lastPlain[row] = false;
            rejectedLast[row] = false;
            haveLastR[row] = false;
            alpha[row] = 1;
            relaxedStep[row] = false;
            drift[row] = false;
            turns[row] = 0;
        }

        /**
         * A mixed step is taken when it lowered the residual ‖f(x) − x‖. A chord step is taken when it lowered the
         * linear model's distance to its attractor, ‖M (f(x) − x)‖ (Deuflhard's natural monotonicity test for Newton-like
         * steps): near a slow attractor the residual is a poor judge of progress, since an error along the slow
         * direction (eigenvalue 0.97) shows 1/(1 − 0.97) times smaller in it than the same error along a fast one, so a
         * step that took a point five times nearer the attractor could raise its residual and be refused, step after
         * step, while plain steps crept in at 3 % a step (measured on the benchmark's attractor with ρ = 0.97: seeds 0.8
         * away took 100-300 float32 evaluations, alternating refused chord steps and plain ones).
         */
        @Override
        public boolean accept(int a, int row, float[] z, float[] fz, float[] next, float[] fnext, int k) {
            boolean taken;
            if (relaxedStep[row]) { // the residual must still point the way it did: an overshoot reverses it
                double dot = 0, n0 = 0, n1 = 0;
                for (int j = 0; j < k; j++) {
                    double r0 = (double) fz[a * k + j] - z[a * k + j];
                    double r1 = (double) fnext[a * k + j] - next[a * k + j];
                    dot += r0 * r1;
                    n0 += r0 * r0;
                    n1 += r1 * r1;
                }
                // (or it landed on a fixed point: no direction is left to test)
                taken = dot > STILL_ALIGNED * Math.sqrt(n0 * n1) || n1 < 1e-8 * n0; // false for NaN too
                if (!taken) {
                    alpha[row] = Math.max(1, alpha[row] / 4); // it overshot: the next relaxed steps start shorter
                }
            } else if (chordTarget[row] >= 0) {
                taken = capture.natural2(chordTarget[row], next, fnext, a) < leftNatural2[row]; // false for NaN too
            } else {
                double r2 = 0;
                for (int j = 0; j < k; j++) {
                    double d = (double) fnext[a * k + j] - next[a * k + j];
                    r2 += d * d;
                }
                taken = r2 < leftResidual2[row]; // false for NaN too
            }
            if (taken) {
                return true;
            }
            rejected++;
            if (!relaxedStep[row] && chordTarget[row] < 0) {
                startDrift(row); // the mixed step failed here
            }
            count[row] = 0; // restart: the next step is plain
            rejectedLast[row] = true;
            return false;
        }

        private void startDrift(int i) {
            if (drifts && maxAlpha > 1) {
                drift[i] = true;
                turns[i] = 0;
            }
        }

        private int slot(int i, int p) {
            return ((i * m) + (head[i] + p) % m) * k;
        }

        /** Appends the current point and image of seed i (row a) to its history, dropping the oldest when full. */
        private void push(int i, float[] z, float[] fz, int a) {
            int s;
            if (count[i] < m) {
                s = slot(i, count[i]);
                count[i]++;
            } else {
                s = slot(i, 0);
                head[i] = (head[i] + 1) % m;
            }
            System.arraycopy(z, a * k, histX, s, k);
            System.arraycopy(fz, a * k, histG, s, k);
        }

        /** Scratch space and counters, reused for every seed and step. */
        private final class Worker {
            private final double[] r = new double[k];
            private final double[] step = new double[k];
            private final double[] dX = new double[m * k];
            private final double[] dG = new double[m * k];
            private final double[] dR = new double[m * k];
            private final double[] gram = new double[m * m];
            private final double[] chol = new double[m * m];
            private final double[] rhs = new double[m];
            private final double[] gamma = new double[m];
            private final double[] col = new double[m];
            private final double[] h = new double[m * m];
            private final double[] sq = new double[m * m];
            long mixed, plain, expanding, singular, fastPlain, chord, relaxed, drifting;
            /** Why the last {@link #mix} declined: the plain step meets the rule within two more steps. */
            private boolean fast;

            void propose(int[] rows, float[] z, float[] fz, float[] next, boolean[] plainOut, int from, int to) {
                for (int a = from; a < to; a++) {
                    int i = rows[a];
                    boolean wasRejected = rejectedLast[i];
                    boolean chordStep = !plainOut[a] && capture != null && !wasRejected && chord(i, z, fz, a, next);
                    rejectedLast[i] = false;
                    if (!chordStep) {
                        chordTarget[i] = -1;
                    }
                    boolean forced = plainOut[a];
                    fast = false;
                    boolean afterRefusedRelaxation = wasRejected && relaxedStep[i];
                    relaxedStep[i] = false;
                    boolean mixedStep = chordStep;
                    if (!mixedStep && !forced && mixing && drift[i] && !wasRejected) {
                        // drifting: a relaxed step, else the plain one (which damps what the last relaxed step stirred)
                        mixedStep = relax(i, z, fz, a, next);
                        if (mixedStep) {
                            turns[i] = 0;
                            drifting++;
                        } else if (++turns[i] >= DRIFT_TURNS) {
                            drift[i] = false;
                        }
                    } else {
                        long expandedBefore = expanding;
                        mixedStep = mixedStep || !forced && mixing && mix(i, z, fz, a, next);
                        if (expanding > expandedBefore) {
                            startDrift(i);
                        }
                        if (!mixedStep && !forced && mixing && !fast && !wasRejected && maxAlpha > 1) {
                            mixedStep = relax(i, z, fz, a, next);
                        } else if (!afterRefusedRelaxation) {
                            alpha[i] = 1;
                        }
                    }
                    if (mixing) { // (a mixer that does not mix, a mixed-precision run's first leg, reads no history)
                        remember(i, z, fz, a);
                    }
                    if (mixedStep) {
                        mixed++;
                    } else {
                        System.arraycopy(fz, a * k, next, a * k, k);
                        plain++;
                    }
                    plainOut[a] = !mixedStep;
                    lastPlain[i] = !mixedStep;
                    if (mixing) {
                        push(i, z, fz, a);
                    }
                }
            }

            /**
             * Writes the mixed step of seed i (current point row a of z, image row a of fz) into next;
             * false when the seed should take the plain step instead (history restarted where it failed).
             */
            private boolean mix(int i, float[] z, float[] fz, int a, float[] next) {
                // (each loop is a small method of its own: as one method, mix was compiled by C2 five times in a run, four
                // of them on-stack, 330 ms of a core beside the map's two threads on a 2-core machine)
                int c = count[i];
                if (c == 0) {
                    return false;
                }
                int base = a * k;
                double r2 = residual(z, fz, base);
                if (!Double.isFinite(r2)) {
                    count[i] = 0;
                    return false;
                }
                if (lastPlain[i]) {
                    double q2 = r2 / newestResidual2(i, c);
                    if (r2 * q2 * q2 < tolerance) {
                        // at the last plain step's contraction q = |r|/|r_before|, at most two more plain steps meet the
                        // rule: a mixed step and the plain step that checks it cannot do better
                        fastPlain++;
                        fast = true;
                        return false;
                    }
                }
                // column p: from the p-th stored point (oldest first) to the next one, the last one to now
                for (int p = 0; p < c; p++) {
                    boolean last = p + 1 == c;
                    differences(p, slot(i, p), last ? base : slot(i, p + 1), last ? z : histX, last ? fz : histG);
                }
                // gamma = argmin |r - dR gamma|^2 + lambda tr(dR'dR) |gamma|^2
                if (!solve(c)) {
                    return restart(i);
                }
                if (attractorsOnly && expands(c)) {
                    expanding++;
                    return false; // keep the history: it moves on with the plain steps
                }
                if (beta >= 1) { // x' = g - dG gamma
                    copy(fz, base, step);
                    for (int p = 0; p < c; p++) {
                        subtract(step, dG, p * k, gamma[p]);
                    }
                } else { // x' = x + beta r - (dX + beta dR) gamma
                    for (int j = 0; j < k; j++) {
                        step[j] = z[base + j] + beta * r[j];
                    }
                    for (int p = 0; p < c; p++) {
                        subtractDamped(p, gamma[p]);
                    }
                }
                if (!store(next, base)) {
                    return restart(i);
                }
                leftResidual2[i] = r2;
                chordTarget[i] = -1;
                return true;
            }

            /** r = f(x) − x of the row at {@code base}; returns ‖r‖². */
            private double residual(float[] z, float[] fz, int base) {
                double r2 = 0;
                for (int j = 0; j < k; j++) {
                    r[j] = (double) fz[base + j] - z[base + j];
                    r2 += r[j] * r[j];
                }
                return r2;
            }

            /** ‖g − x‖² of seed i's newest stored point. */
            private double newestResidual2(int i, int c) {
                int newest = slot(i, c - 1);
                double before2 = 0;
                for (int j = 0; j < k; j++) {
                    double d = (double) histG[newest + j] - histX[newest + j];
                    before2 += d * d;
                }
                return before2;
            }

            /** Column p of ΔG, ΔX, ΔR: from the stored point at {@code from} to the point at {@code to} of xs / gs. */
            private void differences(int p, int from, int to, float[] xs, float[] gs) {
                for (int j = 0; j < k; j++) {
                    double g = (double) gs[to + j] - histG[from + j];
                    double x = (double) xs[to + j] - histX[from + j];
                    dG[p * k + j] = g;
                    dX[p * k + j] = x;
                    dR[p * k + j] = g - x;
                }
            }

            /** γ from the regularised normal equations of the first c columns of ΔR; false where singular or not finite. */
            private boolean solve(int c) {
                gram(dR, dR, c, gram, true);
                for (int p = 0; p < c; p++) {
                    rhs[p] = dot(dR, p * k, r, 0, k);
                }
                if (!cholesky(gram, c, chol)) {
                    return false;
                }
                substitute(chol, c, rhs, gamma);
                for (int p = 0; p < c; p++) {
                    if (!Double.isFinite(gamma[p])) {
                        return false;
                    }
                }
                return true;
            }

            private void copy(float[] from, int base, double[] to) {
                for (int j = 0; j < k; j++) {
                    to[j] = from[base + j];
                }
            }

            /** to −= g · column at {@code offset} of {@code columns}. */
            private void subtract(double[] to, double[] columns, int offset, double g) {
                for (int j = 0; j < k; j++) {
                    to[j] -= columns[offset + j] * g;
                }
            }

            private void subtractDamped(int p, double gp) {
                for (int j = 0; j < k; j++) {
                    step[j] -= (dX[p * k + j] + beta * dR[p * k + j]) * gp;
                }
            }

            /** next's row at {@code base} = step in float; false (nothing meaningful written) where a value is not finite. */
            private boolean store(float[] next, int base) {
                for (int j = 0; j < k; j++) {
                    float v = (float) step[j];
                    if (!Float.isFinite(v)) {
                        return false;
                    }
                    next[base + j] = v;
                }
                return true;
            }

            /** A chord step toward a known attractor near row a, when the linear model there takes it closer. */
            private boolean chord(int i, float[] z, float[] fz, int a, float[] next) {
                int base = a * k;
                double r2 = 0;
                for (int j = 0; j < k; j++) {
                    r[j] = (double) fz[base + j] - z[base + j];
                    r2 += r[j] * r[j];
                }
                int target = Double.isFinite(r2) ? capture.step(z, base, r, step) : -1;
                if (target < 0) {
                    return false;
                }
                double length2 = 0;
                for (int j = 0; j < k; j++) {
                    float v = (float) step[j];
                    if (!Float.isFinite(v)) {
                        return false;
                    }
                    next[base + j] = v;
                    double d = step[j] - z[base + j];
                    length2 += d * d;
                }
                leftResidual2[i] = r2;
                chordTarget[i] = target;
                leftNatural2[i] = length2;
                chord++;
                return true;
            }

            /**
             * A relaxed step x + α r when r = f(x) − x points the way the last residual did (α doubles, up to
             * {@link #maxAlpha}); false, with α halved, when it turned, or when nothing is known of the last step.
             */
            private boolean relax(int i, float[] z, float[] fz, int a, float[] next) {
                if (!haveLastR[i]) {
                    return false;
                }
                int base = a * k;
                int last = i * k;
                double dot = 0, n0 = 0, n1 = 0;
                for (int j = 0; j < k; j++) {
                    double rj = (double) fz[base + j] - z[base + j];
                    double pj = lastR[last + j];
                    dot += rj * pj;
                    n0 += pj * pj;
                    n1 += rj * rj;
                }
                if (!(dot > ALIGNED * Math.sqrt(n0 * n1))) {
                    alpha[i] = Math.max(1, alpha[i] / 2); // turned: the next relaxed steps start shorter, not from 1
                    return false;
                }
                double al = Math.min(maxAlpha, alpha[i] * 2);
                for (int j = 0; j < k; j++) {
                    float v = (float) (z[base + j] + al * ((double) fz[base + j] - z[base + j]));
                    if (!Float.isFinite(v)) {
                        alpha[i] = 1;
                        return false;
                    }
                    next[base + j] = v;
                }
                alpha[i] = al;
                relaxedStep[i] = true;
                chordTarget[i] = -1;
                relaxed++;
                return true;
            }

            /** Keeps the residual at row a's point for the next step's direction test. */
            private void remember(int i, float[] z, float[] fz, int a) {
                int base = a * k;
                int last = i * k;
                for (int j = 0; j < k; j++) {
                    lastR[last + j] = fz[base + j] - z[base + j];
                }
                haveLastR[i] = true;
            }

            private boolean restart(int i) {
                singular++;
                count[i] = 0;
                return false;
            }

            /**
             * Whether the map, restricted to the explored directions, fails to contract: the spectral radius of
             * H = (ΔX'ΔX)⁻¹ΔX'ΔG is at least 1. Near a fixed point ΔG = J·ΔX, so H's eigenvalues are J's Ritz
             * values on span ΔX; a saddle's unstable direction, which Anderson must explore to cancel it, shows
             * there. Decided by {@link #contracts}.
             */
            private boolean expands(int c) {
                gram(dX, dX, c, h, true);
                if (!cholesky(h, c, chol)) {
                    return true;
                }
                for (int q = 0; q < c; q++) { // column q of H: (dX'dX) h_q = dX' dG_q
                    for (int p = 0; p < c; p++) {
                        rhs[p] = dot(dX, p * k, dG, q * k, k);
                    }
                    substitute(chol, c, rhs, col);
                    for (int p = 0; p < c; p++) {
                        h[p * c + q] = col[p];
                    }
                }
                return !contracts(h, c, sq);
            }

            /** Gram matrix A'B of the first c columns (+ lambda tr on the diagonal when asked). */
            private void gram(double[] a, double[] b, int c, double[] out, boolean regularise) {
                for (int p = 0; p < c; p++) {
                    for (int q = 0; q <= p; q++) {
                        double sum = dot(a, p * k, b, q * k, k);
                        out[p * c + q] = sum;
                        out[q * c + p] = sum;
                    }
                }
                if (regularise) {
                    double trace = 0;
                    for (int p = 0; p < c; p++) {
                        trace += out[p * c + p];
                    }
                    double shift = lambda * trace + Double.MIN_NORMAL;
                    for (int p = 0; p < c; p++) {
                        out[p * c + p] += shift;
                    }
                }
            }
        }
    }

    /**
     * Whether the spectral radius of the c × c matrix a (row-major) is below 1: ρ(a)^p ≤ ‖a^p‖ for every p,
     * so some ‖a^(2^j)‖_F &lt; 1 proves it (found by squaring, usually after a few squarings); none up to
     * p = 2^10 counts as not contracting, which errs towards "expanding" only for ρ within about
     * log(√c·κ)/1024 of 1 (κ the condition of a's eigenvectors). {@code work} holds c × c values; a is overwritten.
     */
    static boolean contracts(double[] a, int c, double[] work) {
        for (int it = 0; it <= 10; it++) {
            if (it > 0) {
                square(a, c, work);
            }
            double norm = frobenius(a, c);
            if (norm < 1) {
                return true;
            }
            if (!Double.isFinite(norm)) {
                return false;
            }
        }
        return false;
    }

    /** a[ao..ao+n) · b[bo..bo+n), four partial sums (a single one waits on each addition). */
    static double dot(double[] a, int ao, double[] b, int bo, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 3 < n; j += 4) {
            s0 += a[ao + j] * b[bo + j];
            s1 += a[ao + j + 1] * b[bo + j + 1];
            s2 += a[ao + j + 2] * b[bo + j + 2];
            s3 += a[ao + j + 3] * b[bo + j + 3];
        }
        for (; j < n; j++) {
            s0 += a[ao + j] * b[bo + j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static void square(double[] a, int c, double[] work) {
        for (int p = 0; p < c; p++) {
            for (int q = 0; q < c; q++) {
                double s = 0;
                for (int t = 0; t < c; t++) {
                    s += a[p * c + t] * a[t * c + q];
                }
                work[p * c + q] = s;
            }
        }
        System.arraycopy(work, 0, a, 0, c * c);
    }

    private static double frobenius(double[] a, int c) {
        double s = 0;
        for (int p = 0; p < c * c; p++) {
            s += a[p] * a[p];
        }
        return Math.sqrt(s);
    }

    /**
     * Cholesky factor L (row-major, lower) of the symmetric c × c matrix a; false when a pivot is not
     * positive (relative to the largest diagonal entry), i.e. the system is singular in double precision.
     */
    static boolean cholesky(double[] a, int c, double[] l) {
        double maxDiag = 0;
        for (int p = 0; p < c; p++) {
            maxDiag = Math.max(maxDiag, a[p * c + p]);
        }
        if (!(maxDiag > 0) || !Double.isFinite(maxDiag)) {
            return false;
        }
        for (int p = 0; p < c; p++) {
            for (int q = 0; q <= p; q++) {
                double s = a[p * c + q];
                for (int t = 0; t < q; t++) {
                    s -= l[p * c + t] * l[q * c + t];
                }
                if (p == q) {
                    if (!(s > 1e-14 * maxDiag)) {
                        return false;
                    }
                    l[p * c + p] = Math.sqrt(s);
                } else {
                    l[p * c + q] = s / l[q * c + q];
                }
            }
        }
        return true;
    }

    /** x = (L L')⁻¹ b for a Cholesky factor L; b is overwritten. */
    static void substitute(double[] l, int c, double[] b, double[] x) {
        for (int p = 0; p < c; p++) { // L y = b
            double s = b[p];
            for (int t = 0; t < p; t++) {
                s -= l[p * c + t] * b[t];
            }
            b[p] = s / l[p * c + p];
        }
        for (int p = c - 1; p >= 0; p--) { // L' x = y
            double s = b[p];
            for (int t = p + 1; t < c; t++) {
                s -= l[t * c + p] * x[t];
            }
            x[p] = s / l[p * c + p];
        }
    }

    /**
     * Spectral radius of the c × c matrix a (row-major) by Gelfand's formula: ‖a^p‖^(1/p) for p = 2^10,
     * squaring and renormalising (Frobenius norm) ten times. Always at least the true radius; above it by
     * at most a factor (√c · κ)^(1/p) with κ the condition of a's eigenvectors. {@code work} holds c × c
     * values; a is overwritten.
     */
    static double spectralRadius(double[] a, int c, double[] work) {
        double logScale = 0;
        for (int it = 0; it <= 10; it++) {
            if (it > 0) {
                square(a, c, work);
            }
            double norm = frobenius(a, c);
            if (norm == 0) {
                return 0;
            }
            if (!Double.isFinite(norm)) {
                return Double.POSITIVE_INFINITY;
            }
            for (int p = 0; p < c * c; p++) {
                a[p] /= norm;
            }
            logScale = 2 * logScale + Math.log(norm); // ‖a_original^(2^it)‖ = exp(logScale)
        }
        return Math.exp(logScale / 1024);
    }

    /**
     * The attractors seeds of this run have converged to, each with M = (I − J)⁻¹ of its Jacobian J (central differences,
     * once per attractor, in one map call; a point whose Jacobian has an eigenvalue of modulus 1 or more, a saddle an
     * end point lay near, gets no chord steps). A seed whose point z lies within a quarter of the distance between its
     * nearest attractor z* and any other may take the chord step z' = z + M (f(z) − z) (Newton's step with the
     * Jacobian at z*), when the step takes it to {@link #GAIN} of its distance to z* at most; the step is then kept only
     * if it lowered ‖M (f(z) − z)‖ ({@link Mixer#accept}), and the plain-image rule still decides convergence, so an end
     * point is a fixed point of f that plain steps contract to.
     */
    static final class Capture {
        static final int MAX_ATTRACTORS = 64;
        static final int MAX_DIM = 256;
        /** A chord step only within this share of the distance from the attractor to its nearest other one. */
        static final double SEP = 0.25;
        /**
         * ... and only when the linear model brings the point this much nearer the attractor at least. 0.7 since chord
         * steps are judged by their natural monotonicity ({@link Mixer#accept}); at 0.5, seeds 0.6-1 from the slow
         * attractor (ρ = 0.97) of the benchmark's MLP, predicted at 0.5-0.65, crept in by plain steps (measured, 10^4
         * seeds, mixed precision: bfloat16 evaluations 287,095 at 0.5, 263,544 at 0.7, 261,188 at 0.9; float32 42,032 /
         * 40,570 / 40,620; every seed on the same attractor at all three).
         */
        static final double GAIN = 0.7;
        private final int k;
        private final java.util.List<float[]> points = new java.util.ArrayList<>();
        private final java.util.List<double[]> inverses = new java.util.ArrayList<>(); // null: not usable
        private final java.util.List<Double> separation = new java.util.ArrayList<>();
        /** The points, one after another (for {@link #distances2}), and scratch space for one row's sums. */
        private float[] flat = new float[0];
        private final double[] distanceScratch = new double[MAX_ATTRACTORS];
        private final double[] residualScratch;
        private final double[] productScratch;
        private int prepared;

        Capture(int k) {
            this.k = k;
            residualScratch = new double[k];
            productScratch = new double[k];
        }

        /** A converged point: a new attractor unless within 1e-2 · max(1, ‖z‖) of a known one. */
        void add(float[] z, int a) {
            if (k > MAX_DIM || points.size() >= MAX_ATTRACTORS) {
                return;
            }
            float[] p = java.util.Arrays.copyOfRange(z, a * k, a * k + k);
            double same = 1e-2 * Math.max(1, Math.sqrt(norm2(p, 0)));
            for (float[] q : points) {
                if (Math.sqrt(distance2(p, 0, q)) < same) {
                    return;
                }
            }
            points.add(p);
            flat = java.util.Arrays.copyOf(flat, points.size() * k);
            System.arraycopy(p, 0, flat, (points.size() - 1) * k, k);
            inverses.add(null);
            separation.add(Double.POSITIVE_INFINITY);
            for (int x = 0; x < points.size() - 1; x++) {
                double d = Math.sqrt(distance2(p, 0, points.get(x)));
                separation.set(x, Math.min(separation.get(x), d));
                separation.set(points.size() - 1, Math.min(separation.get(points.size() - 1), d));
            }
        }

        /** Jacobians of the attractors added since the last call: map evaluations made. */
        int prepare(LatentMap f) {
            int from = prepared;
            int to = points.size();
            if (from == to) {
                return 0;
            }
            int rows = (to - from) * 2 * k;
            float[] in = new float[rows * k];
            double[][] steps = new double[to - from][k];
            for (int x = from; x < to; x++) {
                float[] p = points.get(x);
                for (int j = 0; j < k; j++) {
                    double h = 1e-3 * Math.max(1, Math.abs(p[j]));
                    float up = (float) (p[j] + h);
                    float down = (float) (p[j] - h);
                    steps[x - from][j] = (double) up - down;
                    int r = ((x - from) * 2 * k + 2 * j) * k;
                    System.arraycopy(p, 0, in, r, k);
                    System.arraycopy(p, 0, in, r + k, k);
                    in[r + j] = up;
                    in[r + k + j] = down;
                }
            }
            float[] out = Maps.apply(f, in, rows, k);
            for (int x = from; x < to; x++) {
                double[] a = new double[k * k]; // I − J, row-major
                double[][] jacobian = new double[k][k];
                for (int j = 0; j < k; j++) { // column j of J
                    int r = ((x - from) * 2 * k + 2 * j) * k;
                    for (int row = 0; row < k; row++) {
                        double jac = ((double) out[r + row] - out[r + k + row]) / steps[x - from][j];
                        jacobian[row][j] = jac;
                        a[row * k + j] = (row == j ? 1 : 0) - jac;
                    }
                }
                // Chord steps are Newton's steps: they converge to any fixed point. Only an attractor may pull seeds in;
                // a converged end point that lies near a saddle would otherwise gather the seeds around it.
                inverses.set(x, Attraction.attracting(jacobian) ? invert(a, k) : null);
            }
            prepared = to;
            return rows;
        }

        /**
         * The chord step from row {@code base} of z with residual r into out: the index of the attractor it goes toward,
         * or -1 where none applies.
         */
        int step(float[] z, int base, double[] r, double[] out) {
            if (prepared == 0) {
                return -1;
            }
            double[] d2 = distances2(z, base);
            int best = -1;
            double bestD = Double.POSITIVE_INFINITY;
            for (int x = 0; x < prepared; x++) {
                double d = Math.sqrt(d2[x]);
                if (d < bestD) {
                    bestD = d;
                    best = x;
                }
            }
            if (best < 0 || inverses.get(best) == null || !(bestD < SEP * separation.get(best))) {
                return -1;
            }
            for (int row = 0; row < k; row++) {
                out[row] = z[base + row];
            }
            addProduct(inverses.get(best), k, r, out);
            float[] p = points.get(best);
            double after2 = 0;
            for (int row = 0; row < k; row++) {
                double d = out[row] - p[row];
                after2 += d * d;
            }
            return Math.sqrt(after2) <= GAIN * bestD ? best : -1;
        }

        /**
         * ‖z − z*‖² of row {@code base} of z for every prepared attractor, four at a time: each sum still adds its terms
         * in order (the same values as one at a time), but four independent sums keep the FPU busy where one waits on
         * each addition. This and {@link #addProduct} were the job thread's largest Java cost (JFR, side-by-side's MLP).
         */
        double[] distances2(float[] z, int base) {
            double[] d2 = distanceScratch;
            int x = 0;
            for (; x + 3 < prepared; x += 4) {
                int o0 = x * k, o1 = o0 + k, o2 = o1 + k, o3 = o2 + k;
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                for (int j = 0; j < k; j++) {
                    double v = z[base + j];
                    double e0 = v - flat[o0 + j], e1 = v - flat[o1 + j], e2 = v - flat[o2 + j], e3 = v - flat[o3 + j];
                    s0 += e0 * e0;
                    s1 += e1 * e1;
                    s2 += e2 * e2;
                    s3 += e3 * e3;
                }
                d2[x] = s0;
                d2[x + 1] = s1;
                d2[x + 2] = s2;
                d2[x + 3] = s3;
            }
            for (; x < prepared; x++) {
                d2[x] = distance2(z, base, points.get(x));
            }
            return d2;
        }

        /**
         * out += M v for the k × k matrix M (row-major), four rows at a time: each row's sum adds its terms in the order
         * of the plain loop (the same values), in four independent chains.
         */
        static void addProduct(double[] m, int k, double[] v, double[] out) {
            int row = 0;
            for (; row + 3 < k; row += 4) {
                int o0 = row * k, o1 = o0 + k, o2 = o1 + k, o3 = o2 + k;
                double s0 = out[row], s1 = out[row + 1], s2 = out[row + 2], s3 = out[row + 3];
                for (int j = 0; j < k; j++) {
                    double vj = v[j];
                    s0 += m[o0 + j] * vj;
                    s1 += m[o1 + j] * vj;
                    s2 += m[o2 + j] * vj;
                    s3 += m[o3 + j] * vj;
                }
                out[row] = s0;
                out[row + 1] = s1;
                out[row + 2] = s2;
                out[row + 3] = s3;
            }
            for (; row < k; row++) {
                double s = out[row];
                for (int j = 0; j < k; j++) {
                    s += m[row * k + j] * v[j];
                }
                out[row] = s;
            }
        }

        /** ‖M (f(x) − x)‖² for row a of x (f(x) in fx), M of attractor {@code x}: the linear model's distance² to it. */
        double natural2(int target, float[] x, float[] fx, int a) {
            int base = a * k;
            for (int j = 0; j < k; j++) {
                residualScratch[j] = (double) fx[base + j] - x[base + j];
                productScratch[j] = 0;
            }
            addProduct(inverses.get(target), k, residualScratch, productScratch);
            double s = 0;
            for (int row = 0; row < k; row++) {
                s += productScratch[row] * productScratch[row];
            }
            return Double.isFinite(s) ? s : Double.POSITIVE_INFINITY;
        }

        private double norm2(float[] p, int base) {
            double s = 0;
            for (int j = 0; j < k; j++) {
                s += (double) p[base + j] * p[base + j];
            }
            return s;
        }

        private double distance2(float[] z, int base, float[] p) {
            double s = 0;
            for (int j = 0; j < k; j++) {
                double d = (double) z[base + j] - p[j];
                s += d * d;
            }
            return s;
        }

        /** The inverse of a k × k matrix (Gauss–Jordan, partial pivoting), or null when it is (nearly) singular. */
        static double[] invert(double[] a, int k) {
            double[] m = a.clone();
            double[] inv = new double[k * k];
            for (int j = 0; j < k; j++) {
                inv[j * k + j] = 1;
            }
            for (int c = 0; c < k; c++) {
                int piv = c;
                for (int row = c + 1; row < k; row++) {
                    if (Math.abs(m[row * k + c]) > Math.abs(m[piv * k + c])) {
                        piv = row;
                    }
                }
                double pv = m[piv * k + c];
                if (!(Math.abs(pv) > 1e-10)) {
                    return null;
                }
                if (piv != c) {
                    swap(m, piv, c, k);
                    swap(inv, piv, c, k);
                }
                for (int j = 0; j < k; j++) {
                    m[c * k + j] /= pv;
                    inv[c * k + j] /= pv;
                }
                for (int row = 0; row < k; row++) {
                    double factor = m[row * k + c];
                    if (row == c || factor == 0) {
                        continue;
                    }
                    for (int j = 0; j < k; j++) {
                        m[row * k + j] -= factor * m[c * k + j];
                        inv[row * k + j] -= factor * inv[c * k + j];
                    }
                }
            }
            for (double v : inv) {
                if (!Double.isFinite(v)) {
                    return null;
                }
            }
            return inv;
        }

        private static void swap(double[] m, int r1, int r2, int k) {
            for (int j = 0; j < k; j++) {
                double t = m[r1 * k + j];
                m[r1 * k + j] = m[r2 * k + j];
                m[r2 * k + j] = t;
            }
        }
    }
}
