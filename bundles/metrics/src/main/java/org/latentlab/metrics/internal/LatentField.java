package org.latentlab.metrics.internal;

import java.util.List;

/**
 * What {@link LatentFieldMetric} computed, in plane coordinates, for {@link LatentFieldSection}.
 * Internal and never changed after it is made, so the arrays are shared, not copied.
 *
 * @param bounds        {x0, x1, y0, y1} of the picture
 * @param grid          grid points [g*g][2], row by row
 * @param field         the projected field v(z) = f(z) − z at each grid point [g*g][2]
 * @param attractors    the attractors projected [m][2], by attractor id
 * @param paths         trajectories drawn, each [steps][2]
 * @param pathLabels    attractor id each drawn trajectory reaches, -1 for none
 * @param explained     share of the variance along each of the two axes
 * @param pathsRecorded whether paths are the recorded ones (else seed → end point)
 */
record LatentField(double[] bounds, double[][] grid, double[][] field, double[][] attractors, List<double[][]> paths,
        int[] pathLabels, double[] explained, boolean pathsRecorded) {}
