package org.latentlab.numerics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * Spectra of many k × k operators A_a (one per "lane", e.g. the Jacobians of a map at many fixed points) from
 * products alone, never forming A: the few eigenvalues of largest modulus by block Arnoldi with thick restarts
 * (Krylov–Schur style: the wanted Ritz vectors of the small projected matrix, orthonormalised, start the next
 * cycle), and the largest singular value ‖A‖₂ by Golub–Kahan–Lanczos bidiagonalisation (products with A and Aᵀ)
 * with explicit restarts. All lanes advance together, so each round is one batched call of {@link Products}
 * holding every lane's vectors; lanes that have finished pass nothing. Memory per lane: the Krylov basis, at most
 * (basis + block) · k doubles, and 2 · (basis + 1) · k for the norm; never k².
 *
 * <p>Every reported eigenvalue carries its true residual ‖A x − λ x‖ / ‖x‖, computed with one more product per
 * Ritz vector after the iteration (so the error of the products themselves is included); an eigenvalue counts as
 * resolved when that residual is at most {@code tolerance} · ρ̂, ρ̂ the largest modulus found. For a normal
 * operator an eigenvalue lies within the residual of each resolved value; non-normal ones can be further off.
 */
public final class KrylovSpectra {

    /** Batched products: for each lane a, {@code y[a][i] = A_a x[a][i]} (or Aᵀ); {@code x[a] == null}: no product. */
    @FunctionalInterface
    public interface Products {
        double[][][] apply(double[][][] x);
    }

    /**
     * @param eigenvalues wanted eigenvalues of largest modulus (a complex pair split by the cut is completed)
     * @param basis       most basis vectors per lane before a restart (at least eigenvalues + 2 · block)
     * @param block       vectors multiplied per lane per round (1: plain Arnoldi; more: fewer, larger calls)
     * @param maxProducts products per lane at most, then the best estimates so far are reported as unresolved
     * @param tolerance   relative residual at which an eigenvalue (or the norm) counts as resolved
     * @param radiusTolerance relative residual of the leading eigenvalue that answers the stability question: the
     *                    iteration also stops when the leading Ritz pair's residual estimate is below half of it and the
     *                    unit circle is further than tolerance + radiusTolerance · ρ̂ from ρ̂ (at least tolerance;
     *                    equal to it: every wanted eigenvalue must be resolved)
     * @param seed        of the random start vectors
     */
    public record Settings(int eigenvalues, int basis, int block, int maxProducts, double tolerance,
            double radiusTolerance, long seed) {
        public Settings {
            if (eigenvalues < 1 || block < 1 || basis < 1 || maxProducts < 1 || !(tolerance > 0)
                    || !(radiusTolerance >= tolerance)) {
                throw new IllegalArgumentException("bad Krylov settings: " + eigenvalues + " eigenvalues, basis " + basis
                        + ", block " + block + ", " + maxProducts + " products, tolerance " + tolerance
                        + ", radius tolerance " + radiusTolerance);
            }
        }

        /** Every wanted eigenvalue resolved to the tolerance before the iteration stops. */
        public Settings(int eigenvalues, int basis, int block, int maxProducts, double tolerance, long seed) {
            this(eigenvalues, basis, block, maxProducts, tolerance, tolerance, seed);
        }
    }

    /**
     * The eigenvalues of largest modulus of one lane, largest first (complex pairs adjacent, positive imaginary part
     * first).
     *
     * @param residuals      true relative residual ‖A x − λ x‖ / (‖x‖ ρ̂) of each
     * @param resolved       how many have residual at most the tolerance
     * @param products       products this lane used (Arnoldi and the residual check)
     * @param normLowerBound ‖A V‖₂ on the final Krylov basis V: a lower bound of ‖A‖₂ that needs no Aᵀ
     * @param exact          the Krylov space became invariant (or all of R^k): every eigenvalue of A it holds is exact
     */
    public record Eigenvalues(double[] real, double[] imag, double[] residuals, int resolved, int products,
            double normLowerBound, boolean exact) {
        /** Largest modulus found (NaN when nothing was). */
        public double radius() {
            double r = real.length == 0 ? Double.NaN : 0;
            for (int i = 0; i < real.length; i++) {
                r = Math.max(r, Math.hypot(real[i], imag[i]));
            }
            return r;
        }

        /** Whether the eigenvalue of largest modulus is resolved. */
        public boolean leadingResolved(double tolerance) {
            return residuals.length > 0 && residuals[0] <= tolerance;
        }
    }

