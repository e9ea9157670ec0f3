package org.latentlab.backend.nd4j.internal;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.Tensor;
import org.latentlab.api.model.LatentModel;
import org.latentlab.api.model.ModelSpec;
import org.latentlab.layerstack.LayerStack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A dense layer stack on ND4J: every layer is a matrix product (OpenBLAS gemm) or an element-wise
 * activation. ND4J lives on the launcher class path and finds its backend through the thread context
 * class loader, which every call sets.
 */
final class Nd4jLatentModel implements LatentModel {

    /** A dense layer: W [out, in] (stored transposed for x·Wᵀ), b [1, out]; or an activation. */
    private record Op(String type, INDArray weightT, INDArray bias, double alpha) {}

    private final ModelSpec spec;
    private final List<Op> encoder;
    private final List<Op> decoder;

    private Nd4jLatentModel(ModelSpec spec, List<Op> encoder, List<Op> decoder) {
        this.spec = spec;
        this.encoder = encoder;
        this.decoder = decoder;
    }

    static Nd4jLatentModel load(ModelSpec spec) {
        return nd4j(() -> {
            Nd4jLatentModel m = new Nd4jLatentModel(spec, ops(spec, spec.encoderFile()), ops(spec, spec.decoderFile()));
            spec.probe(m);
            return m;
        });
    }

    private static List<Op> ops(ModelSpec spec, java.nio.file.Path file) {
        return LayerStack.read(file).stream().map(l -> switch (l.layer().type()) {
            case "linear" -> {
                INDArray w = Nd4j.create(l.weight(), new long[] {l.layer().out(), l.layer().in()}, 'c');
                yield new Op("linear", w.transpose().dup('f'), Nd4j.create(l.bias(), new long[] {1, l.layer().out()}, 'c'), 0);
            }
            case "relu", "tanh", "sigmoid", "leaky-relu", "flatten", "reshape" -> new Op(l.layer().type(), null, null,
                    l.layer().alpha());
            default -> throw new LatentLabException(file + ": the nd4j backend runs dense layer stacks (linear layers and "
                    + "relu/tanh/sigmoid/leaky-relu); layer '" + l.layer().type() + "' needs the 'layers' backend");
        }).toList();
    }

    private static INDArray run(List<Op> ops, INDArray x) {
        INDArray h = x;
        for (Op op : ops) {
            h = switch (op.type()) {
                case "linear" -> h.mmul(op.weightT()).addiRowVector(op.bias());
                case "relu" -> Transforms.relu(h, false);
                case "tanh" -> Transforms.tanh(h, false);
                case "sigmoid" -> Transforms.sigmoid(h, false);
                case "leaky-relu" -> Transforms.leakyRelu(h, op.alpha(), false);
                default -> h; // flatten / reshape: rows stay flat here, the caller shapes the result
            };
        }
        return h;
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public Tensor encode(Tensor inputs) {
        return apply(encoder, inputs, spec.latentDim(), new int[] {spec.latentDim()}, "encoder " + spec.encoderFile());
    }

    @Override
    public Tensor decode(Tensor latents) {
        return apply(decoder, latents, spec.inputSize(), spec.inputShape(), "decoder " + spec.decoderFile());
    }

    private Tensor apply(List<Op> ops, Tensor in, int outWidth, int[] outRow, String what) {
        return nd4j(() -> {
            INDArray x = Nd4j.create(in.data(), new long[] {in.rows(), in.width()}, 'c');
            INDArray y = run(ops, x);
            if (y.columns() != outWidth) {
                throw new LatentLabException(what + " gives " + y.columns() + " values per row; model.json says "
                        + Arrays.toString(outRow));
            }
            int[] shape = new int[outRow.length + 1];
            shape[0] = in.rows();
            System.arraycopy(outRow, 0, shape, 1, outRow.length);
            return new Tensor(shape, y.dup('c').castTo(DataType.FLOAT).data().asFloat());
        });
    }

    static <T> T nd4j(Callable<T> work) {
        Thread t = Thread.currentThread();
        ClassLoader saved = t.getContextClassLoader();
        t.setContextClassLoader(Nd4j.class.getClassLoader());
        try {
            return work.call();
        } catch (LatentLabException e) {
            throw e;
        } catch (Exception | LinkageError e) {
            throw new LatentLabException("ND4J: " + e, e);
        } finally {
            t.setContextClassLoader(saved);
        }
    }

    @Override
    public void close() {
        // INDArrays are freed by ND4J's garbage-collector-driven memory manager
    }
}
