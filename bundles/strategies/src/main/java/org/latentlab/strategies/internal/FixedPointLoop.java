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
         * @param rows  seed indices of the active rows, in batch order
         * @param z     their current points [rows.length × k]
         * @param fz    f of those points
         * @param next  where to write the proposals [rows.length × k]
         * @param plain on entry true where the loop takes the plain step f(z) whatever is proposed (to check the
         *              stopping rule); on return true where the proposal is the plain step next = f(z)
         * @param evals per row: map evaluations the scheme made itself, added to the seed's count
         */
        void propose(LatentMap f, int[] rows, float[] z, float[] fz, int k, float[] next, boolean[] plain, int[] evals);

        /**
         * Whether row {@code a}'s evaluated mixed proposal is taken. A rejected row keeps its point (the
         * evaluation still counts) and the scheme's next proposal for it must be plain. Plain proposals are
         * always taken.
         */
        default boolean accept(int a, int row, float[] z, float[] fz, float[] next, float[] fnext, int k) {
            return true;
        }
    }

    /** Plain iteration: the proposal is f(z). */
    static final Scheme PLAIN = (f, rows, z, fz, k, next, plain, evals) -> {
        System.arraycopy(fz, 0, next, 0, next.length);
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
        OWN_POINT
    }

    static List<Trajectory> run(LatentMap f, Tensor seeds, Parameters p, Progress progress, Scheme scheme) {
        return run(f, seeds, p, progress, scheme, Rule.PLAIN_IMAGE);
    }

    static List<Trajectory> run(LatentMap f, Tensor seeds, Parameters p, Progress progress, Scheme scheme, Rule rule) {
        double tol = p.getDouble("tolerance", 1e-6);
        int maxSteps = p.getInt("maxSteps", 3000);
        double divergence = p.getDouble("divergenceNorm", 1e6);
        boolean record = p.getBoolean("recordPaths", false);
        int n = seeds.rows();
        int k = seeds.width();
        // per seed: where it stopped
        float[] end = seeds.data().clone();
        int[] steps = new int[n];
        double[] path = new double[n];
        double[] residual = new double[n];
        long[] evaluations = new long[n];
        byte[] state = new byte[n];
        List<List<float[]>> paths = new ArrayList<>();
        // the active seeds, compacted in seed order: their ids, points, images, and whether the next step is a check
        float[] z = seeds.data().clone();
        float[] fz = Maps.apply(f, z, n, k);
        int[] ids = new int[n];
        boolean[] check = new boolean[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
            evaluations[i] = 1;
            paths.add(record ? new ArrayList<>() : null);
            if (record) {
                paths.get(i).add(seeds.row(i));
            }
            double r2 = residual2(z, fz, i, k);
            residual[i] = Math.sqrt(r2);
            if (!finite(z, fz, i, k, divergence)) {
                state[i] = DIVERGED;
            }
        }
        int m = compact(n, k, ids, z, fz, check, state, end);
        while (m > 0) {
            if (progress.cancelled()) {
                throw new CancellationException("cancelled");
            }
            int[] rows = Arrays.copyOf(ids, m);
            float[] za = Arrays.copyOf(z, m * k);
            float[] fa = Arrays.copyOf(fz, m * k);
            float[] next = new float[m * k];
            boolean[] plain = Arrays.copyOf(check, m);
            int[] extra = new int[m];
            scheme.propose(f, rows, za, fa, k, next, plain, extra);
            for (int a = 0; a < m; a++) {
                if (check[a]) {
                    System.arraycopy(fa, a * k, next, a * k, k);
                    plain[a] = true;
                }
            }
            float[] fnext = Maps.apply(f, next, m, k);
            for (int a = 0; a < m; a++) {
                int i = rows[a];
                evaluations[i] += 1 + extra[a];
                if (!plain[a] && !scheme.accept(a, i, za, fa, next, fnext, k)) {
                    continue;
                }
                double d = 0;
                for (int j = 0; j < k; j++) {
                    double s = next[a * k + j] - za[a * k + j];
                    d += s * s;
                }
                path[i] += Math.sqrt(d);
                steps[i]++;
                System.arraycopy(next, a * k, z, a * k, k);
                System.arraycopy(fnext, a * k, fz, a * k, k);
                if (record) {
                    paths.get(i).add(Arrays.copyOfRange(next, a * k, a * k + k));
                }
                double r2 = residual2(z, fz, a, k);
                // (a residual 100 times below the tolerance's counts as contracted: float rounding stalls it there)
                boolean contracted = !check[a] || rule != Rule.PLAIN_IMAGE_CONTRACTING || Math.sqrt(r2) < residual[i]
                        || r2 < 1e-4 * tol;
                boolean wasCheck = check[a];
                residual[i] = Math.sqrt(r2);
                check[a] = false;
                if (!finite(z, fz, a, k, divergence)) {
                    state[i] = DIVERGED;
                } else if (r2 < tol && (plain[a] || rule == Rule.OWN_POINT) && contracted) {
                    state[i] = CONVERGED;
                } else if (steps[i] >= maxSteps) {
                    state[i] = OUT_OF_STEPS;
                } else {
                    // a mixed point within tolerance, or a check step that did not contract: the next step is a plain check
                    check[a] = r2 < tol && (!plain[a] || wasCheck);
                }
            }
            progress.advance(m);
            m = compact(m, k, ids, z, fz, check, state, end);
        }
        List<Trajectory> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[][] visited = record ? paths.get(i).toArray(new float[0][]) : null;
            out.add(new Trajectory(i, Arrays.copyOfRange(end, i * k, i * k + k), steps[i], state[i] == CONVERGED,
                    state[i] == DIVERGED, path[i], residual[i], visited, evaluations[i]));
        }
        return out;
    }

    /**
     * Moves the rows of stopped seeds out: their points go to {@code end}, the still-active rows close
     * up in order. Returns the number of active rows.
     */
    private static int compact(int m, int k, int[] ids, float[] z, float[] fz, boolean[] check, byte[] state, float[] end) {
        int w = 0;
        for (int a = 0; a < m; a++) {
            int i = ids[a];
            if (state[i] != ACTIVE) {
                System.arraycopy(z, a * k, end, i * k, k);
                continue;
            }
            if (w != a) {
                ids[w] = i;
                check[w] = check[a];
                System.arraycopy(z, a * k, z, w * k, k);
                System.arraycopy(fz, a * k, fz, w * k, k);
            }
            w++;
        }
        return w;
    }

    /**
     * The rule for one seed whose point z and image fz sit at row {@code i}: sets its residual ‖f(z) − z‖ and
     * its state (diverged, converged when {@code checkConvergence}, out of steps). {@link PicardRun} uses it
     * so that the streamed plain loop stops exactly where this loop does.
     */
    static void classify(int i, float[] z, float[] fz, int k, double tol, double divergence, int maxSteps,
            int[] steps, double[] residual, byte[] state, boolean checkConvergence) {
        double r2 = residual2(z, fz, i, k);
        residual[i] = Math.sqrt(r2);
        if (!finite(z, fz, i, k, divergence)) {
            state[i] = DIVERGED;
        } else if (checkConvergence && r2 < tol) {
            state[i] = CONVERGED;
        } else if (steps[i] >= maxSteps) {
            state[i] = OUT_OF_STEPS;
        }
    }

    private static double residual2(float[] z, float[] fz, int a, int k) {
        double r2 = 0;
        for (int j = 0; j < k; j++) {
            double d = fz[a * k + j] - z[a * k + j];
            r2 += d * d;
        }
        return r2;
    }

    private static boolean finite(float[] z, float[] fz, int a, int k, double divergence) {
        double norm2 = 0;
        for (int j = 0; j < k; j++) {
            float x = z[a * k + j];
            if (!Float.isFinite(x) || !Float.isFinite(fz[a * k + j])) {
                return false;
            }
            norm2 += (double) x * x;
        }
        return Math.sqrt(norm2) <= divergence;
    }
}
