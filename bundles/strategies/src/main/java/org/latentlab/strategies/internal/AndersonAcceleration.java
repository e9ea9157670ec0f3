package org.latentlab.strategies.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.Tensor;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.dynamics.Progress;
import org.latentlab.api.dynamics.Trajectory;
import org.osgi.service.component.annotations.Component;

/**
 * Anderson acceleration (type II, Walker and Ni 2011) of z ← f(z): each seed keeps its last m
 * residual differences ΔR and image differences ΔG and steps to f(z) − ΔG·γ with γ minimising
 * ‖r − ΔR·γ‖² + λ‖γ‖². When that regularised system is not positive definite or γ is not finite,
 * the step falls back to plain iteration and the history restarts.
 *
 * <p>Anderson acceleration is a multisecant method for f(z) − z = 0: like Newton it can converge to
 * saddles and repellers, not only attractors (the double-well test shows it). Check each fixed
 * point's stability before calling it an attractor.
 */
@Component(property = {ServiceProperties.ID + "=anderson",
        ServiceProperties.DESCRIPTION + "=Anderson-accelerated iteration (history m, Tikhonov regularisation); may also reach saddles"})
public class AndersonAcceleration implements IterationStrategy {

    @Override
    public List<ParameterSpec> parameters() {
        return FixedPointLoop.with(
                ParameterSpec.integer("history", 5, 1, 50, "number of past steps m combined"),
                ParameterSpec.real("regularization", 1e-8, 0, 1, "Tikhonov term lambda, relative to the trace of dR'dR"),
                ParameterSpec.real("beta", 1.0, 1e-6, 1, "mixing: 1 = undamped Anderson"));
    }

    /** Per-seed history: previous residual r and image g, and the difference columns. */
    private static final class History {
        double[] lastR;
        double[] lastG;
        final ArrayDeque<double[]> dR = new ArrayDeque<>();
        final ArrayDeque<double[]> dG = new ArrayDeque<>();
    }

    @Override
    public List<Trajectory> iterate(LatentMap map, Tensor seeds, Parameters params, Progress progress) {
        int m = params.getInt("history", 5);
        double lambda = params.getDouble("regularization", 1e-8);
        double beta = params.getDouble("beta", 1.0);
        Map<Integer, History> histories = new HashMap<>();
        return FixedPointLoop.run(map, seeds, params, progress, (f, rows, z, fz, k) -> {
            float[] next = new float[z.length];
            for (int a = 0; a < rows.length; a++) {
                History h = histories.computeIfAbsent(rows[a], x -> new History());
                double[] x = new double[k];
                double[] g = new double[k];
                double[] r = new double[k];
                for (int j = 0; j < k; j++) {
                    x[j] = z[a * k + j];
                    g[j] = fz[a * k + j];
                    r[j] = g[j] - x[j];
                }
                if (h.lastR != null) {
                    h.dR.addLast(minus(r, h.lastR));
                    h.dG.addLast(minus(g, h.lastG));
                    if (h.dR.size() > m) {
                        h.dR.removeFirst();
                        h.dG.removeFirst();
                    }
                }
                h.lastR = r;
                h.lastG = g;
                double[] step = andersonStep(h, x, g, r, lambda, beta);
                if (step == null) { // singular or non-finite: a plain (beta-damped) step, fresh history
                    h.dR.clear();
                    h.dG.clear();
                    step = new double[k];
                    for (int j = 0; j < k; j++) {
                        step[j] = x[j] + beta * r[j];
                    }
                }
                for (int j = 0; j < k; j++) {
                    next[a * k + j] = (float) step[j];
                }
            }
            return next;
        });
    }

    static double[] andersonStep(History h, double[] x, double[] g, double[] r, double lambda, double beta) {
        int mk = h.dR.size();
        if (mk == 0) {
            return null;
        }
        int k = r.length;
        RealMatrix dR = new Array2DRowRealMatrix(k, mk);
        RealMatrix dG = new Array2DRowRealMatrix(k, mk);
        int c = 0;
        for (double[] col : h.dR) {
            dR.setColumn(c++, col);
        }
        c = 0;
        for (double[] col : h.dG) {
            dG.setColumn(c++, col);
        }
        RealMatrix normal = dR.transpose().multiply(dR);
        double scale = Math.max(normal.getTrace(), Double.MIN_NORMAL);
        for (int i = 0; i < mk; i++) {
            normal.addToEntry(i, i, lambda * scale);
        }
        RealVector gamma;
        try {
            gamma = new CholeskyDecomposition(normal, 1e-14, 1e-14).getSolver()
                    .solve(dR.transpose().operate(new ArrayRealVector(r, false)));
        } catch (RuntimeException e) { // not positive definite: fall back
            return null;
        }
        RealVector xr = new ArrayRealVector(g).subtract(dG.operate(gamma));
        if (beta < 1) { // x_new = (1-beta)(x - dX gamma) + beta (g - dG gamma), with dX = dG - dR
            RealVector xa = new ArrayRealVector(x).subtract(dG.subtract(dR).operate(gamma));
            xr = xa.mapMultiply(1 - beta).add(xr.mapMultiply(beta));
        }
        double[] out = xr.toArray();
        for (double v : out) {
            if (!Double.isFinite(v)) {
                return null;
            }
        }
        return out;
    }

    private static double[] minus(double[] a, double[] b) {
        double[] o = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            o[i] = a[i] - b[i];
        }
        return o;
    }
}
