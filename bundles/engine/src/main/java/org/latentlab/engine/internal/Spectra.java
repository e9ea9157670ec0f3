package org.latentlab.engine.internal;

import java.util.Optional;
import java.util.Random;
import org.latentlab.api.Tensor;
import org.latentlab.api.attractor.FixedPointKind;
import org.latentlab.api.dynamics.LatentMap;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.LinearizedMap;
import org.latentlab.numerics.KrylovSpectra;

/**
 * Jacobian spectra of many fixed points. Up to {@link Settings#denseMax()} latent dimensions the dense path
 * ({@link StabilityAnalysis}): the whole Jacobian, all eigenvalues. Above it the matrix-free path: the map is
 * linearised at a group of points (libtorch autograd when the backend has it, else central differences along each
 * direction), the few eigenvalues of largest modulus come from Arnoldi on Jacobian-vector products and the spectral
 * norm from Lanczos on JᵀJ (needs vector-Jacobian products); without them the norm comes from the dense Jacobian
 * (central differences at a step chosen per point, Richardson-extrapolated) up to {@link Settings#denseNormMax()}
 * dimensions, else it is only the lower bound ‖J V‖ on the Krylov basis. Memory
 * per point: the Krylov bases, O(basis · k), never k² (except that dense norm, one point at a time). Public for the
 * benchmarks.
 */
public final class Spectra {

    /**
     * @param denseMax     latent dimensions up to this: dense Jacobian and its full spectrum
     * @param eigenvalues  matrix-free: eigenvalues of largest modulus wanted per fixed point
     * @param basis        matrix-free: Krylov basis size before a restart
     * @param block        matrix-free: directions per attractor per product call (block Arnoldi; 1: plain Arnoldi)
     * @param maxProducts  matrix-free: products per fixed point at most, for the eigenvalues and again for the norm
     * @param denseNormMax no vector-Jacobian products: dense Jacobian for the norm up to this dimension
     * @param jacobianStep difference step relative to max(1, |z_j|)
     * @param modelBatch   rows per model call: autograd linearises at most half of it at once (two graphs)
     * @param resolveMax   matrix-free: up to this latent dimension every wanted eigenvalue is resolved to the products'
     *                     accuracy; above, the iteration stops once the leading one is resolved to
     *                     {@link #RADIUS_TOLERANCE} and clear of the unit circle (what ρ and the kind need)
     */
    public record Settings(int denseMax, int eigenvalues, int basis, int block, int maxProducts, int denseNormMax,
            double jacobianStep, int modelBatch, int resolveMax) {
        /** Every wanted eigenvalue resolved up to {@link #DEFAULT_RESOLVE_MAX} dimensions. */
        public Settings(int denseMax, int eigenvalues, int basis, int block, int maxProducts, int denseNormMax,
                double jacobianStep, int modelBatch) {
            this(denseMax, eigenvalues, basis, block, maxProducts, denseNormMax, jacobianStep, modelBatch, DEFAULT_RESOLVE_MAX);
        }

        public static Settings defaults(double jacobianStep) {
            return new Settings(64, 6, 128, 1, 3000, 4096, jacobianStep, ModelBatch.DEFAULT, DEFAULT_RESOLVE_MAX);
        }

        Settings withModelBatch(int batch) {
            return new Settings(denseMax, eigenvalues, basis, block, maxProducts, denseNormMax, jacobianStep, batch, resolveMax);
        }

        public Settings withResolveMax(int max) {
            return new Settings(denseMax, eigenvalues, basis, block, maxProducts, denseNormMax, jacobianStep, modelBatch, max);
        }
    }

    /** Default {@link Settings#resolveMax()}: at 4096 resolving all six took 9 s (895 products); at 16384, 1537. */
    public static final int DEFAULT_RESOLVE_MAX = 4096;
    /**
     * Relative residual of the leading eigenvalue at which ρ counts as resolved above {@link Settings#resolveMax()}: for
     * a normal J, ρ̂ is then within 1e-3 · ρ̂ of an eigenvalue (the accuracy).
     */
    public static final double RADIUS_TOLERANCE = 1e-3;

