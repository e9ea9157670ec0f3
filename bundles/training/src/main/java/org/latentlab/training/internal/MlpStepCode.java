package org.latentlab.training.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.latentlab.io.StoredZip;
import org.latentlab.layerstack.Layer;

/**
 * The TorchScript code of one training step of a multilayer perceptron, written out: the forward pass on oneDNN
 * ({@code mkldnn::_linear_pointwise}, bias and activation fused), the loss, and the backward pass by hand (the products
 * on oneDNN too, the activations' derivatives by libtorch's own backward operations, as autograd calls them). For
 * rows {@code x} and their targets, with the layers' weights and biases {@code p} (PyTorch layout, in order) and
 * {@code scale} = 1 / (values in the whole batch), the module returns
 * <pre>
 *   [ scale · Σ (y − target)²,  ∂/∂w₀, ∂/∂b₀, ∂/∂w₁, ... ]      y = the network's output on x
 * </pre>
 * the rows' part of the batch's mean squared error and of its gradient: the parts of a batch add up to the loss and
 * gradient of the whole batch ({@link MlpStep}).
 *
 * <p>Why by hand: oneDNN's fused operation has no derivative in libtorch, and the step written out lets each part of
 * a batch run in one call on one thread ({@link MlpStep}). The derivatives are checked against libtorch autograd on
 * the layers' own forward pass ({@code MlpStepTest}).
 */
final class MlpStepCode {

    private MlpStepCode() {}

    /** A linear layer and the activation after it: relu, sigmoid, tanh, gelu, leaky-relu (slope alpha), or none. */
    record Dense(int in, int out, String activation, double alpha) {}

    /** Activations oneDNN applies inside the product; the others run after it, on the kept pre-activation. */
    private static final List<String> FUSED = List.of("relu", "sigmoid", "tanh", "none");
    private static final List<String> ACTIVATIONS = List.of("relu", "sigmoid", "tanh", "gelu", "leaky-relu");

