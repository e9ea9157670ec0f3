"""Writes mlp-step.pt: the frame of the TorchScript module MlpStep runs a training step of a multilayer perceptron with.

Only the frame is used: the module object (data.pkl: a scripted module of class MlpStep with no parameters), its
constants and its format version. MlpStepCode writes the code of forward(x, target, p, scale) for each network (the
layers' forward pass, the loss and the hand-written backward pass) into a copy of this archive, in place of
code/__torch__.py, and libtorch compiles it when it loads the copy. Why a frame and generated code: the step's fast
form calls mkldnn::_linear_pointwise, which libtorch 2.7.1 has and the torch 1.13 that writes archives here does not.

    /usr/bin/python3 bundles/training/src/main/python/make_mlp_step.py
(Debian python3-torch 1.13; the file loads in libtorch 2.7.1). It writes the bundle resource
src/main/resources/org/latentlab/training/internal/mlp-step.pt.
"""
import io
import os
import zipfile
import torch
from typing import List


class MlpStep(torch.nn.Module):
    def forward(self, x: torch.Tensor, target: torch.Tensor, p: List[torch.Tensor], scale: float) -> List[torch.Tensor]:
        return p  # replaced by the generated code


if __name__ == "__main__":
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "org", "latentlab", "training",
                        "internal")
    m = torch.jit.script(MlpStep().eval())
    w = [torch.ones(2)]
    assert m(torch.zeros(1), torch.zeros(1), w, 1.0)[0] is not None
    out = os.path.join(here, "mlp-step.pt")
    m.save(out)
    with open(out, "rb") as f:
        saved = f.read()
    # written again, entries stored without data descriptors (torch writes them), so that Java's ZipInputStream,
    # which MlpStepCode reads the frame with, can read it
    with zipfile.ZipFile(io.BytesIO(saved)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for name in src.namelist():
            dst.writestr(name, src.read(name))