    /** The largest singular value of one lane, the relative residual of its singular triplet and the products used. */
    public record Norm(double value, double residual, boolean resolved, int products) {}

    private KrylovSpectra() {}

    /**
     * With the radius rule (radiusTolerance above tolerance): basis vectors added between convergence checks that do not
     * restart (a small eigenproblem each). Without it the Ritz values are looked at only when the basis is full.
     */
    static final int CHECK_EVERY = 16;

    // ---------------------------------------------------------------------------------------------------------
    // Eigenvalues: block Arnoldi with thick restart

    /** One lane's Krylov decomposition A V[0..j) = V[0..size) H[0..size)[0..j), V orthonormal. */
    private static final class Arnoldi {
        final int k;
        final int m;
        final int nev;
        final int maxProducts;
        int b;
        final double[][] v;
        final double[][] h;
        int j;
        int size;
        int checked; // j at the last convergence check
        int products;
        boolean done;
        boolean exact;
        double scale; // largest product norm seen: what "zero" means for this operator
        // results
        double[] re = new double[0];
        double[] im = new double[0];
        double[][] xr; // Ritz vectors (real and imaginary parts) for the residual check
        double[][] xi;
        double lowerBound;
        final Random r;

        Arnoldi(int k, Settings s, Random r) {
            this.r = r;
            this.k = k;
            this.nev = Math.min(s.eigenvalues(), k);
            this.maxProducts = s.maxProducts();
            this.b = Math.min(s.block(), k);
            this.m = Math.max(Math.min(k, s.basis()), Math.min(k, nev + 2 * b));
            this.v = new double[Math.min(k, m + b)][];
            this.h = new double[m + b][m];
            for (int i = 0; i < b; i++) {
                double[] x = gaussian(k, r);
                if (!appendOrthonormal(x, r)) {
                    break;
                }
            }
        }

        /** Orthonormalises x against the basis (twice: classical Gram–Schmidt is stable with one repetition). */
        boolean appendOrthonormal(double[] x, Random r) {
            for (int attempt = 0; attempt < 3 && size < v.length; attempt++) {
                double before = norm(x);
                orthogonalise(x, v, size, null);
                orthogonalise(x, v, size, null);
                double after = norm(x);
                if (after > 1e-8 * before && after > 0) {
                    scale(x, 1 / after);
                    v[size++] = x;
                    return true;
                }
                x = gaussian(k, r);
            }
            return false;
        }

        /** The vectors to multiply this round: V[j .. size). */
        double[][] block() {
            return Arrays.copyOfRange(v, j, size);
        }

        /** Adds A V[j..size) = w to the decomposition. */
        void expand(double[][] w, Random r) {
            int first = j;
            int count = size - j;
            products += count;
            for (int c = 0; c < count; c++) {
                scale = Math.max(scale, norm(w[c]));
            }
            int rowsBefore = size;
            for (int c = 0; c < count; c++) {
                double[] x = w[c];
                double[] coef = new double[rowsBefore];
                orthogonalise(x, v, rowsBefore, coef);
                orthogonalise(x, v, rowsBefore, coef);
                for (int i = 0; i < rowsBefore; i++) {
                    h[i][first + c] = coef[i];
                }
            }
            // orthonormalise the new block among itself (its QR gives the subdiagonal block of H)
            for (int c = 0; c < count; c++) {
                double[] x = w[c];
                for (int pass = 0; pass < 2; pass++) {
                    for (int i = rowsBefore; i < size; i++) {
                        double d = dot(v[i], x);
                        axpy(-d, v[i], x);
                        h[i][first + c] += d;
                    }
                }
                double nx = norm(x);
                j++;
                if (size >= v.length) { // the basis spans all of R^k (or the space we may hold): nothing new
                    continue;
                }
                if (nx > 1e-10 * Math.max(scale, Double.MIN_NORMAL)) {
                    h[size][first + c] = nx;
                    scale(x, 1 / nx);
                    v[size++] = x;
                } else if (c == 0 && count == 1) {
                    exact = true; // invariant subspace: A V = V H exactly
                } else { // a block direction deflated: continue with a random one, H has a zero there
                    appendOrthonormal(gaussian(k, r), r);
                }
            }
        }

