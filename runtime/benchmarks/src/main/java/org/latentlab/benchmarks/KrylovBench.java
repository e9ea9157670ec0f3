package org.latentlab.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.latentlab.numerics.KrylovSpectra;

/**
 * Products and calls that {@link KrylovSpectra} needs on a synthetic copy of issue 15's contraction, without a model:
 * J = diag(1 − z*²) · 0.5 P_r (Q1 ⊗ Q2) P_c at k = s² (Q1, Q2 Haar s × s, P random permutations, as
 * make_contraction.py builds Q above 4096; b ~ N(0, bias²), z* by plain iteration), whose products cost O(k √k), so
 * the iteration's counts at k = 16384 come in seconds. Not the fixture's instance (other random factors), the same
 * kind of spectrum: a ring of eigenvalues at about 0.34, singular values (1 − z*²)/2, ‖J‖ = max(1 − z*²)/2 exactly.
 *
 * <pre>
 * java -cp ... org.latentlab.benchmarks.KrylovBench K BIAS SEED RUN [RUN ...]
 *   RUN: eig[:nev=6,basis=128,block=1,tol=1e-5,rtol=1e-5,max=3000] or norm[:basis=128,block=1,tol=1e-3]
 *   (rtol: the radius tolerance, as the engine uses 1e-3 above spectrumResolveMax)
 * </pre>
 * One line per run: ρ̂ (or ‖J‖ and its error), the leading residual, resolved, products and calls.
 */
public final class KrylovBench {
    private final int s;
    private final int k;
    private final double[][] q1;
    private final double[][] q2;
    private final int[] pr;
    private final int[] pc;
    private final double[] d;
    final double exactNorm;
    long calls;
    long products;

    KrylovBench(int k, double biasScale, long seed) {
        this.k = k;
        this.s = (int) Math.round(Math.sqrt(k));
        if (s * s != k) {
            throw new IllegalArgumentException("k must be a square: " + k);
        }
        Random r = new Random(seed);
        q1 = haar(s, r);
        q2 = haar(s, r);
        pr = permutation(k, r);
        pc = permutation(k, r);
        double[] b = new double[k];
        for (int i = 0; i < k; i++) {
            b[i] = biasScale * r.nextGaussian();
        }
        double[] z = new double[k];
        for (int it = 0; it < 200; it++) {
            double[] w = wq(z, false);
            for (int i = 0; i < k; i++) {
                z[i] = Math.tanh(w[i] + b[i]);
            }
        }
        d = new double[k];
        double n = 0;
        for (int i = 0; i < k; i++) {
            d[i] = 1 - z[i] * z[i];
            n = Math.max(n, 0.5 * d[i]);
        }
        exactNorm = n;
    }

    static double[][] haar(int n, Random r) {
        double[][] g = new double[n][n];
        for (double[] row : g) {
            for (int i = 0; i < n; i++) {
                row[i] = r.nextGaussian();
            }
        }
        QRDecomposition qr = new QRDecomposition(new Array2DRowRealMatrix(g));
        RealMatrix rr = qr.getR();
        double[][] out = qr.getQ().getData();
        for (int c = 0; c < n; c++) {
            if (rr.getEntry(c, c) < 0) {
                for (int i = 0; i < n; i++) {
                    out[i][c] = -out[i][c];
                }
            }
        }
        return out;
    }

