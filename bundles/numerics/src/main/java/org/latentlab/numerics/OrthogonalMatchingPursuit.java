package org.latentlab.numerics;

import java.util.Arrays;
import java.util.concurrent.Executor;
import org.latentlab.api.LatentLabException;

/**
 * Orthogonal matching pursuit (Pati, Rezaiifar and Krishnaprasad 1993) over a dictionary of m unit
 * atoms d_1..d_m in R^k (rows of a [m × k] float32 matrix). For a signal y and a sparsity s, starting
 * from the residual r = y and no chosen atoms, each step:
 * <ol>
 * <li>stops if ‖r‖ ≤ tol·‖y‖ (the signal is explained), or if max_j |⟨r, d_j⟩| ≤ tol·‖y‖ over the
 * atoms not chosen yet (r is orthogonal to the dictionary: s is more than it can use);</li>
 * <li>chooses the atom j with the largest |⟨r, d_j⟩| (ties: the lowest index);</li>
 * <li>sets the coefficients x to the least-squares solution of min ‖y − Σ_{i∈S} x_i d_i‖ over the
 * chosen atoms S, and r = y − Σ x_i d_i.</li>
 * </ol>
 * At most s steps. The least squares are an incremental QR of the chosen atoms (modified Gram–Schmidt,
 * orthogonalised twice), so each step costs O(m·k + s·k); an atom numerically inside the span of
 * the chosen ones ends the pursuit. All arithmetic is in double. tol defaults to
 * {@link #DEFAULT_TOLERANCE}: below it a residual is the float32 rounding of the inputs.
 *
 * <p>The choice is greedy, so the atoms chosen with sparsity s are the first s chosen with any larger
 * sparsity; the coefficients are refitted at every step. Immutable; the dictionary is not copied.
 */
public final class OrthogonalMatchingPursuit {

    /** Relative residual (and correlation) below which the pursuit stops. */
    public static final double DEFAULT_TOLERANCE = 1e-6;

    /** Atoms must have a Euclidean norm within this of 1. */
    static final double UNIT_TOLERANCE = 1e-4;

    /** A new atom whose part orthogonal to the chosen ones is shorter than this is in their span. */
    static final double INDEPENDENCE = 1e-9;

    private final float[] atoms;
    private final int m;
    private final int k;
    private final double tol;

    private OrthogonalMatchingPursuit(float[] atoms, int m, int k, double tol) {
        this.atoms = atoms;
        this.m = m;
        this.k = k;
        this.tol = tol;
    }

    /**
     * @param dictionary [m × k] float32 atoms, row-major, each of unit Euclidean norm (within 1e-4; see
     *                   {@link #normalizeRows})
     */
    public static OrthogonalMatchingPursuit of(float[] dictionary, int m, int k) {
        checkMatrix("dictionary", dictionary, m, k);
        if (m < 1) {
            throw new LatentLabException("the dictionary has no atoms; matching pursuit needs at least one");
        }
        for (int a = 0; a < m; a++) {
            double norm = Math.sqrt(dot(dictionary, a * k, dictionary, a * k, k));
            if (Math.abs(norm - 1) > UNIT_TOLERANCE) {
                throw new IllegalArgumentException("dictionary atom " + a + " has norm " + norm
                        + ", not 1; normalise the atoms first (OrthogonalMatchingPursuit.normalizeRows)");
            }
        }
        return new OrthogonalMatchingPursuit(dictionary, m, k, DEFAULT_TOLERANCE);
    }

    /** The same dictionary with another stopping tolerance (relative to ‖y‖, in [0, 1)). */
    public OrthogonalMatchingPursuit withTolerance(double tolerance) {
        if (!(tolerance >= 0 && tolerance < 1)) {
            throw new IllegalArgumentException("the tolerance must be in [0, 1), not " + tolerance);
        }
        return new OrthogonalMatchingPursuit(atoms, m, k, tolerance);
    }

    /**
     * Each row divided by its Euclidean norm (computed in double), as a new array.
     *
     * @throws LatentLabException if a row is zero (it has no direction) or not finite
     */
    public static float[] normalizeRows(float[] data, int rows, int k) {
        checkMatrix("row", data, rows, k);
        float[] out = new float[data.length];
        for (int a = 0; a < rows; a++) {
            double norm = Math.sqrt(dot(data, a * k, data, a * k, k));
            if (norm == 0) {
                throw new LatentLabException("row " + a + " is the zero vector and cannot be normalised to unit length; "
                        + "leave it out of the dictionary");
            }
            for (int j = 0; j < k; j++) {
                out[a * k + j] = (float) (data[a * k + j] / norm);
            }
        }
        return out;
    }

    public int atoms() {
        return m;
    }

    public int dimension() {
        return k;
    }

    /** The code of one signal y [k] with at most s atoms. */
    public Code encode(float[] signal, int s) {
        checkMatrix("signal", signal, 1, k);
        checkSparsity(s);
        return encode(signal, 0, s);
    }

