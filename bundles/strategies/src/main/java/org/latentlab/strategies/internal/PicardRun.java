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
        Run run = new Run(seeds, batch, p);
        while (run.refill()) {
            if (progress.cancelled()) {
                throw new CancellationException("cancelled");
            }
            long taken = run.step(f);
            if (taken > 0) {
                progress.advance(taken);
            }
        }
        return run.trajectories();
    }

    /**
     * One run's state, its step split into small methods (as {@link FixedPointLoop}'s: one method holding the whole
     * loop was compiled by C2 on-stack several times per run, each compile taking a core for 0.1 s beside the map's
     * native calls).
     */
    private static final class Run {
        private final Tensor seeds;
        private final float[] seedData;
        private final FixedPointLoop.Limits limits;
        private final int n;
        private final int k;
        private final int w;
        // per slot (a seed in flight): FixedPointLoop's state arrays, indexed by slot
        private final int[] seedOf;
        private final boolean[] fresh; // no rule check yet: the map input is the seed itself
        private final float[] z; // v_t of the last check
        private final float[] fz; // v_{t+1} of the last check, the next map input
        /** The map input of a call with every slot in flight, reused (calls of fewer rows make their own). */
        private final float[] inFull;
        private final int[] steps;
        private final double[] residual;
        private final byte[] state;
        private final double[] path;
        private final long[] evals;
        private final List<List<float[]>> paths;
        private final int[] free;
        private int freeCount;
        // per seed: the outcome
        private final float[][] endpoint;
        private final int[] outSteps;
        private final byte[] outState;
        private final double[] outPath;
        private final double[] outResidual;
        private final long[] outEvals;
        private final float[][][] outVisited;
        private final int[] active; // slots in flight, in order of entry
        private int count;
        private int nextSeed;

        Run(Tensor seeds, int batch, Parameters p) {
            this.seeds = seeds;
            limits = FixedPointLoop.Limits.of(p);
            n = seeds.rows();
            k = seeds.width();
            w = Math.min(batch, n);
            seedData = seeds.data();
            seedOf = new int[w];
            fresh = new boolean[w];
            z = new float[w * k];
            fz = new float[w * k];
            inFull = new float[w * k];
            steps = new int[w];
            residual = new double[w];
            state = new byte[w];
            path = new double[w];
            evals = new long[w];
            paths = new ArrayList<>(limits.recordPaths() ? w : 0);
            for (int s = 0; s < (limits.recordPaths() ? w : 0); s++) {
                paths.add(null);
            }
            free = new int[w];
            for (int s = 0; s < w; s++) {
                free[s] = w - 1 - s;
            }
            freeCount = w;
            endpoint = new float[n][];
            outSteps = new int[n];
            outState = new byte[n];
            outPath = new double[n];
            outResidual = new double[n];
            outEvals = new long[n];
            outVisited = limits.recordPaths() ? new float[n][][] : null;
            active = new int[w];
        }

        /** New seeds take the free slots; false when no seed is left in flight. */
        boolean refill() {
            while (count < w && nextSeed < n) {
                int slot = free[--freeCount];
                seedOf[slot] = nextSeed;
                fresh[slot] = true;
                steps[slot] = 0;
                path[slot] = 0;
                evals[slot] = 0;
                state[slot] = 0;
                residual[slot] = 0;
                if (limits.recordPaths()) {
                    List<float[]> visited = new ArrayList<>();
                    visited.add(seeds.row(nextSeed));
                    paths.set(slot, visited);
                }
                active[count++] = slot;
                nextSeed++;
            }
            return count > 0;
        }

        /** One map call for every seed in flight; returns the steps taken. */
        long step(LatentMap f) {
            int needed = 1;
            float[] in = count == w ? inFull : new float[count * k]; // (a tensor's array is its size)
            for (int a = 0; a < count; a++) {
                int slot = active[a];
                if (fresh[slot]) {
                    System.arraycopy(seedData, seedOf[slot] * k, in, a * k, k);
                    needed = Math.max(needed, limits.maxSteps() + 1); // the check at t = 0, then up to maxSteps steps
                } else {
                    System.arraycopy(fz, slot * k, in, a * k, k);
                    needed = Math.max(needed, limits.maxSteps() - steps[slot]);
                }
            }
            int s = stepsPerCall(count, needed);
            float[] out = applySteps(f, in, count, k, s);
            long taken = 0;
            int kept = 0;
            for (int a = 0; a < count; a++) {
                int slot = active[a];
                evals[slot] += s; // every step of the call is a map evaluation, also those after a stop
                taken += advance(slot, a, s, out);
                if (state[slot] == 0) {
                    active[kept++] = slot;
                } else {
                    finish(slot);
                }
            }
            count = kept;
            return taken;
        }

        /** The s images of the seed in {@code slot} (row a of the call), the rule checked after each; steps taken. */
        private int advance(int slot, int a, int s, float[] out) {
            int taken = 0;
            for (int j = 0; j < s; j++) {
                int from = (j * count + a) * k; // f^(j+1) of this row's map input
                if (fresh[slot]) { // t = 0: z = seed, fz = f(seed); no convergence check (as FixedPointLoop)
                    System.arraycopy(seedData, seedOf[slot] * k, z, slot * k, k);
                    System.arraycopy(out, from, fz, slot * k, k);
                    fresh[slot] = false;
                    FixedPointLoop.classify(slot, z, fz, k, limits, steps, residual, state, false);
                } else { // one step: next = f(z), fnext = f(next)
                    path[slot] += residual[slot]; // ‖v_{t+1} − v_t‖: the last classify's residual of this very pair
                    steps[slot]++;
                    taken++;
                    System.arraycopy(fz, slot * k, z, slot * k, k);
                    System.arraycopy(out, from, fz, slot * k, k);
                    if (limits.recordPaths()) {
                        paths.get(slot).add(Arrays.copyOfRange(z, slot * k, slot * k + k));
                    }
                    FixedPointLoop.classify(slot, z, fz, k, limits, steps, residual, state, true);
                }
                if (state[slot] != 0) {
                    break;
                }
            }
            return taken;
        }

        /** The seed in {@code slot} stopped: its outcome is kept and the slot freed. */
        private void finish(int slot) {
            int i = seedOf[slot];
            endpoint[i] = Arrays.copyOfRange(z, slot * k, slot * k + k);
            outSteps[i] = steps[slot];
            outState[i] = state[slot];
            outPath[i] = path[slot];
            outResidual[i] = residual[slot];
            outEvals[i] = evals[slot];
            if (limits.recordPaths()) {
                outVisited[i] = paths.get(slot).toArray(new float[0][]);
                paths.set(slot, null);
            }
            free[freeCount++] = slot;
        }

        List<Trajectory> trajectories() {
            List<Trajectory> result = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                result.add(new Trajectory(i, endpoint[i], outSteps[i], outState[i] == 1, outState[i] == 2, outPath[i],
                        outResidual[i], limits.recordPaths() ? outVisited[i] : null, outEvals[i]));
            }
            return result;
        }
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