    /**
     * Spectrum of one fixed point.
     *
     * @param real       real parts of the eigenvalues (all of them on the dense path, the largest on the matrix-free one)
     * @param method     how J was obtained, the result's {@code jacobian} field
     * @param matrixFree what the matrix-free path adds; null on the dense path
     */
    public record Spectrum(double[] real, double[] imag, double spectralRadius, double spectralNorm, FixedPointKind kind,
            String method, MatrixFree matrixFree) {
        public boolean stable() {
            return spectralRadius < 1;
        }

        Spectrum withMethod(String m) {
            return new Spectrum(real, imag, spectralRadius, spectralNorm, kind, m, matrixFree);
        }
    }

    /**
     * How much of the spectrum the matrix-free path resolved.
     *
     * @param resolved     eigenvalues (of those reported) whose residual is within the tolerance
     * @param residuals    ‖J x − λ x‖ / (‖x‖ ρ) of each reported eigenvalue, from fresh products
     * @param normResidual relative residual of the leading singular triplet; NaN when the norm is only a bound
     * @param normResolved whether that residual is within the tolerance
     * @param eigenProducts Jacobian-vector products the eigenvalues took (Arnoldi and the residual check)
     * @param normProducts  products the norm took (JVPs and VJPs; k for a dense difference Jacobian, 0 for the bound)
     */
    public record MatrixFree(int resolved, double[] residuals, double normResidual, boolean normResolved, int eigenProducts,
            int normProducts) {
        /** All products for this fixed point. */
        public int products() {
            return eigenProducts + normProducts;
        }
    }

    /** Relative residual at which an eigenvalue or the norm counts as resolved: the products' own accuracy. */
    static final double AUTODIFF_TOLERANCE = StabilityAnalysis.AUTODIFF_BAND;
    static final double DIFFERENCE_TOLERANCE = StabilityAnalysis.FINITE_DIFFERENCE_BAND;
    /**
     * Relative residual ‖Jᵀu − σv‖/σ at which the norm counts as resolved. Looser than the eigenvalues' on purpose: the
     * leading singular values of a Jacobian often cluster, the residual then falls slowly while the estimate (a lower
     * bound that only grows) is already close: at 1e-3 it was within 3e-5 relative on the tanh contraction.
     */
    static final double NORM_TOLERANCE = 1e-3;
    /** Java heap the Krylov bases of one group of points may take. */
    static final long GROUP_BYTES = 256L << 20;

    private Spectra() {}

    /**
     * Spectra of the points.
     *
     * @param checkpoint called between groups and product rounds; throws to stop
     * @param progress   told how many points are done, as groups finish
     */
    public static Spectrum[] of(LatentMap map, Optional<LatentModel> model, Tensor points, Settings s,
            Runnable checkpoint, java.util.function.IntConsumer progress) {
        int m = points.rows();
        int k = points.width();
        if (m == 0) {
            return new Spectrum[0];
        }
        if (k <= s.denseMax()) {
            Optional<Tensor> autodiff = model.flatMap(md -> md.latentJacobian(points))
                    .filter(j -> StabilityAnalysis.agrees(map, points, j, s.jacobianStep()));
            Spectrum[] out = autodiff.isPresent() ? StabilityAnalysis.fromJacobians(autodiff.get())
                    : StabilityAnalysis.analyse(map, points, s.jacobianStep());
            String method = autodiff.isPresent() ? "autodiff" : "central-differences";
            for (int a = 0; a < m; a++) {
                out[a] = out[a].withMethod(method);
            }
            progress.accept(m);
            return out;
        }
        Spectrum[] out = new Spectrum[m];
        int group = groupSize(k, s, model.isPresent());
        for (int from = 0; from < m; from += group) {
            checkpoint.run();
            int to = Math.min(m, from + group);
            Spectrum[] part = matrixFree(map, model, points.slice(from, to), s, checkpoint);
            System.arraycopy(part, 0, out, from, part.length);
            progress.accept(to - from);
        }
        return out;
    }

