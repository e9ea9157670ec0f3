package org.latentlab.strategies.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.dynamics.Trajectory;

/**
 * Plain iteration z ← f(z) with the paper's rule, batched for speed. The definitions are those of
 * {@link FixedPointLoop} with the identity update (the same {@code classify}, path length and step count per
 * seed, so the same trajectories); only the batching differs:
 * <ul>
 * <li>at most {@code batch} seeds are in flight, and the next seed enters as soon as one finishes, so map calls
 * stay full until the seeds run out and all slow seeds share one tail;</li>
 * <li>a seed's sequence v₀ = seed, v_{t+1} = f(v_t) is all the rule needs (step t compares v_t with v_{t+1}),
 * so a new seed joins the same map call as the running ones;</li>
 * <li>when few seeds are left, one call advances them several steps ({@link LatentMap#applySteps}: a native map
 * keeps the points in its engine) and the rule is checked after each of those steps; a seed that stops inside
 * the block keeps the point and step count of the step where it stopped, the extra steps are discarded (they
 * still count as map evaluations of that seed).</li>
 * </ul>
 */
final class PicardRun {

    /** Rows in flight from which one step per call is taken: below this, calls are short and their fixed cost counts. */
    static final int ROWS_FOR_SINGLE_STEPS = 64;
    /** The most steps one call takes. */
    static final int MAX_STEPS_PER_CALL = 16;

    private PicardRun() {}

    /** Steps per map call for {@code rows} rows in flight, each needing at most {@code needed} more rule checks. */
    static int stepsPerCall(int rows, int needed) {
        int s = rows >= ROWS_FOR_SINGLE_STEPS ? 1 : Math.min(MAX_STEPS_PER_CALL, (ROWS_FOR_SINGLE_STEPS + rows - 1) / rows);
        return Math.max(1, Math.min(s, needed));
    }

    static List<Trajectory> run(LatentMap f, Tensor seeds, int batch, Parameters p, Progress progress) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        double tol = p.getDouble("tolerance", 1e-6);
        int maxSteps = p.getInt("maxSteps", 3000);
        double divergence = p.getDouble("divergenceNorm", 1e6);
        boolean record = p.getBoolean("recordPaths", false);
        int n = seeds.rows();
        int k = seeds.width();
        int w = Math.min(batch, n);
        float[] seedData = seeds.data();

        // per slot (a seed in flight): FixedPointLoop's state arrays, indexed by slot
        int[] seedOf = new int[w];
        boolean[] fresh = new boolean[w]; // no rule check yet: the map input is the seed itself
        float[] z = new float[w * k]; // v_t of the last check
        float[] fz = new float[w * k]; // v_{t+1} of the last check, the next map input
        int[] steps = new int[w];
        double[] residual = new double[w];
        byte[] state = new byte[w];
        double[] path = new double[w];
        long[] evals = new long[w];
        List<List<float[]>> paths = new ArrayList<>(record ? w : 0);
        for (int s = 0; s < (record ? w : 0); s++) {
            paths.add(null);
        }
        int[] free = new int[w];
        for (int s = 0; s < w; s++) {
            free[s] = w - 1 - s;
        }
        int freeCount = w;

        // per seed: the outcome
        float[][] endpoint = new float[n][];
        int[] outSteps = new int[n];
        byte[] outState = new byte[n];
        double[] outPath = new double[n];
        double[] outResidual = new double[n];
        long[] outEvals = new long[n];
        float[][][] outVisited = record ? new float[n][][] : null;