        /** Time for Rayleigh–Ritz: the next block would not fit, the space is exhausted, or it is invariant. */
        boolean full() {
            return size > m || j >= k || exact || size == j || products + (size - j) > maxProducts;
        }
    }

    /**
     * The eigenvalues of largest modulus of each lane's operator.
     *
     * @param jvp   products A_a x
     * @param lanes number of operators
     * @param k     their dimension
     */
    public static Eigenvalues[] largestEigenvalues(Products jvp, int lanes, int k, Settings s) {
        Arnoldi[] ls = new Arnoldi[lanes];
        for (int a = 0; a < lanes; a++) {
            ls[a] = new Arnoldi(k, s, new Random(s.seed() * 1_000_003L + a));
        }
        while (true) {
            double[][][] x = new double[lanes][][];
            boolean any = false;
            for (int a = 0; a < lanes; a++) {
                if (!ls[a].done) {
                    x[a] = ls[a].block();
                    any = true;
                }
            }
            if (!any) {
                break;
            }
            double[][][] y = jvp.apply(x);
            IntStream.range(0, lanes).parallel().forEach(a -> { // lanes are independent: orthogonalise on all cores
                Arnoldi l = ls[a];
                if (!l.done) {
                    double[][] w = copy(y[a], x[a].length);
                    if (!finite(w)) { // NaN or infinite products (a point where the map is not finite): nothing to report
                        l.done = true;
                        l.lowerBound = Double.NaN;
                        return;
                    }
                    l.expand(w, l.r);
                    if (l.full()) {
                        rayleighRitz(l, s, l.r, true);
                    } else if (s.radiusTolerance() > s.tolerance() && l.j >= l.checked + CHECK_EVERY) {
                        // the radius rule: a look between restarts, to stop as soon as ρ is resolved
                        l.checked = l.j;
                        rayleighRitz(l, s, l.r, false);
                    }
                }
            });
        }
        return residualCheck(jvp, ls, s);
    }

