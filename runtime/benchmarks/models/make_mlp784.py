#!/usr/bin/python3
"""Makes the benchmark model: a 784-512-256-32 MLP encoder and its mirror decoder (ReLU, sigmoid
output), PyTorch default initialisation with torch.manual_seed(0), untrained (throughput does not
depend on the weights). Writes mlp784-onnx/ (opset 13) and mlp784-torchscript/.

Run with Debian's python3-torch 1.13:  /usr/bin/python3 make_mlp784.py
"""
import json, os
import torch

torch.manual_seed(0)
here = os.path.dirname(os.path.abspath(__file__))
enc = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 256), torch.nn.ReLU(),
                          torch.nn.Linear(256, 32)).eval()
dec = torch.nn.Sequential(torch.nn.Linear(32, 256), torch.nn.ReLU(), torch.nn.Linear(256, 512), torch.nn.ReLU(),
                          torch.nn.Linear(512, 784), torch.nn.Sigmoid()).eval()
for kind, ext in (("onnx", ".onnx"), ("torchscript", ".pt")):
    d = os.path.join(here, "mlp784-" + kind)
    os.makedirs(d, exist_ok=True)
    for name, net, ex in (("encoder", enc, torch.zeros(1, 784)), ("decoder", dec, torch.zeros(1, 32))):
        path = os.path.join(d, name + ext)
        if kind == "onnx":
            torch.onnx.export(net, ex, path, opset_version=13, input_names=["input"], output_names=["output"],
                              dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
        else:
            torch.jit.trace(net, ex).save(path)
    json.dump({"name": "mlp784", "inputShape": [784], "latentDim": 32, "encoder": "encoder" + ext,
               "decoder": "decoder" + ext}, open(os.path.join(d, "model.json"), "w"), indent=2)
print("wrote", here)
