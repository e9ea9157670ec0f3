package org.latentlab.strategies.internal;

import java.util.ArrayList;
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
 * each step, the strategy's {@link Update} proposes the next point for all still-active seeds, f is
 * evaluated on them in one batch, and a seed stops when
 * <ul>
 * <li>‖f(z) − z‖² &lt; tolerance: converged. For plain iteration z_{t+1} = f(z_t) this is exactly
 * the paper's rule ‖f(z_{t+1}) − f(z_t)‖² &lt; tolerance, checked from t = 0 on;</li>
 * <li>z or f(z) is NaN / infinite, or ‖z‖ exceeds {@code divergenceNorm}: diverged (reported);</li>
 * <li>{@code maxSteps} updates were taken: not converged.</li>
 * </ul>
 * Converged seeds leave the batch, so late steps only pay for the slow seeds.
 */
final class FixedPointLoop {

    /** One step of a strategy for the active rows. */
    interface Update {
        /**
         * @param f    the map (for strategies that evaluate it more than once per step)
         * @param rows ids of the active seeds, in batch order
         * @param z    their current points, [rows.length × k]
         * @param fz   f of those points
         * @return the next points, [rows.length × k]
         */
        float[] next(LatentMap f, int[] rows, float[] z, float[] fz, int k);
    }

    static final List<ParameterSpec> COMMON = common(1e-6, 3000);

    /** The parameters every strategy has, with its own defaults for tolerance and maxSteps. */
    static List<ParameterSpec> common(double tolerance, int maxSteps) {
        return List.of(
                ParameterSpec.real("tolerance", tolerance, 0, Double.MAX_VALUE,
                        "stop when ||f(z) - z||^2 falls below this (the paper's rule: 1e-6, 1e-5 for large models)"),
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

    static List<Trajectory> run(LatentMap f, Tensor seeds, Parameters p, Progress progress, Update update) {
        double tol = p.getDouble("tolerance", 1e-6);
        int maxSteps = p.getInt("maxSteps", 3000);
        double divergence = p.getDouble("divergenceNorm", 1e6);
        boolean record = p.getBoolean("recordPaths", false);
        int n = seeds.rows();
        int k = seeds.width();
        float[] z = seeds.data().clone();
        float[] fz = Maps.apply(f, z, n, k);
        int[] steps = new int[n];
        double[] path = new double[n];
        double[] residual = new double[n];
        byte[] state = new byte[n]; // 0 active, 1 converged, 2 diverged, 3 out of steps
        List<List<float[]>> paths = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            paths.add(record ? new ArrayList<>() : null);
            if (record) {
                paths.get(i).add(seeds.row(i));
            }
            classify(i, z, fz, k, tol, divergence, maxSteps, steps, residual, state, false);
        }
        int[] active = activeRows(state);
        while (active.length > 0) {
            if (progress.cancelled()) {
                throw new CancellationException("cancelled");
            }
            float[] za = Maps.gather(z, active, k);
            float[] fa = Maps.gather(fz, active, k);
            float[] next = update.next(f, active, za, fa, k);
            float[] fnext = Maps.apply(f, next, active.length, k);
            for (int a = 0; a < active.length; a++) {
                int i = active[a];
                double d = 0;
                for (int j = 0; j < k; j++) {
                    double s = next[a * k + j] - za[a * k + j];
                    d += s * s;
                }
                path[i] += Math.sqrt(d);
                steps[i]++;
                System.arraycopy(next, a * k, z, i * k, k);
                System.arraycopy(fnext, a * k, fz, i * k, k);
                if (record) {
                    paths.get(i).add(java.util.Arrays.copyOfRange(next, a * k, a * k + k));
                }
                classify(i, z, fz, k, tol, divergence, maxSteps, steps, residual, state, true);
            }
            progress.advance(active.length);
            active = activeRows(state);
        }
        List<Trajectory> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[][] visited = record ? paths.get(i).toArray(new float[0][]) : null;
            out.add(new Trajectory(i, java.util.Arrays.copyOfRange(z, i * k, i * k + k), steps[i], state[i] == 1,
                    state[i] == 2, path[i], residual[i], visited));
        }
        return out;
    }

    static void classify(int i, float[] z, float[] fz, int k, double tol, double divergence, int maxSteps,
            int[] steps, double[] residual, byte[] state, boolean checkConvergence) {
        double r2 = 0;
        double norm2 = 0;
        boolean finite = true;
        for (int j = 0; j < k; j++) {
            float a = z[i * k + j];
            float b = fz[i * k + j];
            finite &= Float.isFinite(a) && Float.isFinite(b);
            double d = b - a;
            r2 += d * d;
            norm2 += (double) a * a;
        }
        residual[i] = Math.sqrt(r2);
        if (!finite || Math.sqrt(norm2) > divergence) {
            state[i] = 2;
        } else if (checkConvergence && r2 < tol) {
            state[i] = 1;
        } else if (steps[i] >= maxSteps) {
            state[i] = 3;
        }
    }

    private static int[] activeRows(byte[] state) {
        int c = 0;
        for (byte s : state) {
            c += s == 0 ? 1 : 0;
        }
        int[] out = new int[c];
        for (int i = 0, j = 0; i < state.length; i++) {
            if (state[i] == 0) {
                out[j++] = i;
            }
        }
        return out;
    }
}
