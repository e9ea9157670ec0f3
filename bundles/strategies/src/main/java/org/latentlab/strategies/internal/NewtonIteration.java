package org.latentlab.strategies.internal;

import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.linear.SingularMatrixException;
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
 * Newton's method on F(z) = f(z) − z = 0, which converges to any nearby fixed point: attractors,
 * saddles and repellers alike (as FixedPointFinder does for RNNs). The Jacobian of f comes from
 * batched forward differences (k extra map evaluations per seed and step); a singular J − I is
 * regularised (Levenberg–Marquardt), and each step is halved until q(z) = ½‖F(z)‖² decreases. A seed stops
 * when ‖f(z) − z‖² &lt; tolerance at the Newton point itself (not by a plain step, which would leave saddles).
 */
@Component(service = IterationStrategy.class, property = {ServiceProperties.ID + "=newton",
        ServiceProperties.DESCRIPTION + "=Newton on f(z) - z = 0 with line search; also finds saddles and repellers"})
public class NewtonIteration implements StreamingIteration {

    @Override
    public List<ParameterSpec> parameters() {
        List<ParameterSpec> all = new java.util.ArrayList<>(FixedPointLoop.common(1e-10, 100));
        all.add(ParameterSpec.real("fdStep", 1e-3, 1e-6, 1, "finite-difference step for the Jacobian, relative to max(1, |z_j|)"));
        all.add(ParameterSpec.integer("maxHalvings", 8, 0, 30, "line-search halvings of the Newton step"));
        return List.copyOf(all);
    }

    @Override
    public List<Trajectory> iterate(LatentMap map, Tensor seeds, Parameters params, Progress progress) {
        return iterate(map, seeds, Math.max(1, seeds.rows()), params, progress);
    }

    @Override
    public List<Trajectory> iterate(LatentMap map, Tensor seeds, int batch, Parameters params, Progress progress) {
        double h = params.getDouble("fdStep", 1e-3);
        int halvings = params.getInt("maxHalvings", 8);
        return FixedPointLoop.run(map, seeds, batch, params, progress, (f, rows, z, fz, k, next, plain, evals) -> {
            int n = rows.length;
            float[][] jac = org.latentlab.numerics.FiniteDifferences.forward(f, z, fz, n, k, h);
            double[][] delta = new double[n][];
            for (int a = 0; a < n; a++) {
                evals[a] += k; // one shifted point per direction
                delta[a] = newtonStep(jac[a], z, fz, a, k);
            }
            float[] step = lineSearch(f, z, fz, delta, n, k, halvings, evals);
            System.arraycopy(step, 0, next, 0, step.length);
        }, FixedPointLoop.Rule.OWN_POINT); // a root finder: stop at its own point (a plain step would leave saddles and repellers)
    }

    /** Solves (J − I) δ = −F for one row; Levenberg–Marquardt when J − I is singular. */
    static double[] newtonStep(float[] jRowMajor, float[] z, float[] fz, int a, int k) {
        RealMatrix A = new Array2DRowRealMatrix(k, k);
        double[] F = new double[k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                A.setEntry(i, j, jRowMajor[i * k + j] - (i == j ? 1 : 0));
            }
            F[i] = fz[a * k + i] - z[a * k + i];
        }
        RealVector minusF = new ArrayRealVector(F).mapMultiply(-1);
        try {
            return new LUDecomposition(A, 1e-12).getSolver().solve(minusF).toArray();
        } catch (SingularMatrixException e) {
            RealMatrix normal = A.transpose().multiply(A);
            double mu = 1e-6 * Math.max(normal.getTrace(), 1e-12);
            for (int i = 0; i < k; i++) {
                normal.addToEntry(i, i, mu);
            }
            return new LUDecomposition(normal).getSolver().solve(A.transpose().operate(minusF)).toArray();
        }
    }

    /** Tries z + t·δ for t = 1, ½, ¼, ... (batched over rows) until q decreases; keeps the last try otherwise. */
    static float[] lineSearch(LatentMap f, float[] z, float[] fz, double[][] delta, int n, int k, int halvings, int[] evals) {
        float[] next = new float[n * k];
        double[] q0 = new double[n];
        for (int a = 0; a < n; a++) {
            q0[a] = q(z, fz, a, k);
        }
        boolean[] accepted = new boolean[n];
        double t = 1;
        for (int attempt = 0; attempt <= halvings; attempt++, t /= 2) {
            int pending = 0;
            for (boolean b : accepted) {
                pending += b ? 0 : 1;
            }
            if (pending == 0) {
                break;
            }
            int[] idx = new int[pending];
            float[] trial = new float[pending * k];
            for (int a = 0, p = 0; a < n; a++) {
                if (!accepted[a]) {
                    idx[p] = a;
                    for (int j = 0; j < k; j++) {
                        trial[p * k + j] = (float) (z[a * k + j] + t * delta[a][j]);
                        next[a * k + j] = trial[p * k + j];
                    }
                    p++;
                }
            }
            float[] ft = Maps.apply(f, trial, pending, k);
            for (int p = 0; p < pending; p++) {
                evals[idx[p]]++;
                if (q(trial, ft, p, k) < q0[idx[p]]) {
                    accepted[idx[p]] = true;
                }
            }
        }
        return next;
    }

    private static double q(float[] z, float[] fz, int a, int k) {
        double s = 0;
        for (int j = 0; j < k; j++) {
            double d = fz[a * k + j] - z[a * k + j];
            s += d * d;
        }
        return Double.isFinite(s) ? 0.5 * s : Double.POSITIVE_INFINITY;
    }
}