    static int[] permutation(int n, Random r) {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(i);
        }
        Collections.shuffle(l, r);
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    /** 0.5 P_r (Q1 ⊗ Q2) P_c x, or its transpose. */
    double[] wq(double[] x, boolean transpose) {
        double[] xp = new double[k];
        for (int i = 0; i < k; i++) {
            xp[i] = transpose ? x[pr[i]] : x[pc[i]];
        }
        double[] tmp = new double[k];
        double[] y = new double[k];
        for (int i1 = 0; i1 < s; i1++) { // X Q2ᵀ (rows of X: the first factor's index)
            for (int j2 = 0; j2 < s; j2++) {
                double sum = 0;
                for (int i2 = 0; i2 < s; i2++) {
                    sum += xp[i1 * s + i2] * (transpose ? q2[i2][j2] : q2[j2][i2]);
                }
                tmp[i1 * s + j2] = sum;
            }
        }
        for (int j1 = 0; j1 < s; j1++) { // Q1 (X Q2ᵀ)
            for (int j2 = 0; j2 < s; j2++) {
                double sum = 0;
                for (int i1 = 0; i1 < s; i1++) {
                    sum += (transpose ? q1[i1][j1] : q1[j1][i1]) * tmp[i1 * s + j2];
                }
                y[j1 * s + j2] = 0.5 * sum;
            }
        }
        double[] out = new double[k];
        for (int i = 0; i < k; i++) {
            out[transpose ? pc[i] : pr[i]] = y[i];
        }
        return out;
    }

    KrylovSpectra.Products products(boolean transpose) {
        return x -> {
            calls++;
            double[][][] y = new double[x.length][][];
            for (int a = 0; a < x.length; a++) {
                if (x[a] == null) {
                    continue;
                }
                y[a] = new double[x[a].length][];
                for (int c = 0; c < x[a].length; c++) {
                    products++;
                    double[] v = x[a][c].clone();
                    if (transpose) {
                        for (int i = 0; i < k; i++) {
                            v[i] *= d[i];
                        }
                        y[a][c] = wq(v, true);
                    } else {
                        double[] w = wq(v, false);
                        for (int i = 0; i < k; i++) {
                            w[i] *= d[i];
                        }
                        y[a][c] = w;
                    }
                }
            }
            return y;
        };
    }

    String run(String spec) {
        String[] p = spec.split(":", 2);
        Map<String, String> o = new HashMap<>();
        if (p.length > 1) {
            for (String kv : p[1].split(",")) {
                String[] e = kv.split("=");
                o.put(e[0], e[1]);
            }
        }
        int basis = Integer.parseInt(o.getOrDefault("basis", "128"));
        int block = Integer.parseInt(o.getOrDefault("block", "1"));
        int max = Integer.parseInt(o.getOrDefault("max", "3000"));
        calls = 0;
        products = 0;
        long t0 = System.nanoTime();
        if (p[0].equals("eig")) {
            double tol = Double.parseDouble(o.getOrDefault("tol", "1e-5"));
            double rtol = Math.max(tol, Double.parseDouble(o.getOrDefault("rtol", "" + tol)));
            KrylovSpectra.Settings st = new KrylovSpectra.Settings(Integer.parseInt(o.getOrDefault("nev", "6")), basis, block,
                    max, tol, rtol, 42);
            KrylovSpectra.Eigenvalues e = KrylovSpectra.largestEigenvalues(products(false), 1, k, st)[0];
            return String.format(Locale.ROOT, "%s: rho %.10f leading residual %.2e resolved %d/%d products %d calls %d %.1f s",
                    spec, e.radius(), e.residuals().length > 0 ? e.residuals()[0] : Double.NaN, e.resolved(), e.real().length,
                    products, calls, (System.nanoTime() - t0) / 1e9);
        }
        KrylovSpectra.Settings st = new KrylovSpectra.Settings(1, basis, block, max,
                Double.parseDouble(o.getOrDefault("tol", "1e-3")), 43);
        KrylovSpectra.Norm n = KrylovSpectra.spectralNorm(products(false), products(true), 1, k, st)[0];
        return String.format(Locale.ROOT, "%s: norm %.10f error %.2e residual %.2e products %d calls %d %.1f s", spec,
                n.value(), n.value() - exactNorm, n.residual(), products, calls, (System.nanoTime() - t0) / 1e9);
    }

    public static void main(String[] args) {
        KrylovBench b = new KrylovBench(Integer.parseInt(args[0]), Double.parseDouble(args[1]), Long.parseLong(args[2]));
        System.out.printf(Locale.ROOT, "k = %d, bias scale %s, seed %s: exact norm %.9f%n", b.k, args[1], args[2], b.exactNorm);
        for (String spec : Arrays.copyOfRange(args, 3, args.length)) {
            System.out.println(b.run(spec));
        }
    }
}
