"""Writes precision-cast.pt: a TorchScript module that converts a tensor to bfloat16 or back to float32.

DJL 0.35's JNI knows no bfloat16 (its dtype table ends at complex64 and throws on anything else, which terminates the
JVM), so the bfloat16 version of a TorchScript model (Bfloat16Archive, DjlLowPrecisionModel) takes its float32 latents
through this module on the way in and out; in between, the tensors stay in libtorch.

    /usr/bin/python3 bundles/backends/djl/src/main/python/make_precision_cast.py
(Debian python3-torch 1.13; the file loads in libtorch 2.7.1). It writes the bundle resource
src/main/resources/org/latentlab/backend/djl/internal/precision-cast.pt.
"""
import os
import torch


class PrecisionCast(torch.nn.Module):
    def forward(self, x: torch.Tensor, low: torch.Tensor) -> torch.Tensor:
        if bool(low.item()):
            return x.to(torch.bfloat16)
        return x.to(torch.float32)


if __name__ == "__main__":
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "org", "latentlab", "backend", "djl",
                        "internal")
    m = torch.jit.script(PrecisionCast().eval())
    x = torch.tensor([1.0, 1.00390625, 3.14159])
    low = m(x, torch.tensor(True))
    assert low.dtype == torch.bfloat16
    back = m(low, torch.tensor(False))
    assert back.dtype == torch.float32 and back[0] == 1.0 and abs(back[2] - 3.140625) < 1e-6
    m.save(os.path.join(here, "precision-cast.pt"))