    /**
     * Ritz values of H; finishes the lane (keeping its wanted Ritz vectors) or, when {@code restart}, restarts it
     * (else leaves it to grow).
     */
    private static void rayleighRitz(Arnoldi l, Settings s, Random r, boolean restart) {
        int j = l.j;
        double[][] hj = new double[j][j];
        for (int i = 0; i < j; i++) {
            System.arraycopy(l.h[i], 0, hj[i], 0, j);
        }
        Ritz ritz = Ritz.of(hj);
        if (ritz == null) { // the small eigenproblem failed: report what there is, unresolved
            l.lowerBound = lowerBound(l);
            l.done = true;
            return;
        }
        int[] order = ritz.byModulus();
        int want = completePairs(ritz, order, l.nev);
        double rho = ritz.modulus(order[0]);
        boolean converged = true;
        double floor = 1e-14 * Math.max(l.scale, Double.MIN_NORMAL);
        for (int t = 0; t < want; t++) {
            double res = ritz.residual(order[t], l.h, j, l.size);
            converged &= res <= 0.5 * s.tolerance() * rho || res <= floor;
        }
        if (!converged && s.radiusTolerance() > s.tolerance()) { // enough for ρ and the side of the unit circle it is on
            double res = ritz.residual(order[0], l.h, j, l.size);
            converged = (res <= 0.5 * s.radiusTolerance() * rho || res <= floor)
                    && Math.abs(rho - 1) > s.tolerance() + s.radiusTolerance() * rho;
        }
        boolean last = converged || l.exact || j >= l.k || l.size == j || l.products + l.b > s.maxProducts();
        if (!last && !restart) {
            return;
        }
        if (last) {
            l.lowerBound = lowerBound(l);
            l.done = true;
            l.re = new double[want];
            l.im = new double[want];
            l.xr = new double[want][];
            l.xi = new double[want][];
            for (int t = 0; t < want; t++) {
                int i = order[t];
                l.re[t] = ritz.re[i];
                l.im[t] = ritz.im[i];
                l.xr[t] = combine(l.v, ritz.vr[i], j);
                l.xi[t] = ritz.im[i] == 0 ? null : combine(l.v, ritz.vi[i], j);
            }
            l.exact |= j >= l.k;
            return;
        }
        // thick restart: keep the Ritz vectors of the p largest, orthonormalised, and the residual block
        int target = Math.max(want, Math.min(j - l.b, want + (j - want) / 2));
        int keep = completePairs(ritz, order, target);
        if (keep > j - l.b) { // room for the next block: drop the pair the cut would have split
            keep = target - 1;
        }
        List<double[]> cols = new ArrayList<>();
        for (int t = 0; t < keep; t++) {
            int i = order[t];
            if (ritz.im[i] == 0) {
                cols.add(ritz.vr[i]);
            } else if (ritz.im[i] > 0) { // one real basis (Re, Im) per conjugate pair
                cols.add(ritz.vr[i]);
                cols.add(ritz.vi[i]);
            }
        }
        double[][] y = new double[j][cols.size()];
        for (int c = 0; c < cols.size(); c++) {
            for (int i = 0; i < j; i++) {
                y[i][c] = cols.get(c)[i];
            }
        }
        RealMatrix q = orthonormalColumns(y);
        if (q == null) { // the Ritz vectors were dependent: restart from the leading one alone
            q = orthonormalColumns(column(cols.get(0)));
        }
        int p = q.getColumnDimension();
        int extra = l.size - j; // the residual block V[j..size)
        double[][] nv = new double[l.v.length][];
        for (int c = 0; c < p; c++) {
            nv[c] = combine(l.v, q.getColumn(c), j);
        }
        for (int e = 0; e < extra; e++) {
            nv[p + e] = l.v[j + e];
        }
        RealMatrix hjm = new Array2DRowRealMatrix(hj, false);
        RealMatrix t = q.transpose().multiply(hjm).multiply(q);
        double[][] nh = new double[l.h.length][l.h[0].length];
        for (int i = 0; i < p; i++) {
            for (int c = 0; c < p; c++) {
                nh[i][c] = t.getEntry(i, c);
            }
        }
        for (int e = 0; e < extra; e++) { // spike rows: the residual block's coupling to the kept vectors
            for (int c = 0; c < p; c++) {
                double sum = 0;
                for (int i = 0; i < j; i++) {
                    sum += l.h[j + e][i] * q.getEntry(i, c);
                }
                nh[p + e][c] = sum;
            }
        }
        System.arraycopy(nv, 0, l.v, 0, nv.length);
        for (int i = 0; i < nh.length; i++) {
            l.h[i] = nh[i];
        }
        l.j = p;
        l.checked = p;
        l.size = p + extra;
        // the next block to multiply is the residual block; if it was shorter than b, top it up
        while (l.size - l.j < l.b && l.size < l.v.length) {
            if (!l.appendOrthonormal(gaussian(l.k, r), r)) {
                break;
            }
        }
    }