    /** Points per group: their Krylov bases within {@link #GROUP_BYTES}; with autograd, half a model batch. */
    static int groupSize(int k, Settings s, boolean autograd) {
        long perPoint = 8L * k * (s.basis() + 2L * s.block() + 2L * (s.basis() + 1) + 2L * s.eigenvalues() + 4);
        long byMemory = Math.max(1, Math.min(GROUP_BYTES, MemoryBudget.available() / 4) / perPoint);
        long byBatch = autograd ? Math.max(1, s.modelBatch() / 2 / Math.max(1, s.block())) : Integer.MAX_VALUE;
        return (int) Math.max(1, Math.min(byMemory, byBatch));
    }

    private static Spectrum[] matrixFree(LatentMap map, Optional<LatentModel> model, Tensor points,
            Settings s, Runnable checkpoint) {
        int m = points.rows();
        int k = points.width();
        int b = Math.max(1, Math.min(s.block(), k));
        DifferenceLinearization differences = new DifferenceLinearization(map, points, s.jacobianStep());
        LinearizedMap autograd = null;
        try {
            // a block of b directions per attractor: autograd linearises at each point b times (row a·b + c)
            Tensor rows = b == 1 ? points : repeatRows(points, b);
            autograd = model.flatMap(md -> md.linearize(rows)).orElse(null);
            if (autograd != null && !agrees(autograd, b == 1 ? differences : new DifferenceLinearization(map, rows,
                    s.jacobianStep()), s.jacobianStep())) {
                autograd.close(); // e.g. layers that behave otherwise in the mode autograd ran in: differences instead
                autograd = null;
            }
        } catch (RuntimeException e) { // an operation without a second derivative, say: differences instead
            if (autograd != null) {
                autograd.close();
            }
            autograd = null;
        }
        try {
            LinearizedMap lin = autograd != null ? autograd : differences;
            // differences are resolved within their own accuracy, measured here (at least the dense path's 1e-3)
            double tol = autograd != null ? AUTODIFF_TOLERANCE : Math.max(DIFFERENCE_TOLERANCE,
                    4 * java.util.Arrays.stream(differences.accuracy(7)).filter(Double::isFinite).max().orElse(0));
            KrylovSpectra.Products jvp = products(lin, differences, b, false, checkpoint);
            double radiusTol = k > s.resolveMax() ? Math.max(tol, RADIUS_TOLERANCE) : tol;
            KrylovSpectra.Settings ks = new KrylovSpectra.Settings(s.eigenvalues(), s.basis(), b, s.maxProducts(), tol,
                    radiusTol, 42);
            KrylovSpectra.Eigenvalues[] eig = KrylovSpectra.largestEigenvalues(jvp, m, k, ks);
            double[] norm = new double[m];
            double[] normResidual = new double[m];
            boolean[] normResolved = new boolean[m];
            int[] normProducts = new int[m];
            String normMethod;
            KrylovSpectra.Settings ns = new KrylovSpectra.Settings(1, s.basis(), 1, s.maxProducts(), NORM_TOLERANCE, 43);
            if (lin.hasVjp()) {
                KrylovSpectra.Norm[] n = KrylovSpectra.spectralNorm(jvp, products(lin, differences, b, true, checkpoint), m, k, ns);
                for (int a = 0; a < m; a++) {
                    norm[a] = n[a].value();
                    normResidual[a] = n[a].residual();
                    normResolved[a] = n[a].resolved();
                    normProducts[a] = n[a].products();
                }
                normMethod = "";
            } else if (k <= s.denseNormMax()) {
                // a few points at a time share each map call (at small k one point's columns are a small call, whose
                // fixed cost dominated: 1000 points at k = 32 took 7.7-10.6 s one by one); their dense Jacobians,
                // k² floats each, are held together
                int per = denseNormPoints(k);
                for (int from = 0; from < m; from += per) {
                    checkpoint.run();
                    int to = Math.min(m, from + per);
                    float[][] zs = new float[to - from][];
                    for (int a = from; a < to; a++) {
                        zs[a - from] = points.row(a);
                    }
                    double[][] steps = richardsonSteps(map, zs, s.jacobianStep(), checkpoint);
                    double[] h = new double[zs.length];
                    for (int i = 0; i < zs.length; i++) {
                        h[i] = steps[i][0];
                    }
                    float[][] jacs = richardsonJacobians(map, zs, h, checkpoint);
                    for (int a = from; a < to; a++) {
                        float[] jac = jacs[a - from];
                        jacs[a - from] = null;
                        KrylovSpectra.Norm n = KrylovSpectra.spectralNorm(explicit(jac, k, false), explicit(jac, k, true), 1, k,
                                ns)[0];
                        norm[a] = n.value();
                        normResidual[a] = n.residual();
                        normResolved[a] = n.resolved();
                        // k columns at two steps (4k map evaluations) and the steps tried
                        normProducts[a] = 2 * k + Math.min(k, LADDER_COLUMNS) * (LADDER + 1);
                    }
                }
                normMethod = "; norm: dense central-differences, Richardson-extrapolated";
            } else {
                for (int a = 0; a < m; a++) {
                    norm[a] = eig[a].normLowerBound();
                    normResidual[a] = Double.NaN;
                }
                normMethod = "; norm: lower bound"; // ‖J V‖ on the Krylov basis: no VJPs, k above denseNormMax
            }
            String method = "matrix-free " + lin.method() + normMethod;
            Spectrum[] out = new Spectrum[m];
            for (int a = 0; a < m; a++) {
                KrylovSpectra.Eigenvalues e = eig[a];
                double rho = e.radius();
                MatrixFree detail = new MatrixFree(e.resolved(), e.residuals(),
                        normResidual[a], normResolved[a], e.products(), normProducts[a]);
                out[a] = new Spectrum(e.real(), e.imag(), rho, norm[a],
                        kind(e, norm[a], normResolved[a], tol, radiusTol, k), method, detail);
            }
            return out;
        } finally {
            if (autograd != null) {
                autograd.close();
            }
        }
    }

