package org.latentlab.api.data;

import java.util.List;
import org.latentlab.api.Capability;
import org.latentlab.api.Tensor;
import org.osgi.annotation.versioning.ConsumerType;

/** A named data set with splits (e.g. MNIST train / test), served as float32 inputs in [0, 1]. */
@ConsumerType
public interface DataSet extends Capability {

    /** Split names, e.g. {@code train}, {@code test}. */
    List<String> splits();

    /** Shape of one input, without the batch dimension. */
    int[] inputShape();

    /** The first {@code limit} inputs of a split (all when limit &lt; 0). */
    Tensor load(String split, int limit);

    /** Class labels of the first {@code limit} inputs of a split, or an empty array when unlabelled. */
    default int[] labels(String split, int limit) {
        return new int[0];
    }
}
