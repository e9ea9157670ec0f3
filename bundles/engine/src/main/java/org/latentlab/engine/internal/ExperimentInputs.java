package org.latentlab.engine.internal;

import java.io.IOException;
import java.util.Arrays;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.catalog.Catalog;
import org.latentlab.api.data.DataSet;
import org.latentlab.api.experiment.InputReference;
import org.latentlab.api.model.ModelSpec;

/** Reads the inputs an experiment names (a .npy file or a data set range), checked against the model's input shape. */
final class ExperimentInputs {

    private ExperimentInputs() {}

    static Tensor read(String reference, ModelSpec spec, Catalog catalog) {
        InputReference ref = InputReference.parse(reference);
        Tensor x;
        if (ref.isFile()) {
            try {
                x = org.latentlab.io.InputFiles.read(ref.file());
            } catch (IOException e) {
                throw new LatentLabException("cannot read inputs " + ref + ": " + e.getMessage());
            }
        } else {
            DataSet ds = catalog.require(DataSet.class, ref.dataset());
            if (!ds.splits().contains(ref.split())) {
                throw new LatentLabException("inputs " + ref + ": data set '" + ref.dataset() + "' has no split '" + ref.split()
                        + "'; its splits: " + ds.splits());
            }
            Tensor all = ds.load(ref.split(), ref.to());
            int to = ref.to() < 0 ? all.rows() : ref.to();
            if (to > all.rows()) {
                throw new LatentLabException("inputs " + ref + ": split '" + ref.split() + "' of '" + ref.dataset() + "' has only "
                        + all.rows() + " inputs");
            }
            x = all.slice(ref.from(), to);
        }
        if (x.rows() == 0) {
            throw new LatentLabException("inputs " + ref + " are empty");
        }
        if (spec != null && x.width() != spec.inputSize()) {
            throw new LatentLabException("inputs " + ref + " have shape " + Arrays.toString(x.shape()) + "; model '" + spec.name()
                    + "' takes " + Arrays.toString(spec.inputShape()) + " per input");
        }
        SeedReader.checkFinite("inputs " + ref, x.data(), x.width());
        return spec == null ? x : new Tensor(spec.batchShape(x.rows()), x.data());
    }
}