    /**
     * The kind from the largest eigenvalues only. A resolved norm below 1 makes an attractor whatever else (ρ ≤ ‖J‖);
     * otherwise the leading eigenvalue's residual r must be within {@code radiusTol} (the tolerance, or the radius
     * tolerance above {@link Settings#resolveMax()}) and ρ̂ clear of the unit circle by tol + r · ρ̂ (for a normal J an
     * eigenvalue lies within r · ρ̂ of ρ̂; tol: the products' own error). Above 1, a resolved eigenvalue inside makes a
     * saddle; a repeller needs every eigenvalue (only when k ≤ those reported); otherwise undetermined (the smallest
     * eigenvalues were not computed).
     */
    static FixedPointKind kind(KrylovSpectra.Eigenvalues e, double norm, boolean normResolved, double tol, double radiusTol,
            int k) {
        if (normResolved && norm < 1 - tol) {
            return FixedPointKind.ATTRACTOR;
        }
        if (e.residuals().length == 0 || !(e.residuals()[0] <= radiusTol)) {
            return FixedPointKind.UNDETERMINED;
        }
        double rho = e.radius();
        if (Math.abs(rho - 1) <= tol + e.residuals()[0] * rho) {
            return FixedPointKind.UNDETERMINED;
        }
        if (rho < 1) {
            return FixedPointKind.ATTRACTOR;
        }
        boolean inside = false;
        boolean allOutside = true;
        for (int t = 0; t < e.real().length; t++) {
            double mod = Math.hypot(e.real()[t], e.imag()[t]);
            boolean resolved = e.residuals()[t] <= tol;
            inside |= resolved && mod < 1 - tol;
            allOutside &= resolved && mod > 1 + tol;
        }
        if (inside) {
            return FixedPointKind.SADDLE;
        }
        return allOutside && e.real().length >= k ? FixedPointKind.REPELLER : FixedPointKind.UNDETERMINED;
    }

