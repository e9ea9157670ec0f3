package org.latentlab.strategies.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.dynamics.Trajectory;

/**
 * A run in two legs, when asked for and the map has a {@link LatentMap#lowPrecision() low-precision version} h
 * (a TorchScript model's weights and activations in bfloat16: four to five times the float32 rate on a CPU with
 * bfloat16 matrix instructions, about three significant digits):
 * <ol>
 * <li>every seed runs the strategy's own step rule on h (Anderson without its chord steps, whose Jacobians would
 * come from h's rounding) until its residual ‖h(z) − z‖ has not reached a new low for {@link #PATIENCE}
 * evaluations: it has reached h's rounding floor, near f's fixed point but not on it;</li>
 * <li>from that point the strategy runs on f itself, as it would from a seed, with the paper's rule: the end point is
 * a fixed point of f (in float32), never of h. A seed whose first leg diverged starts its second leg from its seed.</li>
 * </ol>
 * A trajectory's steps and path length are those of both legs; its {@link Trajectory#mapEvaluations()} count the
 * evaluations of f only (the engine reports h's rows beside them). The first leg can end a seed near another basin's
 * fixed point than plain float32 iteration would (h's rounding moves basin boundaries by about its own error).
 */
final class MixedPrecision {

    static final String PARAM = "mixedPrecision";

    /** Evaluations without a new low of h's residual that end the first leg (once it is within {@link #ROUNDING}). */
    static final int PATIENCE = 2;

    /**
     * When fewer seeds than this are left in the first leg (and none wait), they all go on to the exact map: a call of
     * a few rows costs the bfloat16 map more per row than the float32 one (784-512-256-32 MLP, profile: one row
     * 1.3 ms against 0.3 ms, 2-15 rows 216 against 96 µs a row).
     */
    static final int TAIL_ROWS = 16;

    /**
     * h's rounding relative to ‖z‖: bfloat16's spacing 2⁻⁸. A first leg ends only once h's residual is within it.
     * Measured on the 784-512-256-32 MLP (2,000 seeds, side-by-side's model): ending when the residual merely stopped
     * falling for 5 evaluations left a tenth of the seeds in transit (median distance to the end point f reaches
     * 0.44, 90th percentile 10, with 31 evaluations of h); within this rounding, 45 evaluations and 0.19 / 0.46.
     */
    static final double ROUNDING = 0x1p-8;

    /** (ROUNDING · max(1, ‖z‖))² for row {@code a} of {@code z}. */
    static double floor2(float[] z, int a, int k) {
        double n2 = 0;
        for (int j = 0; j < k; j++) {
            double x = z[a * k + j];
            n2 += x * x;
        }
        return ROUNDING * ROUNDING * Math.max(1, n2);
    }

    static final ParameterSpec SPEC = ParameterSpec.bool(PARAM, false,
            "move seeds first with the model's bfloat16 version of f (TorchScript models on a CPU with bfloat16 matrix "
                    + "instructions) until its residual stops falling, then finish on f in float32; end points are fixed "
                    + "points of f. Ignored where the model has no low-precision version");

    /** The strategy run on f from given starting points. */
    interface ExactLeg {
        List<Trajectory> run(LatentMap f, Tensor starts);
    }

    private MixedPrecision() {}

    /**
     * Runs the seeds in two legs when {@link #PARAM} is set and {@code f} has a low-precision version, else
     * {@code exact} on the seeds.
     *
     * @param firstLeg the strategy's step rule for the first leg (without anything learned from f)
     */
    static List<Trajectory> run(LatentMap f, Tensor seeds, int batch, Parameters p, Progress progress,
            FixedPointLoop.Scheme firstLeg, ExactLeg exact) {
        Optional<LatentMap> low = p.getBoolean(PARAM, false) ? f.lowPrecision() : Optional.empty();
        if (low.isEmpty() || seeds.rows() == 0) {
            return exact.run(f, seeds);
        }
        int n = seeds.rows();
        int k = seeds.width();
        List<Trajectory> first = FixedPointLoop.run(low.get(), seeds, batch, p, progress, firstLeg,
                FixedPointLoop.Rule.STALLED, PATIENCE);
        float[] starts = new float[n * k];
        boolean[] restarted = new boolean[n];
        for (int i = 0; i < n; i++) {
            Trajectory t = first.get(i);
            boolean usable = !t.diverged() && finite(t.endpoint());
            System.arraycopy(usable ? t.endpoint() : seeds.row(i), 0, starts, i * k, k);
            restarted[i] = !usable;
        }
        List<Trajectory> second = exact.run(f, Tensor.matrix(n, k, starts));
        if (second.size() != n) {
            throw new LatentLabException("the float32 leg returned " + second.size() + " trajectories for " + n + " seeds");
        }
        List<Trajectory> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Trajectory a = first.get(i);
            Trajectory b = second.get(i);
            if (restarted[i]) {
                out.add(b.withSeed(i));
                continue;
            }
            out.add(new Trajectory(i, b.endpoint(), a.steps() + b.steps(), b.converged(), b.diverged(),
                    a.pathLength() + b.pathLength(), b.finalResidual(), joined(a.path(), b.path()), b.mapEvaluations()));
        }
        return out;
    }

    /** The first leg's points, then the second's after its start (the first leg's end). */
    private static float[][] joined(float[][] a, float[][] b) {
        if (a == null || b == null) {
            return null;
        }
        float[][] all = new float[a.length + Math.max(0, b.length - 1)][];
        System.arraycopy(a, 0, all, 0, a.length);
        if (b.length > 1) {
            System.arraycopy(b, 1, all, a.length, b.length - 1);
        }
        return all;
    }

    private static boolean finite(float[] v) {
        for (float x : v) {
            if (!Float.isFinite(x)) {
                return false;
            }
        }
        return true;
    }
}