    /** σ_max of H[0..size)[0..j): ‖A V‖₂ on the basis, a lower bound of ‖A‖₂. */
    private static double lowerBound(Arnoldi l) {
        if (l.j == 0) {
            return 0;
        }
        double[][] hb = new double[l.size][l.j];
        for (int i = 0; i < l.size; i++) {
            System.arraycopy(l.h[i], 0, hb[i], 0, l.j);
        }
        try {
            return new SingularValueDecomposition(new Array2DRowRealMatrix(hb, false)).getNorm();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /** One more product per Ritz vector (one per conjugate pair and part): the true residuals. */
    private static Eigenvalues[] residualCheck(Products jvp, Arnoldi[] ls, Settings s) {
        int lanes = ls.length;
        List<List<double[]>> vectors = new ArrayList<>();
        int most = 0;
        for (Arnoldi l : ls) {
            List<double[]> vs = new ArrayList<>();
            for (int t = 0; t < l.re.length; t++) {
                if (l.im[t] >= 0) { // the negative member of a pair shares its vectors
                    vs.add(l.xr[t]);
                    if (l.im[t] > 0) {
                        vs.add(l.xi[t]);
                    }
                }
            }
            vectors.add(vs);
            most = Math.max(most, vs.size());
        }
        List<List<double[]>> images = new ArrayList<>();
        for (int a = 0; a < lanes; a++) {
            images.add(new ArrayList<>());
        }
        int per = Math.max(1, ls.length == 0 ? 1 : ls[0].b);
        for (int from = 0; from < most; from += per) {
            double[][][] x = new double[lanes][][];
            for (int a = 0; a < lanes; a++) {
                List<double[]> vs = vectors.get(a);
                if (from < vs.size()) {
                    x[a] = vs.subList(from, Math.min(vs.size(), from + per)).toArray(double[][]::new);
                }
            }
            double[][][] y = jvp.apply(x);
            for (int a = 0; a < lanes; a++) {
                if (x[a] != null) {
                    images.get(a).addAll(Arrays.asList(copy(y[a], x[a].length)));
                    ls[a].products += x[a].length;
                }
            }
        }
        Eigenvalues[] out = new Eigenvalues[lanes];
        for (int a = 0; a < lanes; a++) {
            Arnoldi l = ls[a];
            int n = l.re.length;
            double rho = 0;
            for (int t = 0; t < n; t++) {
                rho = Math.max(rho, Math.hypot(l.re[t], l.im[t]));
            }
            double floor = Math.max(rho, 1e-14 * Math.max(l.scale, Double.MIN_NORMAL));
            double[] res = new double[n];
            int used = 0;
            for (int t = 0; t < n; t++) {
                if (l.im[t] < 0) { // conjugate of the previous one: the same residual
                    res[t] = res[t - 1];
                    continue;
                }
                double[] ax = images.get(a).get(used++);
                double lr = l.re[t];
                double li = l.im[t];
                if (li == 0) {
                    double num = 0;
                    for (int i = 0; i < l.k; i++) {
                        double d = ax[i] - lr * l.xr[t][i];
                        num += d * d;
                    }
                    res[t] = Math.sqrt(num) / norm(l.xr[t]) / floor;
                } else {
                    double[] ay = images.get(a).get(used++);
                    double num = 0;
                    for (int i = 0; i < l.k; i++) { // A(xr + i xi) − (lr + i li)(xr + i xi)
                        double dr = ax[i] - lr * l.xr[t][i] + li * l.xi[t][i];
                        double di = ay[i] - lr * l.xi[t][i] - li * l.xr[t][i];
                        num += dr * dr + di * di;
                    }
                    res[t] = Math.sqrt(num) / Math.hypot(norm(l.xr[t]), norm(l.xi[t])) / floor;
                }
            }
            int resolved = 0;
            for (double v : res) {
                if (v <= s.tolerance()) {
                    resolved++;
                }
            }
            out[a] = new Eigenvalues(l.re, l.im, res, resolved, l.products, l.lowerBound, l.exact);
        }
        return out;
    }

    /** Eigen-decomposition of a small real matrix with its (real-form) eigenvectors. */
    private record Ritz(double[] re, double[] im, double[][] vr, double[][] vi) {
        static Ritz of(double[][] a) {
            int n = a.length;
            double norm = 0;
            for (double[] row : a) {
                for (double x : row) {
                    norm = Math.max(norm, Math.abs(x)); // NaN propagates
                }
            }
            double[] re = new double[n];
            double[] im = new double[n];
            double[][] vr = new double[n][];
            double[][] vi = new double[n][];
            if (!Double.isFinite(norm)) { // NaN or infinite products: nothing to report
                return null;
            }
            if (!(norm > 1e-300)) { // Commons Math refuses the zero matrix: all eigenvalues 0, any basis
                for (int i = 0; i < n; i++) {
                    vr[i] = new double[n];
                    vr[i][i] = 1;
                }
                return new Ritz(re, im, vr, vi);
            }
            EigenDecomposition e;
            try {
                e = new EigenDecomposition(new Array2DRowRealMatrix(a, true));
            } catch (RuntimeException ex) {
                return null;
            }
            RealMatrix v = e.getV();
            RealMatrix d = e.getD();
            for (int i = 0; i < n; i++) {
                re[i] = e.getRealEigenvalue(i);
                double ii = e.getImagEigenvalue(i);
                if (ii == 0) {
                    vr[i] = v.getColumn(i);
                    continue;
                }
                // a conjugate pair is stored at (i, i+1): columns Re y, Im y with A y = (D[i][i] + i D[i][i+1]) y
                if (i + 1 >= n) {
                    return null;
                }
                double lr = d.getEntry(i, i);
                double li = d.getEntry(i, i + 1);
                double[] yr = v.getColumn(i);
                double[] yi = v.getColumn(i + 1);
                re[i] = lr;
                im[i] = li;
                vr[i] = yr;
                vi[i] = yi;
                re[i + 1] = lr;
                im[i + 1] = -li;
                vr[i + 1] = yr;
                vi[i + 1] = negate(yi);
                if (li < 0) { // keep the member with the positive imaginary part first
                    im[i] = -li;
                    im[i + 1] = li;
                    vi[i] = negate(yi);
                    vi[i + 1] = yi;
                }
                i++;
            }
            return new Ritz(re, im, vr, vi);
        }

        double modulus(int i) {
            return Math.hypot(re[i], im[i]);
        }

        /** Indices by decreasing modulus; conjugate pairs adjacent, positive imaginary part first. */
        int[] byModulus() {
            Integer[] idx = new Integer[re.length];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = i;
            }
            Arrays.sort(idx, Comparator.<Integer>comparingDouble(i -> -modulus(i)).thenComparingDouble(i -> -im[i])
                    .thenComparingDouble(i -> -re[i]));
            return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
        }

        /** ‖H[j..size)[0..j) y‖ / ‖y‖: the residual of the Ritz pair in the Krylov decomposition. */
        double residual(int i, double[][] h, int j, int size) {
            double num = 0;
            for (int row = j; row < size; row++) {
                double sr = 0;
                double si = 0;
                for (int c = 0; c < j; c++) {
                    sr += h[row][c] * vr[i][c];
                    if (vi[i] != null) {
                        si += h[row][c] * vi[i][c];
                    }
                }
                num += sr * sr + si * si;
            }
            double den = Math.hypot(norm(vr[i]), vi[i] == null ? 0 : norm(vi[i]));
            return den > 0 ? Math.sqrt(num) / den : Double.POSITIVE_INFINITY;
        }
    }

    /** The first {@code count} of the order, plus the partner of a conjugate pair the cut would split. */
    private static int completePairs(Ritz r, int[] order, int count) {
        int c = Math.min(count, order.length);
        if (c < order.length && c > 0 && r.im[order[c - 1]] > 0) {
            c++;
        }
        return c;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Spectral norm: Golub–Kahan–Lanczos bidiagonalisation

    private static final class Bidiagonal {
        final int k;
        final int m;
        final double[][] v;
        final double[][] u;
        final double[] alpha;
        final double[] beta;
        int i;
        int products;
        boolean done;
        boolean exact;
        double value = Double.NaN;
        double residual = Double.NaN;
        double scale;
        double[] lastRight;

        Bidiagonal(int k, Settings s, Random r) { // r: the start vector
            this.k = k;
            this.m = Math.max(2, Math.min(k, s.basis()));
            v = new double[m + 1][];
            u = new double[m][];
            alpha = new double[m];
            beta = new double[m];
            double[] x = gaussian(k, r);
            scale(x, 1 / norm(x));
            v[0] = x;
        }
    }

    /**
     * The largest singular value ‖A_a‖₂ of each lane's operator.
     *
     * @param jvp products A_a x
     * @param vjp products A_aᵀ u
     */
    public static Norm[] spectralNorm(Products jvp, Products vjp, int lanes, int k, Settings s) {
        Bidiagonal[] ls = new Bidiagonal[lanes];
        for (int a = 0; a < lanes; a++) {
            ls[a] = new Bidiagonal(k, s, new Random(s.seed() * 1_000_003L + a + 500_009L));
        }
        while (true) {
            double[][][] x = new double[lanes][][];
            boolean any = false;
            for (int a = 0; a < lanes; a++) {
                if (!ls[a].done) {
                    x[a] = new double[][] {ls[a].v[ls[a].i]};
                    any = true;
                }
            }
            if (!any) {
                break;
            }
            double[][][] y = jvp.apply(x);
            double[][][] xu = new double[lanes][][];
            IntStream.range(0, lanes).parallel().forEach(a -> {
                Bidiagonal l = ls[a];
                if (l.done) {
                    return;
                }
                l.products++;
                double[] w = y[a][0].clone();
                if (!finite(new double[][] {w})) {
                    l.done = true;
                    l.value = Double.NaN;
                    l.residual = Double.NaN;
                    return;
                }
                l.scale = Math.max(l.scale, norm(w));
                if (l.i > 0) {
                    axpy(-l.beta[l.i - 1], l.u[l.i - 1], w);
                }
                orthogonalise(w, l.u, l.i, null);
                orthogonalise(w, l.u, l.i, null);
                double al = norm(w);
                if (!(al > 1e-10 * Math.max(l.scale, Double.MIN_NORMAL))) { // A v lies in the span already: done
                    l.alpha[l.i] = 0;
                    l.exact = true;
                    finishNorm(l, l.i, true, s);
                    return;
                }
                l.alpha[l.i] = al;
                scale(w, 1 / al);
                l.u[l.i] = w;
                xu[a] = new double[][] {w};
            });
            double[][][] z = vjp.apply(xu);
            IntStream.range(0, lanes).parallel().forEach(a -> {
                Bidiagonal l = ls[a];
                if (xu[a] == null) {
                    return;
                }
                l.products++;
                double[] w = z[a][0].clone();
                if (!finite(new double[][] {w})) {
                    l.done = true;
                    l.value = Double.NaN;
                    l.residual = Double.NaN;
                    return;
                }
                axpy(-l.alpha[l.i], l.v[l.i], w);
                orthogonalise(w, l.v, l.i + 1, null);
                orthogonalise(w, l.v, l.i + 1, null);
                double be = norm(w);
                l.i++;
                boolean invariant = !(be > 1e-10 * Math.max(l.scale, Double.MIN_NORMAL)) || l.i >= k;
                l.beta[l.i - 1] = invariant ? 0 : be;
                if (!invariant) {
                    scale(w, 1 / be);
                    l.v[l.i] = w;
                }
                l.exact = invariant;
                finishNorm(l, l.i, false, s);
                if (!l.done && l.i >= l.m) { // restart from the leading right Ritz vector
                    restartNorm(l);
                }
            });
        }
        Norm[] out = new Norm[lanes];
        for (int a = 0; a < lanes; a++) {
            Bidiagonal l = ls[a];
            out[a] = new Norm(l.value, l.residual, l.exact || l.residual <= s.tolerance(), l.products);
        }
        return out;
    }

    /**
     * SVD of the n × n bidiagonal B (A V_n = U_n B, Aᵀ U_n = V_n Bᵀ + β_n v_{n+1} e_nᵀ): the estimate and its
     * residual; done when resolved, exact or out of products. {@code closed}: A v_{n+1} fell in span U_n (α = 0),
     * so A V_{n+1} = U_n [B, β_n e_n] exactly and that n × (n + 1) matrix holds the singular values.
     */
    private static void finishNorm(Bidiagonal l, int n, boolean closed, Settings s) {
        if (n == 0) {
            l.value = 0;
            l.residual = 0;
            l.done = true;
            return;
        }
        double[][] bd = new double[n][closed ? n + 1 : n];
        for (int t = 0; t < n; t++) {
            bd[t][t] = l.alpha[t];
            if (t + 1 < bd[t].length) {
                bd[t][t + 1] = l.beta[t];
            }
        }
        SingularValueDecomposition svd;
        try {
            svd = new SingularValueDecomposition(new Array2DRowRealMatrix(bd, false));
        } catch (RuntimeException e) {
            l.done = true;
            return;
        }
        double sigma = svd.getSingularValues()[0];
        double pLast = svd.getU().getEntry(n - 1, 0);
        double res = closed ? 0 : Math.abs(l.beta[n - 1] * pLast);
        l.value = sigma;
        l.residual = sigma > 0 ? res / sigma : res > 0 ? Double.POSITIVE_INFINITY : 0;
        l.lastRight = svd.getV().getColumn(0);
        if (l.exact || l.residual <= 0.5 * s.tolerance() || l.products + 2 > s.maxProducts()) {
            l.done = true;
        }
    }

    private static void restartNorm(Bidiagonal l) {
        double[] x = combine(l.v, l.lastRight, l.i);
        scale(x, 1 / norm(x));
        Arrays.fill(l.v, null);
        Arrays.fill(l.u, null);
        Arrays.fill(l.alpha, 0);
        Arrays.fill(l.beta, 0);
        l.v[0] = x;
        l.i = 0;
    }

    // ---------------------------------------------------------------------------------------------------------
    // small helpers

    private static double[][] copy(double[][] y, int rows) {
        if (y == null || y.length < rows) {
            throw new IllegalStateException("the products returned " + (y == null ? "nothing" : y.length + " vectors")
                    + " for " + rows);
        }
        double[][] out = new double[rows][];
        for (int i = 0; i < rows; i++) {
            out[i] = y[i].clone();
        }
        return out;
    }

    private static boolean finite(double[][] w) {
        for (double[] row : w) {
            for (double v : row) {
                if (!Double.isFinite(v)) {
                    return false;
                }
            }
        }
        return true;
    }

    static double[] gaussian(int k, Random r) {
        double[] x = new double[k];
        for (int i = 0; i < k; i++) {
            x[i] = r.nextGaussian();
        }
        return x;
    }

    /** x −= Σ_i (v_i · x) v_i for i &lt; n; adds the coefficients to coef when given. */
    private static void orthogonalise(double[] x, double[][] v, int n, double[] coef) {
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = dot(v[i], x);
        }
        for (int i = 0; i < n; i++) {
            axpy(-c[i], v[i], x);
            if (coef != null) {
                coef[i] += c[i];
            }
        }
    }

    /** Σ_i y[i] v[i] over i &lt; n. */
    private static double[] combine(double[][] v, double[] y, int n) {
        double[] out = new double[v[0].length];
        for (int i = 0; i < n; i++) {
            if (y[i] != 0) {
                axpy(y[i], v[i], out);
            }
        }
        return out;
    }

    private static RealMatrix orthonormalColumns(double[][] y) {
        int cols = y[0].length;
        QRDecomposition qr = new QRDecomposition(new Array2DRowRealMatrix(y, false));
        RealMatrix rm = qr.getR();
        double first = Math.abs(rm.getEntry(0, 0));
        for (int c = 0; c < cols; c++) {
            if (!(Math.abs(rm.getEntry(c, c)) > 1e-10 * first)) {
                return null;
            }
        }
        return qr.getQ().getSubMatrix(0, y.length - 1, 0, cols - 1);
    }

    private static double[][] column(double[] x) {
        double[][] out = new double[x.length][1];
        for (int i = 0; i < x.length; i++) {
            out[i][0] = x[i];
        }
        return out;
    }

    private static double[] negate(double[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = -x[i];
        }
        return out;
    }

    static double dot(double[] a, double[] b) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int n = a.length;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (; i < n; i++) {
            s0 += a[i] * b[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    private static void axpy(double alpha, double[] x, double[] y) {
        for (int i = 0; i < y.length; i++) {
            y[i] += alpha * x[i];
        }
    }

    private static void scale(double[] x, double f) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= f;
        }
    }
}
