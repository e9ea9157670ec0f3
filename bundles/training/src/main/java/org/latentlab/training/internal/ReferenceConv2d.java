package org.latentlab.training.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import org.latentlab.api.LatentLabException;

/**
 * A 2-D convolution on libtorch's reference kernel ({@code aten::thnn_conv2d}: im2col and matrix products), through
 * the bundled TorchScript module reference-conv2d.pt (made by src/main/python/make_reference_conv2d.py), for training.
 *
 * <p>Why not DJL's {@code Conv2d} (oneDNN in libtorch 2.7.1): on an AMD EPYC (Zen 5, AVX-512; 2026-12-06) oneDNN's
 * convolution backward gave different gradients for the same inputs from call to call, up to 2 % of their scale apart
 * and non-finite in about a fifth of the calls with 4 input channels and 1 output channel (the forward pass was right);
 * conv training diverged within a few steps. The reference kernel's gradients are the same from call to call, and equal
 * the closed form ({@code ReferenceConv2dTest}). Loaded into a manager and closed with it.
 */
final class ReferenceConv2d {

    private final PtSymbolBlock block;

    private ReferenceConv2d(PtSymbolBlock block) {
        this.block = block;
    }

    /** The module, loaded into {@code manager} (freed when it closes). */
    static ReferenceConv2d load(NDManager manager) {
        try (InputStream in = ReferenceConv2d.class.getResourceAsStream("reference-conv2d.pt")) {
            if (in == null) {
                throw new LatentLabException("reference-conv2d.pt is missing from the training bundle");
            }
            return new ReferenceConv2d(JniUtils.loadModule((PtNDManager) manager, in, true, false));
        } catch (IOException e) {
            throw new LatentLabException("reference-conv2d.pt could not be read: " + e.getMessage(), e);
        }
    }

    /** conv2d(x, weight, bias) with square stride and padding; recorded by autograd inside a gradient collector. */
    NDArray apply(NDArray x, NDArray weight, NDArray bias, int stride, int padding) {
        NDManager m = x.getManager();
        NDList out = IValueUtils.forward(block, new NDList(x, weight, bias, m.create((long) stride), m.create((long) padding)),
                true);
        return out.singletonOrThrow();
    }
}
