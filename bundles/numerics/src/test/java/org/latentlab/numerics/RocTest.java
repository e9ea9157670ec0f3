package org.latentlab.numerics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.latentlab.api.LatentLabException;

class RocTest {

    @Test
    void allTiesGiveOneHalfAndAFullFalsePositiveRate() {
        Roc roc = Roc.of(new double[] {1, 1, 1}, new double[] {1, 1});
        assertEquals(0.5, roc.auroc());
        assertEquals(1.0, roc.fpr95());
        Roc.Curve c = roc.curve();
        assertArrayEquals(new double[] {0, 1}, c.fpr());
        assertArrayEquals(new double[] {0, 1}, c.tpr());
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, 1}, c.thresholds());
    }

    @Test
    void perfectSeparationGivesOneAndNoFalsePositives() {
        Roc roc = Roc.of(new double[] {2, 0, 1}, new double[] {4, 3});
        assertEquals(1.0, roc.auroc());
        assertEquals(0.0, roc.fpr95());
        Roc.Curve c = roc.curve();
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, 4, 3, 2, 1, 0}, c.thresholds());
        assertArrayEquals(new double[] {0, 0, 0, 1 / 3.0, 2 / 3.0, 1}, c.fpr());
        assertArrayEquals(new double[] {0, 0.5, 1, 1, 1, 1}, c.tpr());
    }

    @Test
    void reversedScoresGiveZero() {
        Roc roc = Roc.of(new double[] {2, 3}, new double[] {0, 1});
        assertEquals(0.0, roc.auroc());
        assertEquals(1.0, roc.fpr95());
        assertArrayEquals(new double[] {0, 0.5, 1, 1, 1}, roc.curve().fpr());
        assertArrayEquals(new double[] {0, 0, 0, 0.5, 1}, roc.curve().tpr());
    }

    /**
     * neg {0.1, 0.4, 0.4, 0.8}, pos {0.4, 0.6, 0.9}: the pair counts are 0.4 → 1 + ½·2, 0.6 → 3,
     * 0.9 → 4, so AUROC = 9/12. Curve: 0.9 (0, 1/3), 0.8 (1/4, 1/3), 0.6 (1/4, 2/3), 0.4 (3/4, 1),
     * 0.1 (1, 1).
     */
    @Test
    void aSmallCaseWithTiesMatchesTheHandCount() {
        Roc roc = Roc.of(new double[] {0.4, 0.1, 0.8, 0.4}, new double[] {0.9, 0.4, 0.6});
        assertEquals(0.75, roc.auroc());
        Roc.Curve c = roc.curve();
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, 0.9, 0.8, 0.6, 0.4, 0.1}, c.thresholds());
        assertArrayEquals(new double[] {0, 0, 0.25, 0.25, 0.75, 1}, c.fpr());
        assertArrayEquals(new double[] {0, 1 / 3.0, 1 / 3.0, 2 / 3.0, 1, 1}, c.tpr());
        assertEquals(0.75, roc.fpr95());
        assertEquals(0.25, roc.fprAtTpr(0.5));
        assertEquals(0.0, roc.fprAtTpr(0.0));
        assertEquals(0.75, trapezoid(c), 1e-15);
        assertEquals(new Roc.Point(0.25, 2 / 3.0), roc.at(0.5));
        assertEquals(new Roc.Point(0.75, 1.0), roc.at(0.4), "the threshold itself counts as positive");
        assertEquals(new Roc.Point(0.0, 0.0), roc.at(1.0));
        assertEquals(new Roc.Point(1.0, 1.0), roc.at(Double.NEGATIVE_INFINITY));
    }

    /** 20 positives 1..20: at threshold 2 TPR is 19/20 = 0.95 exactly, which counts (≥, not &gt;). */
    @Test
    void fpr95TakesTheFirstThresholdWhereTprReachesExactlyPointNinetyFive() {
        double[] pos = new double[20];
        for (int i = 0; i < 20; i++) {
            pos[i] = i + 1;
        }
        Roc roc = Roc.of(new double[] {1.5, 10.5, 25}, pos);
        assertEquals(2 / 3.0, roc.fpr95());
        assertEquals(1.0, roc.fprAtTpr(1.0));
    }

    @Test
    void signedZerosTieAndInfinitiesAreScores() {
        assertEquals(0.5, Roc.of(new double[] {-0.0}, new double[] {0.0}).auroc());
        assertEquals(1, Roc.of(new float[] {-0.0f}, new float[] {0.0f}).curve().thresholds().length - 1, "one point for ±0");
        Roc inf = Roc.of(new double[] {1, Double.NEGATIVE_INFINITY}, new double[] {Double.POSITIVE_INFINITY});
        assertEquals(1.0, inf.auroc());
        assertEquals(0.0, inf.fpr95());
    }

    @Test
    void matchesABruteForcePairCountOnRandomScoresWithManyTies() {
        SplittableRandom r = new SplittableRandom(11);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + r.nextInt(60);
            int m = 1 + r.nextInt(60);
            int levels = 1 + r.nextInt(8); // few distinct values: many ties
            double[] neg = new double[n];
            double[] pos = new double[m];
            for (int i = 0; i < n; i++) {
                neg[i] = r.nextInt(levels) * 0.5;
            }
            for (int i = 0; i < m; i++) {
                pos[i] = r.nextInt(levels) * 0.5 + (r.nextBoolean() ? 0.5 : 0);
            }
            long greater = 0;
            long equal = 0;
            for (double p : pos) {
                for (double q : neg) {
                    greater += p > q ? 1 : 0;
                    equal += p == q ? 1 : 0;
                }
            }
            Roc roc = Roc.of(neg, pos);
            assertEquals((2 * greater + equal) / (2.0 * n * m), roc.auroc(), "trial " + trial);
            assertEquals(roc.auroc(), trapezoid(roc.curve()), 1e-12, "area under the curve, trial " + trial);
            assertEquals(bruteFprAtTpr(neg, pos, 0.95), roc.fpr95(), "trial " + trial);
            assertEquals(bruteFprAtTpr(neg, pos, 0.5), roc.fprAtTpr(0.5), "trial " + trial);
        }
    }

    @Test
    void nanScoresAreRefusedNamingTheSetAndIndex() {
        LatentLabException e = assertThrows(LatentLabException.class,
                () -> Roc.of(new double[] {0, 1, Double.NaN}, new double[] {1}));
        assertTrue(e.getMessage().contains("in-distribution") && e.getMessage().contains("index 2"), e.getMessage());
        e = assertThrows(LatentLabException.class, () -> Roc.of(new float[] {0}, new float[] {Float.NaN}));
        assertTrue(e.getMessage().contains("out-of-distribution") && e.getMessage().contains("index 0"), e.getMessage());
        e = assertThrows(LatentLabException.class, () -> Roc.of(new double[0], new double[] {1}));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Roc.of(new double[] {0}, new double[] {1}).fprAtTpr(1.5));
    }

    /** Independent FPR at TPR: scan the distinct scores from the top, counting each time. */
    static double bruteFprAtTpr(double[] neg, double[] pos, double target) {
        TreeSet<Double> thresholds = new TreeSet<>();
        for (double s : neg) {
            thresholds.add(s);
        }
        for (double s : pos) {
            thresholds.add(s);
        }
        for (double t : thresholds.descendingSet()) {
            int tp = 0;
            int fp = 0;
            for (double s : pos) {
                tp += s >= t ? 1 : 0;
            }
            for (double s : neg) {
                fp += s >= t ? 1 : 0;
            }
            if ((double) tp / pos.length >= target) {
                return (double) fp / neg.length;
            }
        }
        throw new AssertionError("TPR never reached " + target);
    }

    static double trapezoid(Roc.Curve c) {
        double area = 0;
        for (int i = 1; i < c.fpr().length; i++) {
            area += (c.fpr()[i] - c.fpr()[i - 1]) * (c.tpr()[i] + c.tpr()[i - 1]) / 2;
        }
        return area;
    }
}
