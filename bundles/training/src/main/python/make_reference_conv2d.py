"""Writes reference-conv2d.pt: a TorchScript module that runs a 2-D convolution with libtorch's reference kernel
(aten::thnn_conv2d: im2col and matrix products) instead of oneDNN's.

Why: in libtorch 2.7.1 (DJL's pytorch-native-cpu) oneDNN's convolution backward returned different gradients for the
same inputs from call to call on an AMD EPYC (Zen 5, AVX-512; 2026-12-06): up to 2 % of their scale apart, and
non-finite in a fifth of the calls with 4 input channels and 1 output channel; the forward pass was right. Training a
conv autoencoder then diverged (loss NaN) within a few steps. The reference kernel's backward is plain matrix products,
the same from call to call (TrainableStack, ReferenceConv2dTest).

    /usr/bin/python3 bundles/training/src/main/python/make_reference_conv2d.py
(Debian python3-torch 1.13; the file loads in libtorch 2.7.1). It writes the bundle resource
src/main/resources/org/latentlab/training/internal/reference-conv2d.pt.
"""
import os
import torch


class ReferenceConv2d(torch.nn.Module):
    def forward(self, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, stride: torch.Tensor,
                padding: torch.Tensor) -> torch.Tensor:
        s = int(stride.item())
        p = int(padding.item())
        return torch._C._nn.thnn_conv2d(x, weight, [weight.size(2), weight.size(3)], bias, [s, s], [p, p])


if __name__ == "__main__":
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "org", "latentlab", "training",
                        "internal")
    m = torch.jit.script(ReferenceConv2d().eval())
    torch.manual_seed(0)
    for stride, padding in ((1, 1), (2, 1), (1, 0)):
        x = torch.randn(5, 3, 9, 9, requires_grad=True)
        w = torch.randn(4, 3, 3, 3, requires_grad=True)
        b = torch.randn(4, requires_grad=True)
        y = m(x, w, b, torch.tensor(stride), torch.tensor(padding))
        r = torch.nn.functional.conv2d(x, w, b, stride, padding)
        assert y.shape == r.shape and (y - r).abs().max() < 1e-4, (stride, padding)
        gy = torch.autograd.grad(y.square().sum(), (x, w, b))
        gr = torch.autograd.grad(r.square().sum(), (x, w, b))
        assert all((a - c).abs().max() < 1e-3 * (1 + c.abs().max()) for a, c in zip(gy, gr))
    m.save(os.path.join(here, "reference-conv2d.pt"))