        int[] active = new int[w]; // slots in flight, in order of entry
        int count = 0;
        int nextSeed = 0;
        while (true) {
            while (count < w && nextSeed < n) { // refill
                int slot = free[--freeCount];
                seedOf[slot] = nextSeed;
                fresh[slot] = true;
                steps[slot] = 0;
                path[slot] = 0;
                evals[slot] = 0;
                state[slot] = 0;
                residual[slot] = 0;
                if (record) {
                    List<float[]> visited = new ArrayList<>();
                    visited.add(seeds.row(nextSeed));
                    paths.set(slot, visited);
                }
                active[count++] = slot;
                nextSeed++;
            }
            if (count == 0) {
                break;
            }
            if (progress.cancelled()) {
                throw new CancellationException("cancelled");
            }
            int needed = 1;
            float[] in = new float[count * k];
            for (int a = 0; a < count; a++) {
                int slot = active[a];
                if (fresh[slot]) {
                    System.arraycopy(seedData, seedOf[slot] * k, in, a * k, k);
                    needed = Math.max(needed, maxSteps + 1); // the check at t = 0, then up to maxSteps steps
                } else {
                    System.arraycopy(fz, slot * k, in, a * k, k);
                    needed = Math.max(needed, maxSteps - steps[slot]);
                }
            }
            int s = stepsPerCall(count, needed);
            float[] out = applySteps(f, in, count, k, s);
            long taken = 0;
            int kept = 0;
            for (int a = 0; a < count; a++) {
                int slot = active[a];
                evals[slot] += s; // every step of the call is a map evaluation, also those after a stop
                for (int j = 0; j < s; j++) {
                    int from = (j * count + a) * k; // f^(j+1) of this row's map input
                    if (fresh[slot]) { // t = 0: z = seed, fz = f(seed); no convergence check (as FixedPointLoop)
                        System.arraycopy(seedData, seedOf[slot] * k, z, slot * k, k);
                        System.arraycopy(out, from, fz, slot * k, k);
                        fresh[slot] = false;
                        FixedPointLoop.classify(slot, z, fz, k, tol, divergence, maxSteps, steps, residual, state, false);
                    } else { // one step: next = f(z), fnext = f(next)
                        double d = 0;
                        for (int c = 0; c < k; c++) {
                            double diff = fz[slot * k + c] - z[slot * k + c];
                            d += diff * diff;
                        }
                        path[slot] += Math.sqrt(d);
                        steps[slot]++;
                        taken++;
                        System.arraycopy(fz, slot * k, z, slot * k, k);
                        System.arraycopy(out, from, fz, slot * k, k);
                        if (record) {
                            paths.get(slot).add(Arrays.copyOfRange(z, slot * k, slot * k + k));
                        }
                        FixedPointLoop.classify(slot, z, fz, k, tol, divergence, maxSteps, steps, residual, state, true);
                    }
                    if (state[slot] != 0) {
                        break;
                    }
                }
                if (state[slot] == 0) {
                    active[kept++] = slot;
                } else { // finished: record the outcome, free the slot
                    int i = seedOf[slot];
                    endpoint[i] = Arrays.copyOfRange(z, slot * k, slot * k + k);
                    outSteps[i] = steps[slot];
                    outState[i] = state[slot];
                    outPath[i] = path[slot];
                    outResidual[i] = residual[slot];
                    outEvals[i] = evals[slot];
                    if (record) {
                        outVisited[i] = paths.get(slot).toArray(new float[0][]);
                        paths.set(slot, null);
                    }
                    free[freeCount++] = slot;
                }
            }
            count = kept;
            if (taken > 0) {
                progress.advance(taken);
            }
        }
        List<Trajectory> result = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            result.add(new Trajectory(i, endpoint[i], outSteps[i], outState[i] == 1, outState[i] == 2, outPath[i],
                    outResidual[i], record ? outVisited[i] : null, outEvals[i]));
        }
        return result;
    }

    /** f applied {@code s} times to [n × k] rows, checking the map kept the shape; [s × n × k]. */
    private static float[] applySteps(LatentMap f, float[] z, int n, int k, int s) {
        Tensor out = s == 1 ? f.apply(Tensor.matrix(n, k, z)) : f.applySteps(Tensor.matrix(n, k, z), s);
        if (out.data().length != (long) s * n * k || (s == 1 ? out.rows() != n : out.rows() != s)) {
            throw new LatentLabException("the latent map returned shape " + Arrays.toString(out.shape()) + " for "
                    + (s == 1 ? "" : s + " steps of ") + "a [" + n + ", " + k + "] batch");
        }
        return out.data();
    }
}
