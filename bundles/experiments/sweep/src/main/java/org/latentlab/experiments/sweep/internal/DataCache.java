package org.latentlab.experiments.sweep.internal;

import java.util.HashMap;
import java.util.Map;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.data.DataSet;

/**
 * The largest prefix of each data set split loaded so far, so the cells of a sweep (which differ mostly in how
 * many examples they take from the start of a split) read the data once.
 */
final class DataCache {

    private final Map<String, Tensor> loaded = new HashMap<>();

    /** The first {@code count} inputs of {@code split}; refuses a count the split does not have. */
    synchronized Tensor load(DataSet ds, String split, int count) {
        if (!ds.splits().contains(split)) {
            throw new LatentLabException("data set '" + ds + "' has no split '" + split + "'; its splits: " + ds.splits());
        }
        String key = System.identityHashCode(ds) + ":" + split;
        Tensor have = loaded.get(key);
        if (have == null || have.rows() < count) {
            have = ds.load(split, count);
            loaded.put(key, have);
        }
        if (have.rows() < count) {
            throw new LatentLabException("the " + split + " split has only " + have.rows() + " inputs, the sweep asks for " + count);
        }
        return have.rows() == count ? have : have.slice(0, count);
    }
}
