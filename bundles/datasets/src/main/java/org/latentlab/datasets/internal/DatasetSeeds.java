package org.latentlab.datasets.internal;

import java.util.List;
import java.util.SplittableRandom;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.ParameterSpec;
import org.latentlab.api.Parameters;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.Tensor;
import org.latentlab.api.data.DataSet;
import org.latentlab.api.data.SeedSource;
import org.latentlab.api.model.LatentModel;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Seeds that are encodings of inputs: a data set split, or uniform noise images. */
public final class DatasetSeeds {

    private DatasetSeeds() {}

    /** E(x) in batches. */
    static Tensor encode(LatentModel model, Tensor inputs, int batch) {
        int n = inputs.rows();
        int k = model.spec().latentDim();
        float[] z = org.latentlab.api.Tensor.allocate("seeds", n, k);
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            System.arraycopy(model.encode(inputs.slice(from, to)).data(), 0, z, from * k, (to - from) * k);
        }
        return Tensor.matrix(n, k, z);
    }

    /** Encodings of the first {@code count} inputs of a data set split. */
    @Component(service = SeedSource.class, property = {ServiceProperties.ID + "=dataset",
            ServiceProperties.DESCRIPTION + "=encodings of a data set split, e.g. dataset=mnist, split=test"})
    public static class Split implements SeedSource {

        // Data sets bound directly, keyed by id: going through the Catalog would make a reference cycle
        // (the catalog binds this seed source).
        private final java.util.Map<String, DataSet> dataSets = new java.util.concurrent.ConcurrentHashMap<>();

        @Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.MULTIPLE,
                policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC)
        void addDataSet(DataSet ds, java.util.Map<String, Object> props) {
            dataSets.put(String.valueOf(props.get(ServiceProperties.ID)), ds);
        }

        void removeDataSet(DataSet ds, java.util.Map<String, Object> props) {
            dataSets.remove(String.valueOf(props.get(ServiceProperties.ID)), ds);
        }

        @Override
        public List<ParameterSpec> parameters() {
            return List.of(ParameterSpec.text("dataset", "mnist", "data set id (latentlab services --kind dataset)"),
                    ParameterSpec.text("split", "test", "split name, e.g. train or test"),
                    ParameterSpec.integer("count", 1000, 1, Integer.MAX_VALUE, "how many inputs, from the start of the split"));
        }

        @Override
        public Tensor seeds(LatentModel model, Parameters p) {
            String id = p.getString("dataset", "mnist");
            DataSet ds = dataSets.get(id);
            if (ds == null) {
                throw new LatentLabException("no dataset with id '" + id + "' is registered; registered: "
                        + new java.util.TreeSet<>(dataSets.keySet()));
            }
            Tensor x = ds.load(p.getString("split", "test"), p.getInt("count", 1000));
            if (x.width() != model.spec().inputSize()) {
                throw new LatentLabException("data set '" + p.getString("dataset", "") + "' has inputs of "
                        + java.util.Arrays.toString(x.rowShape()) + "; model '" + model.spec().name() + "' takes "
                        + java.util.Arrays.toString(model.spec().inputShape()));
            }
            int[] shape = new int[model.spec().inputShape().length + 1];
            shape[0] = x.rows();
            System.arraycopy(model.spec().inputShape(), 0, shape, 1, shape.length - 1);
            return encode(model, new Tensor(shape, x.data()), 512);
        }
    }

    /** Encodings of images of uniform noise in [0, 1]. */
    @Component(service = SeedSource.class, property = {ServiceProperties.ID + "=noise-images",
            ServiceProperties.DESCRIPTION + "=encodings of uniform-noise images in [0, 1]"})
    public static class NoiseImages implements SeedSource {

        @Override
        public List<ParameterSpec> parameters() {
            return List.of(ParameterSpec.integer("count", 1000, 1, Integer.MAX_VALUE, "number of seeds"),
                    ParameterSpec.integer("seed", 0, Long.MIN_VALUE, Long.MAX_VALUE, "random seed"));
        }

        @Override
        public Tensor seeds(LatentModel model, Parameters p) {
            int n = p.getInt("count", 1000);
            int size = model.spec().inputSize();
            SplittableRandom r = new SplittableRandom(p.getLong("seed", 0));
            float[] x = org.latentlab.api.Tensor.allocate("noise images", n, size);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextDouble();
            }
            int[] shape = new int[model.spec().inputShape().length + 1];
            shape[0] = n;
            System.arraycopy(model.spec().inputShape(), 0, shape, 1, shape.length - 1);
            return encode(model, new Tensor(shape, x), 512);
        }
    }
}