    /**
     * The codes of many signals [count × k] with at most s atoms each, in parallel on {@code executor}
     * (null: a parallel stream). Codes and approximations are in signal order.
     */
    public Codes encodeAll(float[] signals, int count, int s, Executor executor) {
        checkMatrix("signal", signals, count, k);
        checkSparsity(s);
        Code[] codes = new Code[count];
        float[] approx = new float[count * k];
        int chunk = 64;
        Parallel.run((count + chunk - 1) / chunk, c -> {
            for (int i = c * chunk; i < Math.min(count, (c + 1) * chunk); i++) {
                codes[i] = encode(signals, i * k, s);
                for (int j = 0; j < k; j++) {
                    approx[i * k + j] = (float) codes[i].approximation()[j];
                }
            }
        }, executor);
        return new Codes(Arrays.asList(codes), approx);
    }

    /**
     * One signal's code.
     *
     * @param atoms         chosen atom indices in the order chosen
     * @param coefficients  their least-squares coefficients, same order
     * @param approximation Σ coefficients[i]·d_atoms[i], [k]
     * @param residualNorm  ‖y − approximation‖
     */
    public record Code(int[] atoms, double[] coefficients, double[] approximation, double residualNorm) {}

    /**
     * @param codes          per signal
     * @param approximations [count × k] float32 approximations, row-major
     */
    public record Codes(java.util.List<Code> codes, float[] approximations) {}

    private Code encode(float[] y, int off, int s) {
        double[] r = new double[k];
        for (int j = 0; j < k; j++) {
            r[j] = y[off + j];
        }
        double yNorm = Math.sqrt(dot(r, r));
        double stop = tol * yNorm;
        int steps = Math.min(s, Math.min(m, k));
        int[] chosen = new int[steps];
        boolean[] used = new boolean[m];
        double[][] q = new double[steps][];
        double[][] rr = new double[steps][steps]; // R of the QR of the chosen atoms
        double[] z = new double[steps]; // Qᵀy
        int t = 0;
        while (t < steps && yNorm > 0 && Math.sqrt(dot(r, r)) > stop) {
            int best = -1;
            double bestAbs = -1;
            for (int a = 0; a < m; a++) {
                if (!used[a]) {
                    double c = Math.abs(dot(r, atoms, a * k));
                    if (c > bestAbs) {
                        bestAbs = c;
                        best = a;
                    }
                }
            }
            if (bestAbs <= stop) {
                break;
            }
            double[] v = new double[k];
            for (int j = 0; j < k; j++) {
                v[j] = atoms[best * k + j];
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int i = 0; i < t; i++) {
                    double p = dot(q[i], v);
                    rr[i][t] += p;
                    for (int j = 0; j < k; j++) {
                        v[j] -= p * q[i][j];
                    }
                }
            }
            double norm = Math.sqrt(dot(v, v));
            if (norm <= INDEPENDENCE) {
                break;
            }
            for (int j = 0; j < k; j++) {
                v[j] /= norm;
            }
            rr[t][t] = norm;
            q[t] = v;
            z[t] = dot(v, r); // = ⟨q_t, y⟩, as r ⊥ q_0..q_{t-1}; taken from r for stability
            for (int j = 0; j < k; j++) {
                r[j] -= z[t] * v[j];
            }
            chosen[t] = best;
            used[best] = true;
            t++;
        }
        double[] x = new double[t];
        for (int i = t - 1; i >= 0; i--) {
            double sum = z[i];
            for (int j = i + 1; j < t; j++) {
                sum -= rr[i][j] * x[j];
            }
            x[i] = sum / rr[i][i];
        }
        double[] approx = new double[k];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < k; j++) {
                approx[j] += x[i] * atoms[chosen[i] * k + j];
            }
        }
        double res = 0;
        for (int j = 0; j < k; j++) {
            double e = y[off + j] - approx[j];
            res += e * e;
        }
        return new Code(Arrays.copyOf(chosen, t), x, approx, Math.sqrt(res));
    }

    private void checkSparsity(int s) {
        if (s < 1) {
            throw new IllegalArgumentException("the sparsity must be at least 1 atom, not " + s);
        }
    }

    static void checkMatrix(String what, float[] data, int rows, int k) {
        if (rows < 0 || k < 1) {
            throw new IllegalArgumentException("bad " + what + " shape [" + rows + ", " + k + "]");
        }
        if (data == null || data.length != (long) rows * k) {
            throw new IllegalArgumentException("the " + what + " data hold " + (data == null ? "no" : data.length)
                    + " values, not [" + rows + " × " + k + "] = " + (long) rows * k);
        }
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                throw new LatentLabException(what + " " + i / k + " has " + data[i] + " at coordinate " + i % k
                        + "; matching pursuit needs finite values");
            }
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    private static double dot(double[] a, float[] b, int off) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[off + j];
        }
        return s;
    }

    private static double dot(float[] a, int aOff, float[] b, int bOff, int k) {
        double s = 0;
        for (int j = 0; j < k; j++) {
            s += (double) a[aOff + j] * b[bOff + j];
        }
        return s;
    }
}
