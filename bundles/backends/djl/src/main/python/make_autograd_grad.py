"""Writes autograd-grad.pt: a TorchScript module whose forward is torch.autograd.grad for one output and one input.

DJL exposes libtorch's backward() only, which leaves gradients in the leaves' .grad; with create_graph that makes a
reference cycle (leaf -> grad -> graph -> leaf) that is never freed. torch.autograd.grad returns the gradient without
storing it, so AutogradLinearization runs every product through this module instead.

    /usr/bin/python3 bundles/backends/djl/src/main/python/make_autograd_grad.py
(Debian python3-torch 1.13; the file loads in libtorch 2.7.1). It writes the bundle resource
src/main/resources/org/latentlab/backend/djl/internal/autograd-grad.pt.
"""
import os
import torch
from typing import List, Optional


class Grad(torch.nn.Module):
    def forward(self, output: torch.Tensor, input: torch.Tensor, grad_output: torch.Tensor,
                create_graph: torch.Tensor) -> torch.Tensor:
        cotangents: List[Optional[torch.Tensor]] = [grad_output]
        grads: List[Optional[torch.Tensor]] = torch.autograd.grad(
            [output], [input], cotangents, retain_graph=True, create_graph=bool(create_graph.item()),
            allow_unused=True)
        g = grads[0]
        if g is None:  # the output does not depend on the input
            return torch.zeros_like(input)
        return g


if __name__ == "__main__":
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "org", "latentlab", "backend", "djl",
                        "internal")
    m = torch.jit.script(Grad().eval())
    # check: d(sum(w * tanh(x)))/dx = w * (1 - tanh(x)^2)
    x = torch.randn(3, 4, requires_grad=True)
    w = torch.randn(3, 4)
    y = torch.tanh(x)
    assert torch.allclose(m(y, x, w, torch.tensor(False)), w * (1 - torch.tanh(x) ** 2))
    m.save(os.path.join(here, "autograd-grad.pt"))