    /**
     * Autograd products agree with the map: J v against the central difference along one random direction per point
     * (within 1e-2 relative, as the dense check), and Jᵀ u against J v through u·(J v) = (Jᵀ u)·v, at all but
     * {@link StabilityAnalysis#DISAGREEING_SHARE} of the points (a ReLU's kink within the difference step makes a few
     * differ; a model whose layers behave otherwise under autograd makes all differ).
     */
    static boolean agrees(LinearizedMap lin, DifferenceLinearization differences, double relStep) {
        Tensor p = lin.points();
        int n = p.rows();
        int k = p.width();
        Random r = new Random(42);
        float[] v = new float[n * k];
        float[] u = new float[n * k];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
            u[i] = (float) r.nextGaussian();
        }
        float[] jv = lin.jvp(Tensor.matrix(n, k, v)).data();
        float[] fd = differences.jvp(Tensor.matrix(n, k, v)).data();
        float[] jtu = lin.hasVjp() ? lin.vjp(Tensor.matrix(n, k, u)).data() : null;
        int disagreeing = 0;
        for (int a = 0; a < n; a++) {
            double diff = 0;
            double ref = 0;
            double ujv = 0;
            double jtuv = 0;
            double scale = 0;
            for (int j = 0; j < k; j++) {
                int i = a * k + j;
                diff += (jv[i] - fd[i]) * (double) (jv[i] - fd[i]);
                ref += fd[i] * (double) fd[i];
                ujv += u[i] * (double) jv[i];
                if (jtu != null) {
                    jtuv += jtu[i] * (double) v[i];
                    scale += Math.abs(u[i] * (double) jv[i]) + Math.abs(jtu[i] * (double) v[i]);
                }
            }
            if (jtu != null && !(Math.abs(ujv - jtuv) <= 1e-3 * scale + 1e-6)) {
                return false; // transposes of each other whatever the map: never a matter of steps
            }
            if (!(Math.sqrt(diff) <= 1e-2 * Math.sqrt(ref) + 1e-4 * Math.sqrt(k))) {
                disagreeing++;
            }
        }
        return disagreeing <= StabilityAnalysis.DISAGREEING_SHARE * n;
    }

    /**
     * Batched products through a linearisation, one call per round: autograd takes all its rows (row a·b + c for
     * direction c of attractor a; rows not in use get zeros), differences only the rows in use. Checks for
     * cancellation before each call.
     */
    private static KrylovSpectra.Products products(LinearizedMap lin, DifferenceLinearization differences, int b,
            boolean transpose, Runnable checkpoint) {
        return x -> {
            checkpoint.run();
            int lanes = x.length;
            int k = differences.points().width();
            double[][][] y = new double[lanes][][];
            if (lin == differences) {
                int count = 0;
                for (double[][] d : x) {
                    count += d == null ? 0 : d.length;
                }
                int[] rows = new int[count];
                double[][] v = new double[count][];
                int i = 0;
                for (int a = 0; a < lanes; a++) {
                    for (int c = 0; x[a] != null && c < x[a].length; c++) {
                        rows[i] = a;
                        v[i++] = x[a][c];
                    }
                }
                double[][] jv = differences.jvp(rows, v);
                i = 0;
                for (int a = 0; a < lanes; a++) {
                    for (int c = 0; x[a] != null && c < x[a].length; c++) {
                        put(y, x, a, c, jv[i++]);
                    }
                }
                return y;
            }
            float[] in = new float[lanes * b * k];
            for (int a = 0; a < lanes; a++) {
                for (int c = 0; x[a] != null && c < x[a].length; c++) {
                    if (c >= b) {
                        throw new IllegalStateException("more than " + b + " directions for one attractor in a round");
                    }
                    for (int j = 0; j < k; j++) {
                        in[(a * b + c) * k + j] = (float) x[a][c][j];
                    }
                }
            }
            Tensor t = Tensor.matrix(lanes * b, k, in);
            float[] res = (transpose ? lin.vjp(t) : lin.jvp(t)).data();
            for (int a = 0; a < lanes; a++) {
                for (int c = 0; x[a] != null && c < x[a].length; c++) {
                    double[] row = new double[k];
                    for (int j = 0; j < k; j++) {
                        row[j] = res[(a * b + c) * k + j];
                    }
                    put(y, x, a, c, row);
                }
            }
            return y;
        };
    }

    /** Each row b times in a row: [n · b, k]. */
    static Tensor repeatRows(Tensor points, int b) {
        int n = points.rows();
        int k = points.width();
        float[] out = Tensor.allocate("repeated points", (long) n * b, k);
        for (int a = 0; a < n; a++) {
            for (int c = 0; c < b; c++) {
                System.arraycopy(points.data(), a * k, out, (a * b + c) * k, k);
            }
        }
        return Tensor.matrix(n * b, k, out);
    }

    private static void put(double[][][] y, double[][][] x, int lane, int c, double[] row) {
        if (y[lane] == null) {
            y[lane] = new double[x[lane].length][];
        }
        y[lane][c] = row;
    }

    /** Columns of the dense Jacobian per map call: 4 · 256 points (two steps, both signs). */
    static final int COLUMN_BLOCK = 256;
    /** Steps the dense difference norm tries: max(1, ‖z‖∞) · 2^-l, l = 0 .. LADDER. */
    static final int LADDER = 14;
    /** Coordinate columns the steps are tried on. */
    static final int LADDER_COLUMNS = 8;

    /**
     * The step for {@link #richardsonJacobian} at z, chosen where its error is smallest on a few columns. Rounding in
     * the map's float32 arithmetic is about an ulp of its outputs (|f| ≈ |z| at a fixed point, so up to max |z_j|),
     * divided by the step; the extrapolation's truncation error grows like h⁴. On {@link #LADDER_COLUMNS} random
     * coordinate columns this takes D(h) at h = s · 2^-l (s = max(1, ‖z‖∞), l = 0 .. {@link #LADDER}, one map call),
     * R(h) from D(h) and D(2h), and returns the h at which ‖R(h) − R(2h)‖ / ‖R(h)‖ (the error of both) is least.
     * A fixed step relative to each coordinate, as before, left rounding dominant at the conv model's latent norms
     * (340; coordinates up to 19): its difference norm was 2.4e-3 below the exact one. Falls back to
     * relStep · s when every estimate is undefined (a map that returns zeros or NaN).
     *
     * @return {step, estimated relative error of the extrapolated columns at it}
     */
    static double[] richardsonStep(LatentMap map, float[] z, double relStep, Runnable checkpoint) {
        return richardsonSteps(map, new float[][] {z}, relStep, checkpoint)[0];
    }

    /**
     * Points whose dense difference norms share map calls: up to 4096 rows per call (a point's ladder takes
     * 2·min(k, 8)·15 rows, its columns 4·min(k, 256) per call), ≤ 64 MB of Jacobians.
     */
    static int denseNormPoints(int k) {
        int rows = Math.max(4 * Math.min(k, COLUMN_BLOCK), 2 * Math.min(k, LADDER_COLUMNS) * (LADDER + 1));
        int byRows = 4096 / rows;
        long byMemory = (16L << 20) / ((long) k * k);
        return (int) Math.max(1, Math.min(byRows, byMemory));
    }

    /** {@link #richardsonStep} at each of the points {@code zs}, their ladders in one map call. */
    static double[][] richardsonSteps(LatentMap map, float[][] zs, double relStep, Runnable checkpoint) {
        checkpoint.run();
        int k = zs[0].length;
        int cols = Math.min(k, LADDER_COLUMNS);
        int[] col = new Random(k * 31L + 7).ints(0, k).distinct().limit(cols).toArray();
        int levels = LADDER + 1;
        int rowsPer = 2 * cols * levels;
        float[] pts = new float[zs.length * rowsPer * k];
        double[][][] width = new double[zs.length][levels][cols];
        double[] scale = new double[zs.length];
        for (int p = 0; p < zs.length; p++) {
            float[] z = zs[p];
            double s = 1;
            for (float x : z) {
                s = Math.max(s, Math.abs(x));
            }
            scale[p] = s;
            for (int l = 0; l < levels; l++) {
                for (int c = 0; c < cols; c++) {
                    int j = col[c];
                    int row = p * rowsPer + 2 * (l * cols + c);
                    System.arraycopy(z, 0, pts, row * k, k);
                    System.arraycopy(z, 0, pts, (row + 1) * k, k);
                    double h = Math.max(s * Math.scalb(1.0, -l), 64 * Math.ulp(z[j]));
                    pts[row * k + j] = (float) (z[j] + h);
                    pts[(row + 1) * k + j] = (float) (z[j] - h);
                    width[p][l][c] = (double) pts[row * k + j] - pts[(row + 1) * k + j];
                }
            }
        }
        float[] fp = map.apply(Tensor.matrix(zs.length * rowsPer, k, pts)).data();
        double[][] out = new double[zs.length][];
        for (int p = 0; p < zs.length; p++) {
            out[p] = bestStep(fp, p * rowsPer, width[p], cols, k, scale[p], relStep);
        }
        return out;
    }

    /** The step of least estimated error from one point's ladder images, rows from {@code base} of {@code fp}. */
    private static double[] bestStep(float[] fp, int base, double[][] width, int cols, int k, double s, double relStep) {
        int levels = LADDER + 1;
        // R at level l (1 .. LADDER) from D at l and l - 1 (twice the step)
        double[][][] r = new double[levels][][];
        for (int l = 1; l < levels; l++) {
            r[l] = new double[cols][k];
            for (int c = 0; c < cols; c++) {
                int row = base + 2 * (l * cols + c);
                int wide = base + 2 * ((l - 1) * cols + c);
                for (int i = 0; i < k; i++) {
                    double d1 = ((double) fp[row * k + i] - fp[(row + 1) * k + i]) / width[l][c];
                    double d2 = ((double) fp[wide * k + i] - fp[(wide + 1) * k + i]) / width[l - 1][c];
                    r[l][c][i] = extrapolate(d1, width[l][c], d2, width[l - 1][c]);
                }
            }
        }
        double best = Double.POSITIVE_INFINITY;
        double step = relStep * s;
        for (int l = 2; l < levels; l++) {
            double diff = 0;
            double ref = 0;
            for (int c = 0; c < cols; c++) {
                for (int i = 0; i < k; i++) {
                    double d = r[l][c][i] - r[l - 1][c][i];
                    diff += d * d;
                    ref += r[l][c][i] * r[l][c][i];
                }
            }
            double e = Math.sqrt(diff / ref);
            if (e < best) { // NaN and 0/0 never win
                best = e;
                step = s * Math.scalb(1.0, -l);
            }
        }
        return new double[] {step, best};
    }

    /** Richardson: D(w) = J + c w² + O(w⁴) at full widths w1 &lt; w2, so this is J + O(w⁴). */
    static double extrapolate(double d1, double w1, double d2, double w2) {
        double a = w1 * w1;
        double b = w2 * w2;
        return (b * d1 - a * d2) / (b - a);
    }

    /**
     * J_f(z) by central differences extrapolated from steps h and 2h (Richardson), row-major float [k × k],
     * {@link #COLUMN_BLOCK} columns per map call: per column the step max(h, 64 ulps of z_j), the quotients over the
     * differences actually taken.
     */
    static float[] richardsonJacobian(LatentMap map, float[] z, double h, Runnable checkpoint) {
        return richardsonJacobians(map, new float[][] {z}, new double[] {h}, checkpoint)[0];
    }

    /** {@link #richardsonJacobian} at each of the points {@code zs} (step {@code h[p]}), a column block of each per call. */
    static float[][] richardsonJacobians(LatentMap map, float[][] zs, double[] h, Runnable checkpoint) {
        int k = zs[0].length;
        int n = zs.length;
        float[][] jac = new float[n][];
        for (int p = 0; p < n; p++) {
            jac[p] = Tensor.allocate("dense Jacobian", k, k);
        }
        for (int from = 0; from < k; from += COLUMN_BLOCK) {
            checkpoint.run();
            int to = Math.min(k, from + COLUMN_BLOCK);
            int b = to - from;
            float[] pts = Tensor.allocate("difference points", 4L * b * n, k);
            double[] width = new double[2 * b * n];
            for (int p = 0; p < n; p++) {
                float[] z = zs[p];
                for (int c = 0; c < b; c++) {
                    int j = from + c;
                    for (int t = 0; t < 2; t++) {
                        int row = 4 * (p * b + c) + 2 * t;
                        System.arraycopy(z, 0, pts, row * k, k);
                        System.arraycopy(z, 0, pts, (row + 1) * k, k);
                        double step = Math.max(h[p], 64 * Math.ulp(z[j])) * (t + 1);
                        pts[row * k + j] = (float) (z[j] + step);
                        pts[(row + 1) * k + j] = (float) (z[j] - step);
                        width[2 * (p * b + c) + t] = (double) pts[row * k + j] - pts[(row + 1) * k + j];
                    }
                }
            }
            float[] fp = map.apply(Tensor.matrix(4 * b * n, k, pts)).data();
            for (int p = 0; p < n; p++) {
                for (int c = 0; c < b; c++) {
                    int q = p * b + c;
                    double w1 = width[2 * q];
                    double w2 = width[2 * q + 1];
                    int r1 = 4 * q;
                    int r2 = 4 * q + 2;
                    for (int i = 0; i < k; i++) {
                        double d1 = ((double) fp[r1 * k + i] - fp[(r1 + 1) * k + i]) / w1;
                        double d2 = ((double) fp[r2 * k + i] - fp[(r2 + 1) * k + i]) / w2;
                        jac[p][i * k + from + c] = (float) extrapolate(d1, w1, d2, w2);
                    }
                }
            }
        }
        return jac;
    }

    /** Products with an explicit row-major float matrix [k × k], or its transpose. */
    static KrylovSpectra.Products explicit(float[] a, int k, boolean transpose) {
        return x -> {
            double[][][] y = new double[x.length][][];
            for (int l = 0; l < x.length; l++) {
                if (x[l] == null) {
                    continue;
                }
                y[l] = new double[x[l].length][];
                for (int c = 0; c < x[l].length; c++) {
                    double[] v = x[l][c];
                    double[] out = new double[k];
                    if (transpose) {
                        for (int i = 0; i < k; i++) {
                            double vi = v[i];
                            int row = i * k;
                            for (int j = 0; j < k; j++) {
                                out[j] += a[row + j] * vi;
                            }
                        }
                    } else {
                        for (int i = 0; i < k; i++) {
                            int row = i * k;
                            double sum = 0;
                            for (int j = 0; j < k; j++) {
                                sum += a[row + j] * v[j];
                            }
                            out[i] = sum;
                        }
                    }
                    y[l][c] = out;
                }
            }
            return y;
        };
    }
}