    /**
     * The dense layers of encoder then decoder when together they are a multilayer perceptron: an optional flatten
     * first, then linear layers each followed by at most one activation, then an optional reshape; else empty (conv
     * layers, upsampling, an activation not after a linear layer, ...), and such networks train by autograd.
     */
    static Optional<List<Dense>> dense(List<Layer> encoder, List<Layer> decoder) {
        List<Layer> all = new ArrayList<>(encoder);
        all.addAll(decoder);
        List<Dense> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Layer l = all.get(i);
            switch (l.type()) {
                case "flatten" -> {
                    if (i != 0) {
                        return Optional.empty();
                    }
                }
                case "reshape" -> {
                    if (i != all.size() - 1) {
                        return Optional.empty();
                    }
                }
                case "linear" -> {
                    if (!out.isEmpty() && out.get(out.size() - 1).out() != l.in()) {
                        return Optional.empty();
                    }
                    String act = "none";
                    double alpha = 0;
                    if (i + 1 < all.size() && ACTIVATIONS.contains(all.get(i + 1).type())) {
                        act = all.get(i + 1).type();
                        alpha = all.get(i + 1).alpha();
                        i++;
                    }
                    out.add(new Dense(l.in(), l.out(), act, alpha));
                }
                default -> {
                    return Optional.empty();
                }
            }
        }
        return out.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(out));
    }

    /** The module's code: class MlpStep, forward(x, target, p, scale) as described above. */
    static String code(List<Dense> layers) {
        StringBuilder s = new StringBuilder();
        s.append("class MlpStep(Module):\n  __parameters__ = []\n  __buffers__ = []\n  training : bool\n")
                .append("  _is_full_backward_hook : Optional[bool]\n")
                .append("  def forward(self: __torch__.MlpStep,\n    x: Tensor,\n    target: Tensor,\n")
                .append("    p: List[Tensor],\n    scale: float) -> List[Tensor]:\n")
                .append("    e = annotate(List[Optional[number]], [])\n")
                .append("    n = torch.size(x, 0)\n");
        int k = layers.size();
        s.append("    a0 = torch.reshape(x, [n, ").append(layers.get(0).in()).append("])\n");
        for (int i = 0; i < k; i++) {
            Dense d = layers.get(i);
            String w = "p[" + 2 * i + "]";
            String b = "p[" + (2 * i + 1) + "]";
            if (FUSED.contains(d.activation())) {
                s.append("    a").append(i + 1).append(" = ").append(product("a" + i, w, b, d.activation())).append('\n');
            } else {
                s.append("    z").append(i + 1).append(" = ").append(product("a" + i, w, b, "none")).append('\n');
                s.append("    a").append(i + 1).append(" = ").append(d.activation().equals("gelu")
                        ? "torch.gelu(z" + (i + 1) + ")" : "torch.leaky_relu(z" + (i + 1) + ", " + literal(d.alpha()) + ")")
                        .append('\n');
            }
        }
        s.append("    d = torch.sub(a").append(k).append(", torch.reshape(target, [n, ").append(layers.get(k - 1).out())
                .append("]))\n");
        s.append("    loss = torch.mul(torch.sum(torch.mul(d, d)), scale)\n");
        s.append("    g = torch.mul(d, torch.mul(scale, 2.0))\n"); // ∂/∂y of scale·Σd²
        StringBuilder ret = new StringBuilder("    return [loss");
        for (int i = k - 1; i >= 0; i--) {
            Dense d = layers.get(i);
            String a = "a" + (i + 1);
            String z = "z" + (i + 1);
            s.append("    dz").append(i).append(" = ").append(switch (d.activation()) {
                case "relu" -> "ops.aten.threshold_backward(g, " + a + ", 0)"; // a > 0 exactly where z > 0
                case "sigmoid" -> "ops.aten.sigmoid_backward(g, " + a + ")";
                case "tanh" -> "ops.aten.tanh_backward(g, " + a + ")";
                case "gelu" -> "ops.aten.gelu_backward(g, " + z + ", approximate=\"none\")";
                case "leaky-relu" -> "ops.aten.leaky_relu_backward(g, " + z + ", " + literal(d.alpha()) + ", False)";
                default -> "g";
            }).append('\n');
            String dz = "dz" + i;
            // ∂/∂w = dzᵀ·a (as the product a_inᵀ-major: linear(dzᵀ, aᵀ) = dzᵀ·a), ∂/∂b = Σ_rows dz, ∂/∂a = dz·w
            s.append("    gw").append(i).append(" = ").append(product("torch.contiguous(torch.t(" + dz + "))",
                    "torch.contiguous(torch.t(a" + i + "))", "None", "none")).append('\n');
            s.append("    gb").append(i).append(" = torch.sum(").append(dz).append(", [0])\n");
            if (i > 0) {
                s.append("    g = ").append(product(dz, "torch.contiguous(torch.t(p[" + 2 * i + "]))", "None", "none"))
                        .append('\n');
            }
        }
        for (int i = 0; i < k; i++) {
            ret.append(", gw").append(i).append(", gb").append(i);
        }
        s.append(ret).append("]\n");
        return s.toString();
    }

    /** x·wᵀ + b with the activation applied, on oneDNN ({@code b} may be None). */
    private static String product(String x, String w, String b, String activation) {
        return "ops.mkldnn._linear_pointwise(" + x + ", " + w + ", " + b + ", \"" + activation + "\", e, \"\")";
    }

    private static String literal(double v) {
        return String.format(Locale.ROOT, "%.17g", v);
    }

    /**
     * The frame archive (mlp-step.pt, made by src/main/python/make_mlp_step.py) with {@code code} as its code, its
     * entries stored uncompressed as libtorch writes them.
     */
    static byte[] archive(String code) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (InputStream frame = MlpStepCode.class.getResourceAsStream("mlp-step.pt")) {
            if (frame == null) {
                throw new IOException("mlp-step.pt is missing from the training bundle");
            }
            boolean replaced = false;
            try (ZipInputStream in = new ZipInputStream(frame)) {
                for (ZipEntry e; (e = in.getNextEntry()) != null;) {
                    if (e.getName().endsWith(".debug_pkl")) { // source ranges of the frame's code
                        continue;
                    }
                    byte[] data = in.readAllBytes();
                    if (e.getName().endsWith("/code/__torch__.py")) {
                        data = code.getBytes(StandardCharsets.UTF_8);
                        replaced = true;
                    }
                    entries.put(e.getName(), data);
                }
            }
            if (!replaced) {
                throw new IOException("mlp-step.pt has no code/__torch__.py");
            }
        }
        return StoredZip.of(entries);
    }
}
