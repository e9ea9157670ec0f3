package org.latentlab.strategies.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.apache.commons.math3.exception.MaxCountExceededException;
import org.apache.commons.math3.ode.FirstOrderDifferentialEquations;
import org.apache.commons.math3.ode.nonstiff.DormandPrince54Integrator;
import org.apache.commons.math3.ode.sampling.StepHandler;
import org.apache.commons.math3.ode.sampling.StepInterpolator;
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
 * The continuous latent flow dz/dt = f(z) − z, integrated with Commons Math's adaptive
 * Dormand–Prince 5(4) method. The active seeds of a batch form one ODE system; every
 * {@code checkInterval} time units seeds with ‖f(z) − z‖² &lt; tolerance leave it. Steps are the
 * integrator's accepted steps. Finds attractors only (like plain iteration), but does not
 * oscillate where J_f has eigenvalues near −1.
 */
@Component(property = {ServiceProperties.ID + "=flow",
        ServiceProperties.DESCRIPTION + "=continuous flow dz/dt = f(z) - z with an adaptive Dormand-Prince integrator"})
public class ContinuousFlow implements IterationStrategy {

    @Override
    public List<ParameterSpec> parameters() {
        List<ParameterSpec> all = new ArrayList<>(FixedPointLoop.common(1e-6, 100000));
        all.add(ParameterSpec.real("maxTime", 1000, 1e-6, Double.MAX_VALUE, "give up at this flow time"));
        all.add(ParameterSpec.real("checkInterval", 0.5, 1e-6, Double.MAX_VALUE, "flow time between convergence checks"));
        all.add(ParameterSpec.real("integratorTolerance", 1e-6, 1e-14, 1, "absolute and relative error per step"));
        return List.copyOf(all);
    }

    @Override
    public List<Trajectory> iterate(LatentMap f, Tensor seeds, Parameters p, Progress progress) {
        double tol = p.getDouble("tolerance", 1e-6);
        double maxTime = p.getDouble("maxTime", 1000);
        int maxSteps = p.getInt("maxSteps", 100000);
        double divergence = p.getDouble("divergenceNorm", 1e6);
        double interval = p.getDouble("checkInterval", 0.5);
        double itol = p.getDouble("integratorTolerance", 1e-6);
        boolean record = p.getBoolean("recordPaths", false);
        int n = seeds.rows();
        int k = seeds.width();
        float[] z = seeds.data().clone();
        int[] steps = new int[n];
        double[] path = new double[n];
        double[] residual = new double[n];
        long[] evaluations = new long[n];
        byte[] state = new byte[n];
        List<List<float[]>> paths = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            paths.add(record ? new ArrayList<>(List.of(seeds.row(i))) : null);
        }
        double t = 0;
        for (int i = 0; i < n; i++) { // seeds that are already broken never enter the ODE system
            double norm2 = 0;
            boolean finite = true;
            for (int j = 0; j < k; j++) {
                finite &= Float.isFinite(z[i * k + j]);
                norm2 += (double) z[i * k + j] * z[i * k + j];
            }
            if (!finite || Math.sqrt(norm2) > divergence) {
                state[i] = 2;
                residual[i] = Double.NaN;
            }
        }
        int[] active = java.util.Arrays.stream(range(n)).filter(i -> state[i] == 0).toArray();
        while (active.length > 0) {
            if (progress.cancelled()) {
                throw new CancellationException("cancelled");
            }
            int[] rows = active;
            int m = rows.length;
            double[] y = new double[m * k];
            for (int a = 0; a < m; a++) {
                for (int j = 0; j < k; j++) {
                    y[a * k + j] = z[rows[a] * k + j];
                }
            }
            boolean[] bad = new boolean[m]; // rows whose f turned NaN / infinite: frozen, then reported diverged
            FirstOrderDifferentialEquations ode = new FirstOrderDifferentialEquations() {
                public int getDimension() {
                    return m * k;
                }

                public void computeDerivatives(double time, double[] yy, double[] yDot) {
                    float[] zz = new float[yy.length];
                    for (int i = 0; i < yy.length; i++) {
                        zz[i] = (float) yy[i];
                    }
                    float[] fzz = Maps.apply(f, zz, m, k);
                    for (int a = 0; a < m; a++) {
                        evaluations[rows[a]]++;
                        boolean finite = true;
                        for (int j = 0; j < k; j++) {
                            finite &= Float.isFinite(fzz[a * k + j]) && Float.isFinite(zz[a * k + j]);
                        }
                        bad[a] |= !finite;
                        for (int j = 0; j < k; j++) {
                            yDot[a * k + j] = bad[a] ? 0 : fzz[a * k + j] - zz[a * k + j];
                        }
                    }
                }
            };
            DormandPrince54Integrator integrator = new DormandPrince54Integrator(1e-10, Math.max(interval, 1e-9), itol, itol);
            integrator.setMaxEvaluations(Math.max(1000, 20 * maxSteps));
            double[] prev = y.clone();
            integrator.addStepHandler(new StepHandler() {
                public void init(double t0, double[] y0, double tEnd) {}

                public void handleStep(StepInterpolator interp, boolean isLast) {
                    double[] cur = interp.getInterpolatedState();
                    for (int a = 0; a < m; a++) {
                        double d = 0;
                        for (int j = 0; j < k; j++) {
                            double s = cur[a * k + j] - prev[a * k + j];
                            d += s * s;
                        }
                        path[rows[a]] += Math.sqrt(d);
                        steps[rows[a]]++;
                        if (record) {
                            float[] pt = new float[k];
                            for (int j = 0; j < k; j++) {
                                pt[j] = (float) cur[a * k + j];
                            }
                            paths.get(rows[a]).add(pt);
                        }
                    }
                    System.arraycopy(cur, 0, prev, 0, cur.length);
                }
            });
            double tEnd = Math.min(t + interval, maxTime);
            try {
                integrator.integrate(ode, t, y, tEnd, y);
            } catch (MaxCountExceededException | org.apache.commons.math3.exception.NumberIsTooSmallException e) {
                // step size collapsed (stiff or blowing up): continue from the last accepted step
            }
            t = tEnd;
            float[] za = new float[m * k];
            for (int i = 0; i < za.length; i++) {
                za[i] = (float) prev[i]; // the last accepted state, also when integrate() gave up
            }
            float[] fa = Maps.apply(f, za, m, k);
            for (int a = 0; a < m; a++) {
                int i = rows[a];
                evaluations[i]++;
                System.arraycopy(za, a * k, z, i * k, k);
                double r2 = 0;
                double norm2 = 0;
                boolean finite = true;
                for (int j = 0; j < k; j++) {
                    double d = fa[a * k + j] - za[a * k + j];
                    finite &= Float.isFinite(za[a * k + j]) && Float.isFinite(fa[a * k + j]);
                    r2 += d * d;
                    norm2 += (double) za[a * k + j] * za[a * k + j];
                }
                residual[i] = Math.sqrt(r2);
                if (bad[a] || !finite || Math.sqrt(norm2) > divergence) {
                    state[i] = 2;
                } else if (r2 < tol) {
                    state[i] = 1;
                } else if (t >= maxTime || steps[i] >= maxSteps) {
                    state[i] = 3;
                }
            }
            progress.advance(m);
            active = Arrays.stream(rows).filter(i -> state[i] == 0).toArray();
        }
        List<Trajectory> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Trajectory(i, Arrays.copyOfRange(z, i * k, i * k + k), steps[i], state[i] == 1, state[i] == 2,
                    path[i], residual[i], record ? paths.get(i).toArray(new float[0][]) : null, evaluations[i]));
        }
        return out;
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }
}
