package org.latentlab.numerics;

import java.util.Arrays;
import org.latentlab.api.LatentLabException;

/**
 * The ROC statistics of a detector that calls a sample positive when its score is at or above a
 * threshold. Negatives are the in-distribution samples, positives the out-of-distribution ones; a
 * higher score means "more out-of-distribution".
 *
 * <ul>
 * <li>AUROC = P(s⁺ &gt; s⁻) + ½·P(s⁺ = s⁻) over all (positive, negative) pairs, computed exactly
 * (integer pair counts) in O(n log n); it equals the trapezoidal area under {@link #curve()}.</li>
 * <li>The curve: one point per distinct score t, in descending order, with TPR(t) = #{s⁺ ≥ t}/P and
 * FPR(t) = #{s⁻ ≥ t}/N; tied scores form one point; it starts at (0, 0) with threshold +∞ (as
 * scikit-learn's {@code roc_curve}).</li>
 * <li>FPR at TPR x: the FPR of the first curve point (highest threshold) whose TPR ≥ x, i.e.
 * {@code fpr[np.argmax(tpr >= x)]} on scikit-learn's curve (its {@code drop_intermediate} does
 * not change that value: the points it drops lie inside vertical or horizontal runs).</li>
 * </ul>
 *
 * Scores may be ±∞; NaN is refused, naming the set and index; −0.0 and +0.0 are one score.
 * Immutable; the constructor sorts copies once.
 */
public final class Roc {

    /** Ascending copies. */
    private final double[] neg;
    private final double[] pos;

    private Roc(double[] neg, double[] pos) {
        this.neg = neg;
        this.pos = pos;
    }

    /**
     * @param negatives scores of the in-distribution samples (at least one)
     * @param positives scores of the out-of-distribution samples (at least one)
     */
    public static Roc of(double[] negatives, double[] positives) {
        return new Roc(sorted(negatives, "in-distribution (negative)"), sorted(positives, "out-of-distribution (positive)"));
    }

    /** As {@link #of(double[], double[])} for float32 scores (each widened exactly). */
    public static Roc of(float[] negatives, float[] positives) {
        return of(widen(negatives), widen(positives));
    }

    public int negatives() {
        return neg.length;
    }

    public int positives() {
        return pos.length;
    }

    /** P(s⁺ &gt; s⁻) + ½·P(s⁺ = s⁻), exact: (2·#greater + #equal) / (2·P·N) from integer counts. */
    public double auroc() {
        long twiceU = 0;
        int below = 0; // negatives < current positive score
        int atOrBelow = 0; // negatives <= current positive score
        for (double s : pos) {
            while (below < neg.length && neg[below] < s) {
                below++;
            }
            if (atOrBelow < below) {
                atOrBelow = below;
            }
            while (atOrBelow < neg.length && neg[atOrBelow] <= s) {
                atOrBelow++;
            }
            twiceU += 2L * below + (atOrBelow - below);
        }
        return twiceU / (2.0 * pos.length * neg.length);
    }

    /** FPR at the first threshold (descending) where TPR ≥ 0.95: the usual FPR95. */
    public double fpr95() {
        return fprAtTpr(0.95);
    }

    /** FPR of the first curve point (highest threshold) with TPR ≥ {@code tpr}, tpr in [0, 1]. */
    public double fprAtTpr(double tpr) {
        if (!(tpr >= 0 && tpr <= 1)) {
            throw new IllegalArgumentException("the true positive rate must be in [0, 1], not " + tpr);
        }
        Curve c = curve();
        for (int i = 0; i < c.tpr().length; i++) {
            if (c.tpr()[i] >= tpr) {
                return c.fpr()[i];
            }
        }
        throw new IllegalStateException("the curve ends at TPR 1"); // unreachable: the last point is (1, 1)
    }

    /**
     * The curve points: thresholds[0] = +∞ with (0, 0), then one point per distinct score in
     * descending order, ending at (1, 1). TPR and FPR are count / size in double.
     */
    public Curve curve() {
        int cap = neg.length + pos.length + 1;
        double[] thr = new double[cap];
        double[] fpr = new double[cap];
        double[] tpr = new double[cap];
        thr[0] = Double.POSITIVE_INFINITY;
        int points = 1;
        int i = pos.length - 1;
        int j = neg.length - 1;
        int tp = 0;
        int fp = 0;
        while (i >= 0 || j >= 0) {
            double t = i < 0 ? neg[j] : j < 0 ? pos[i] : Math.max(pos[i], neg[j]);
            while (i >= 0 && pos[i] == t) {
                i--;
                tp++;
            }
            while (j >= 0 && neg[j] == t) {
                j--;
                fp++;
            }
            thr[points] = t;
            tpr[points] = (double) tp / pos.length;
            fpr[points] = (double) fp / neg.length;
            points++;
        }
        return new Curve(Arrays.copyOf(thr, points), Arrays.copyOf(fpr, points), Arrays.copyOf(tpr, points));
    }

    /** TPR = #{s⁺ ≥ t}/P and FPR = #{s⁻ ≥ t}/N at threshold t. */
    public Point at(double threshold) {
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("the threshold is NaN");
        }
        return new Point((double) atOrAbove(neg, threshold) / neg.length, (double) atOrAbove(pos, threshold) / pos.length);
    }

    /** The ROC curve, index by index: thresholds descending from +∞, FPR and TPR ascending from 0 to 1. */
    public record Curve(double[] thresholds, double[] fpr, double[] tpr) {}

    /** One operating point. */
    public record Point(double fpr, double tpr) {}

    private static int atOrAbove(double[] ascending, double t) {
        double key = t + 0.0;
        int lo = 0;
        int hi = ascending.length; // first index with value >= t
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ascending[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return ascending.length - lo;
    }

    private static double[] sorted(double[] scores, String set) {
        if (scores == null || scores.length == 0) {
            throw new LatentLabException("the " + set + " scores are empty; AUROC and FPR need at least one score in each set");
        }
        double[] out = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw new LatentLabException("the " + set + " score at index " + i + " is NaN; every score must be a number");
            }
            out[i] = scores[i] + 0.0; // -0.0 becomes +0.0: Arrays.sort orders them apart, but they tie
        }
        Arrays.sort(out);
        return out;
    }

    private static double[] widen(float[] scores) {
        if (scores == null) {
            return null;
        }
        double[] out = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            out[i] = scores[i];
        }
        return out;
    }
}
