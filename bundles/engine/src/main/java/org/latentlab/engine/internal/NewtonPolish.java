package org.latentlab.engine.internal;

import java.util.Arrays;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.numerics.Attraction;
import org.latentlab.numerics.FiniteDifferences;

/**
 * Newton's method for polishing attractors at small latent dimension: z ← z + (I − J)⁻¹ (f(z) − z) with J = J_f(z) by
 * central differences, all points in one map call per Jacobian. Near an attractor plain iteration gains a factor ρ (the
 * Jacobian's spectral radius) per sequential map call, so a slow attractor (ρ = 0.97) needs hundreds of calls to reach
 * float32's floor and then a hundred more to see that it stalled; Newton gets there in two to four calls of 2k + 1 rows
 * per point. Newton converges to saddles and repellers as well, so a point counts as polished only where its Jacobian's
 * eigenvalues all lie inside the unit circle (plain iteration, which the caller uses otherwise, leaves the others).
 */
final class NewtonPolish {

    /** Newton only up to this latent dimension: beyond it the 2k rows per Jacobian and the k × k solve cost more. */
    static final int MAX_DIM = 64;
    /**
     * ... and only while one Newton step, m · (2k + 1) rows, is a call or two: Newton saves sequential calls (latency),
     * not rows. Many attractors (a memorizing model's thousands) are throughput-bound, and there plain polishing, about
     * 100–600 rows a point, is the cheaper one.
     */
    static final int MAX_ROWS = 16384;

    /** Whether m points at latent dimension k are polished by Newton's steps first. */
    static boolean applies(int m, int k) {
        return k <= MAX_DIM && (long) m * (2 * k + 1) <= MAX_ROWS;
    }
    /** Newton steps per point at most. */
    static final int MAX_STEPS = 8;
    /** Central-difference step relative to max(1, |z_j|) (as the capture and stability Jacobians). */
    static final double REL_STEP = 1e-3;
    /** Done below this residual² (as plain polishing). */
    static final double DONE2 = 1e-14;
    /**
     * A Newton step that does not lower the residual ends the point; it counts as polished only where its residual is
     * within float32's reach, ‖f(z) − z‖ ≤ FLOOR · max(1, ‖z‖) (float32 keeps about 7 digits; the map's rounding adds a
     * little): elsewhere the caller's plain iteration takes over.
     */
    static final double FLOOR = 1e-6;

    private NewtonPolish() {}

    /** Per point: whether Newton polished it (then {@code p}, {@code fp} hold the result), else where it stopped. */
    enum Outcome { POLISHED, NOT_ATTRACTING, UNRESOLVED }

    /**
     * Polishes points in place.
     *
     * @param p  [m × k] points, replaced by the polished ones (only where that lowered the residual)
     * @param fp [m × k] f of those points, kept in step with p
     * @param r2 per point ‖f(p) − p‖², kept in step
     * @return per point its outcome
     */
    static Outcome[] run(LatentMap f, float[] p, float[] fp, double[] r2, int m, int k) {
        Outcome[] out = new Outcome[m];
        Arrays.fill(out, Outcome.UNRESOLVED);
        double[][][] lastJacobian = new double[m][][];
        int[] active = java.util.stream.IntStream.range(0, m).filter(a -> !(r2[a] < DONE2) && Double.isFinite(r2[a])).toArray();
        for (int a = 0; a < m; a++) {
            if (r2[a] < DONE2) {
                out[a] = Outcome.POLISHED; // checked for attraction below like the others
            }
        }
        for (int step = 0; step < MAX_STEPS && active.length > 0; step++) {
            float[] pts = gather(p, active, k);
            double[][][] jac = FiniteDifferences.central(f, pts, active.length, k, REL_STEP);
            float[] q = new float[active.length * k];
            boolean[] solved = new boolean[active.length];
            for (int i = 0; i < active.length; i++) {
                int a = active[i];
                lastJacobian[a] = jac[i];
                solved[i] = newtonStep(jac[i], p, fp, a, k, q, i);
            }
            float[] fq = f.apply(Tensor.matrix(active.length, k, q)).data();
            int kept = 0;
            for (int i = 0; i < active.length; i++) {
                int a = active[i];
                double rq = solved[i] ? Analysis.residual(q, fq, i, k) : Double.POSITIVE_INFINITY;
                boolean better = rq < r2[a];
                if (better) {
                    System.arraycopy(q, i * k, p, a * k, k);
                    System.arraycopy(fq, i * k, fp, a * k, k);
                    r2[a] = rq;
                }
                if (r2[a] < DONE2 || !better && atFloor(p, a, k, r2[a])) {
                    out[a] = Outcome.POLISHED;
                } else if (better) {
                    active[kept++] = a;
                } // else: no progress above the floor; plain iteration takes it
            }
            active = Arrays.copyOf(active, kept);
        }
        // points that reached 1e-14 without a Jacobian of their own (the first evaluation, or a last step): measure it
        int[] missing = java.util.stream.IntStream.range(0, m).filter(a -> out[a] == Outcome.POLISHED && lastJacobian[a] == null)
                .toArray();
        if (missing.length > 0) {
            double[][][] jac = FiniteDifferences.central(f, gather(p, missing, k), missing.length, k, REL_STEP);
            for (int i = 0; i < missing.length; i++) {
                lastJacobian[missing[i]] = jac[i];
            }
        }
        for (int a = 0; a < m; a++) {
            if (out[a] == Outcome.POLISHED && !Attraction.attracting(lastJacobian[a])) {
                out[a] = Outcome.NOT_ATTRACTING;
            }
        }
        return out;
    }

    /** q row i = p_a + (I − J)⁻¹ (f(p_a) − p_a); false when I − J is singular or the step is not finite. */
    private static boolean newtonStep(double[][] jac, float[] p, float[] fp, int a, int k, float[] q, int i) {
        RealMatrix iMinusJ = new Array2DRowRealMatrix(k, k);
        double[] r = new double[k];
        for (int row = 0; row < k; row++) {
            for (int col = 0; col < k; col++) {
                iMinusJ.setEntry(row, col, (row == col ? 1 : 0) - jac[row][col]);
            }
            r[row] = (double) fp[a * k + row] - p[a * k + row];
        }
        DecompositionSolver lu = new LUDecomposition(iMinusJ, 1e-12).getSolver();
        if (!lu.isNonSingular()) {
            return false;
        }
        RealVector d = lu.solve(new ArrayRealVector(r, false));
        for (int j = 0; j < k; j++) {
            float v = (float) (p[a * k + j] + d.getEntry(j));
            if (!Float.isFinite(v)) {
                return false;
            }
            q[i * k + j] = v;
        }
        return true;
    }

    private static boolean atFloor(float[] p, int a, int k, double r2) {
        double n2 = 0;
        for (int j = 0; j < k; j++) {
            n2 += (double) p[a * k + j] * p[a * k + j];
        }
        double floor = FLOOR * Math.max(1, Math.sqrt(n2));
        return r2 <= floor * floor;
    }

    /** The given rows of p, in that order (also the plain polishing's batches). */
    static float[] gather(float[] p, int[] rows, int k) {
        float[] out = new float[rows.length * k];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(p, rows[i] * k, out, i * k, k);
        }
        return out;
    }
}
