package org.latentlab.backend.djl.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Optional;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.rowworkers.RowWorkers;

/** A model whose encoder and decoder are layer stacks ({@link DjlLayerStack}), run on libtorch, with autograd Jacobians. */
final class LayersLatentModel implements LatentModel {

    static final String ENGINE = "PyTorch";

    private final ModelSpec spec;
    /** Rows per libtorch call of latentSteps, fixed at load (the system property as it was then). */
    private final int blockRows;
    private final NDManager manager;
    private final DjlLayerStack encoder;
    private final DjlLayerStack decoder;
    /** Rows side by side in libtorch. */
    private final RowWorkers workers = RowWorkers.create();
    private AutogradLinearization.Grad grad;

    private LayersLatentModel(ModelSpec spec, NDManager manager, DjlLayerStack encoder, DjlLayerStack decoder) {
        this.spec = spec;
        this.blockRows = DjlLatentModel.blockRows(spec.inputSize());
        this.manager = manager;
        this.encoder = encoder;
        this.decoder = decoder;
    }

    /** Loads both stacks and probes them with one zero row. */
    static LayersLatentModel load(ModelSpec spec) {
        NDManager manager = DjlLatentModel.withEngine(() -> NDManager.newBaseManager(ENGINE), "PyTorch engine");
        try {
            DjlLayerStack e = DjlLatentModel.withEngine(() -> DjlLayerStack.load(spec.encoderFile(), manager), "encoder");
            DjlLayerStack d = DjlLatentModel.withEngine(() -> DjlLayerStack.load(spec.decoderFile(), manager), "decoder");
            LayersLatentModel m = new LayersLatentModel(spec, manager, e, d);
            try {
                spec.probe(m);
            } catch (RuntimeException ex) {
                m.workers.close(); // the manager is closed below
                throw ex;
            }
            return m;
        } catch (RuntimeException ex) {
            manager.close();
            throw ex;
        }
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public Tensor encode(Tensor inputs) {
        return run(encoder, inputs, "encoder " + spec.encoderFile(), new int[] {spec.latentDim()});
    }

    @Override
    public Tensor decode(Tensor latents) {
        return run(decoder, latents, "decoder " + spec.decoderFile(), spec.inputShape());
    }

    private Tensor run(DjlLayerStack stack, Tensor in, String what, int[] outRow) {
        return DjlLatentModel.withEngine(() -> {
            try (NDManager scope = manager.newSubManager()) {
                NDArray x = scope.create(in.data(), new Shape(Arrays.stream(in.shape()).asLongStream().toArray()));
                NDArray y = stack.forward(x);
                long size = y.size();
                int expected = in.rows() * Arrays.stream(outRow).reduce(1, (a, b) -> a * b);
                if (size != expected) {
                    throw new LatentLabException(what + " returned shape " + y.getShape() + " for " + in.rows()
                            + " rows; model.json says " + Arrays.toString(outRow) + " per row");
                }
                int[] shape = new int[outRow.length + 1];
                shape[0] = in.rows();
                System.arraycopy(outRow, 0, shape, 1, outRow.length);
                return new Tensor(shape, y.toFloatArray());
            }
        }, what);
    }

    /** f = E∘D in libtorch, {@code steps} times: only the latents cross to Java, once per step. */
    @Override
    public Tensor latentSteps(Tensor latents, int steps) {
        int k = spec.latentDim();
        if (latents.width() != k) {
            throw new LatentLabException("latents of width " + latents.width() + " do not match latentDim " + k);
        }
        return DjlLatentModel.withEngine(() -> DjlLatentModel.steps(manager, latents, steps, k,
                blockRows, DjlLatentModel.RowPadding.NONE, workers,
                z -> encoder.forward(decoder.forward(z)), "encoder " + spec.encoderFile()), "latent map of " + spec.name());
    }

    @Override
    public Optional<Tensor> latentJacobian(Tensor points) {
        return Optional.of(DjlLatentModel.withEngine(() -> AutogradJacobian.of(ENGINE, manager, points,
                z -> encoder.forward(decoder.forward(z))), "Jacobian of " + spec.name()));
    }

    /** JVPs and VJPs by autograd through both stacks (their weights need no gradient: only the latents do). */
    @Override
    public Optional<org.latentlab.api.model.LinearizedMap> linearize(Tensor points) {
        if (points.width() != spec.latentDim()) {
            throw new LatentLabException("latents of width " + points.width() + " do not match latentDim " + spec.latentDim());
        }
        return Optional.of(DjlLatentModel.withEngine(() -> {
            if (grad == null) {
                grad = AutogradLinearization.Grad.load(manager);
            }
            return AutogradLinearization.open("latent map of " + spec.name(), manager, grad, points,
                    z -> encoder.forward(decoder.forward(z)));
        }, "linearising " + spec.name()));
    }

    @Override
    public void close() {
        workers.close();
        if (grad != null) {
            grad.close();
        }
        manager.close();
    }
}
