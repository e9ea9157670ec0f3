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
                        "take a plain step where the history shows the map expanding (keeps Anderson off saddles)"));
    }

    @Override
    public List<Trajectory> iterate(LatentMap map, Tensor seeds, Parameters params, Progress progress) {
        return iterate(map, seeds, Math.max(1, seeds.rows()), params, progress);
    }

    @Override
    public List<Trajectory> iterate(LatentMap map, Tensor seeds, int batch, Parameters params, Progress progress) {
        Mixer mixer = new Mixer(Math.max(1, Math.min(batch, seeds.rows())), seeds.width(), params.getInt("history", 5),
                params.getDouble("regularization", 1e-8), params.getDouble("beta", 1.0),
                params.getBoolean("attractorsOnly", true), params.getDouble("tolerance", 1e-6));
        return FixedPointLoop.run(map, seeds, batch, params, progress, mixer, FixedPointLoop.Rule.PLAIN_IMAGE_CONTRACTING);
    }

    /** How often each safeguard acted in one run (for tests and diagnosis). */
    record Counts(long mixed, long plain, long rejected, long expanding, long singular, long fastPlain) {}

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
        /** Whether the step that led to the seed's current point was plain. */
        private final boolean[] lastPlain;
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
            lastPlain = new boolean[n];
            worker = new Worker(); // sized by k and m
        }

        Counts counts() {
            Worker w = worker;
            return new Counts(w.mixed, w.plain, rejected, w.expanding, w.singular, w.fastPlain);
        }

        @Override
        public void propose(LatentMap f, int[] rows, float[] z, float[] fz, int k, float[] next, boolean[] plain, int[] evals) {
            worker.propose(rows, z, fz, next, plain, 0, rows.length);
        }

        @Override
        public void start(int row) {
            count[row] = 0;
            head[row] = 0;
            leftResidual2[row] = 0;
            lastPlain[row] = false;
        }

        @Override
        public boolean accept(int a, int row, float[] z, float[] fz, float[] next, float[] fnext, int k) {
            double r2 = 0;
            for (int j = 0; j < k; j++) {
                double d = (double) fnext[a * k + j] - next[a * k + j];
                r2 += d * d;
            }
            if (r2 < leftResidual2[row]) { // false for NaN too
                return true;
            }
            rejected++;
            count[row] = 0; // restart: the next step is plain
            return false;
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
            long mixed, plain, expanding, singular, fastPlain;

            void propose(int[] rows, float[] z, float[] fz, float[] next, boolean[] plainOut, int from, int to) {
                for (int a = from; a < to; a++) {
                    int i = rows[a];
                    boolean mixedStep = !plainOut[a] && mix(i, z, fz, a, next);
                    if (mixedStep) {
                        mixed++;
                    } else {
                        System.arraycopy(fz, a * k, next, a * k, k);
                        plain++;
                    }
                    plainOut[a] = !mixedStep;
                    lastPlain[i] = !mixedStep;
                    push(i, z, fz, a);
                }
            }

            /**
             * Writes the mixed step of seed i (current point row a of z, image row a of fz) into next;
             * false when the seed should take the plain step instead (history restarted where it failed).
             */
            private boolean mix(int i, float[] z, float[] fz, int a, float[] next) {
                int c = count[i];
                if (c == 0) {
                    return false;
                }
                int base = a * k;
                double r2 = 0;
                for (int j = 0; j < k; j++) {
                    r[j] = (double) fz[base + j] - z[base + j];
                    r2 += r[j] * r[j];
                }
                if (!Double.isFinite(r2)) {
                    count[i] = 0;
                    return false;
                }
                if (lastPlain[i]) {
                    int newest = slot(i, c - 1);
                    double before2 = 0;
                    for (int j = 0; j < k; j++) {
                        double d = (double) histG[newest + j] - histX[newest + j];
                        before2 += d * d;
                    }
                    double q2 = r2 / before2;
                    if (r2 * q2 * q2 < tolerance) {
                        // at the last plain step's contraction q = |r|/|r_before|, at most two more plain steps meet the
                        // rule: a mixed step and the plain step that checks it cannot do better
                        fastPlain++;
                        return false;
                    }
                }
                // column p: from the p-th stored point (oldest first) to the next one, the last one to now
                for (int p = 0; p < c; p++) {
                    int from = slot(i, p);
                    boolean last = p + 1 == c;
                    int to = last ? base : slot(i, p + 1);
                    float[] xs = last ? z : histX;
                    float[] gs = last ? fz : histG;
                    for (int j = 0; j < k; j++) {
                        double g = (double) gs[to + j] - histG[from + j];
                        double x = (double) xs[to + j] - histX[from + j];
                        dG[p * k + j] = g;
                        dX[p * k + j] = x;
                        dR[p * k + j] = g - x;
                    }
                }
                // gamma = argmin |r - dR gamma|^2 + lambda tr(dR'dR) |gamma|^2
                gram(dR, dR, c, gram, true);
                for (int p = 0; p < c; p++) {
                    rhs[p] = dot(dR, p * k, r, 0, k);
                }
                if (!cholesky(gram, c, chol)) {
                    return restart(i);
                }
                substitute(chol, c, rhs, gamma);
                for (int p = 0; p < c; p++) {
                    if (!Double.isFinite(gamma[p])) {
                        return restart(i);
                    }
                }
                if (attractorsOnly && expands(c)) {
                    expanding++;
                    return false; // keep the history: it moves on with the plain steps
                }
                if (beta >= 1) { // x' = g - dG gamma
                    for (int j = 0; j < k; j++) {
                        step[j] = fz[base + j];
                    }
                    for (int p = 0; p < c; p++) {
                        double gp = gamma[p];
                        for (int j = 0; j < k; j++) {
                            step[j] -= dG[p * k + j] * gp;
                        }
                    }
                } else { // x' = x + beta r - (dX + beta dR) gamma
                    for (int j = 0; j < k; j++) {
                        step[j] = z[base + j] + beta * r[j];
                    }
                    for (int p = 0; p < c; p++) {
                        double gp = gamma[p];
                        for (int j = 0; j < k; j++) {
                            step[j] -= (dX[p * k + j] + beta * dR[p * k + j]) * gp;
                        }
                    }
                }
                for (int j = 0; j < k; j++) {
                    float v = (float) step[j];
                    if (!Float.isFinite(v)) {
                        return restart(i);
                    }
                    next[base + j] = v;
                }
                leftResidual2[i] = r2;
                return true;
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
}
