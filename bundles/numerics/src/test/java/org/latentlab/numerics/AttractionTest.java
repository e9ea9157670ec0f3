package org.latentlab.numerics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Attraction on Jacobians whose eigenvalues are known in closed form. */
class AttractionTest {

    /** r·(rotation by θ): eigenvalues r·e^{±iθ}, modulus r. */
    static double[][] rotation(double r, double theta) {
        return new double[][] {{r * Math.cos(theta), -r * Math.sin(theta)}, {r * Math.sin(theta), r * Math.cos(theta)}};
    }

    @Test
    void insideTheUnitCircleAttracts() {
        assertTrue(Attraction.attracting(new double[][] {{0.5, 0}, {0, 0.97}}));
        assertTrue(Attraction.attracting(rotation(0.99, 0.3)));
        // non-normal: a large off-diagonal entry, eigenvalues still 0.9 and 0.8
        assertTrue(Attraction.attracting(new double[][] {{0.9, 50}, {0, 0.8}}));
    }

    @Test
    void onOrOutsideItDoesNot() {
        assertFalse(Attraction.attracting(new double[][] {{0.5, 0}, {0, 1.0}}), "eigenvalue exactly 1");
        assertFalse(Attraction.attracting(new double[][] {{0.5, 0}, {0, 1.5}}), "saddle");
        assertFalse(Attraction.attracting(new double[][] {{-1.2, 0}, {0, 0.1}}), "eigenvalue -1.2");
        assertFalse(Attraction.attracting(rotation(1.01, 0.3)), "complex pair of modulus 1.01");
    }

    @Test
    void missingOrBrokenJacobiansDoNot() {
        assertFalse(Attraction.attracting(null));
        assertFalse(Attraction.attracting(new double[][] {{Double.NaN, 0}, {0, 0.5}}));
    }
}
