package org.latentlab.api.attractor;

import org.latentlab.api.Tensor;

/**
 * One cluster of a part of the end points, summarised by what merging needs: its size does not grow with the
 * number of points the cluster holds (beyond what the rule needs to compare, e.g. DBSCAN's core cells).
 *
 * @param representatives [r, k] points the merge rule compares: a leader rule's first member; DBSCAN's core points,
 *                        one per cell of radius eps/4
 * @param sum             sum of the members' coordinates
 * @param count           members
 * @param spread          how far any member lies from its nearest representative, in the rule's own measure (the
 *                        Euclidean distance, the angle in radians for the cosine rule): merges decided with this
 *                        margin hold for every member
 */
public record ClusterSummary(Tensor representatives, double[] sum, long count, double spread) {

    /** The mean of the members (the cluster's position). */
    public float[] mean() {
        float[] m = new float[sum.length];
        for (int j = 0; j < sum.length; j++) {
            m[j] = (float) (sum[j] / count);
        }
        return m;
    }

    /** Two clusters as one: representatives of both (this one's first), sums and counts added, the larger spread. */
    public ClusterSummary plus(ClusterSummary other) {
        int k = sum.length;
        float[] reps = new float[(representatives.rows() + other.representatives.rows()) * k];
        System.arraycopy(representatives.data(), 0, reps, 0, representatives.data().length);
        System.arraycopy(other.representatives.data(), 0, reps, representatives.data().length, other.representatives.data().length);
        double[] s = sum.clone();
        for (int j = 0; j < k; j++) {
            s[j] += other.sum[j];
        }
        return new ClusterSummary(Tensor.matrix(reps.length / Math.max(1, k), k, reps), s, count + other.count,
                Math.max(spread, other.spread));
    }
}
