#!/usr/bin/python3
"""Careless model folders for the probes, made from the memorizer fixtures (ONNX and TorchScript) plus
small nets whose decoder returns NaN (everywhere, or only far from the origin). /usr/bin/python3 (torch 1.13)."""
import json, os, shutil, sys
import torch

src = sys.argv[1]  # .../models
here = os.path.dirname(os.path.abspath(__file__))
mem, ts = os.path.join(src, "memorizer"), os.path.join(src, "memorizer-torchscript")

def folder(name, base, spec=None, mutate=None):
    d = os.path.join(here, name)
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(base, d)
    if spec is not None:
        m = json.load(open(os.path.join(d, "model.json")))
        m.update(spec)
        json.dump(m, open(os.path.join(d, "model.json"), "w"), indent=2)
    if mutate:
        mutate(d)

def truncate(f, frac=0.5):
    def go(d):
        p = os.path.join(d, f)
        b = open(p, "rb").read()
        open(p, "wb").write(b[: int(len(b) * frac)])
    return go

folder("missing-decoder", mem, {"decoder": "decoder-v2.onnx"})
folder("trunc-onnx-enc", mem, None, truncate("encoder.onnx"))
folder("trunc-onnx-dec", mem, None, truncate("decoder.onnx", 0.9))
folder("trunc-pt-enc", ts, None, truncate("encoder.pt"))
folder("trunc-pt-dec", ts, None, truncate("decoder.pt", 0.9))
folder("empty-pt-enc", ts, None, lambda d: open(os.path.join(d, "encoder.pt"), "wb").close())
folder("latent-plus1", mem, {"latentDim": 5})
folder("latent-minus1", mem, {"latentDim": 3})
folder("latent-plus1-pt", ts, {"latentDim": 5})
folder("input-wrong", mem, {"inputShape": [4, 4]})
folder("input-wrong-pt", ts, {"inputShape": [17]})
folder("swapped", mem, {"encoder": "decoder.onnx", "decoder": "encoder.onnx"})
folder("pt-json-onnx", ts, {"backend": "onnx"})

class NanDec(torch.nn.Module):
    def __init__(self, far):
        super().__init__()
        self.lin = torch.nn.Linear(4, 16)
        self.far = far
    def forward(self, z):
        y = self.lin(z)
        if self.far:   # NaN where |z| > 3 only: trajectories that wander off
            bad = (z.norm(dim=1, keepdim=True) > 3.0).float()
            return y + bad * torch.log(-torch.ones_like(y))  # log(-1) = NaN
        return y * torch.log(-torch.ones_like(y))

torch.manual_seed(0)
enc = torch.nn.Sequential(torch.nn.Linear(16, 4)).eval()
for name, far in (("nan-decoder", False), ("nan-decoder-far", True)):
    d = os.path.join(here, name)
    os.makedirs(d, exist_ok=True)
    dec = NanDec(far).eval()
    torch.jit.trace(enc, torch.zeros(1, 16)).save(os.path.join(d, "encoder.pt"))
    torch.jit.trace(dec, torch.zeros(1, 4)).save(os.path.join(d, "decoder.pt"))
    for n, net, ex in (("encoder", enc, torch.zeros(1, 16)), ("decoder", dec, torch.zeros(1, 4))):
        torch.onnx.export(net, ex, os.path.join(d, n + ".onnx"), opset_version=13, input_names=["input"],
                          output_names=["output"], dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    json.dump({"name": name, "inputShape": [16], "latentDim": 4, "encoder": "encoder.pt", "decoder": "decoder.pt"},
              open(os.path.join(d, "model.json"), "w"), indent=2)
    folder(name + "-onnx", d, {"encoder": "encoder.onnx", "decoder": "decoder.onnx"})
print("ok")
