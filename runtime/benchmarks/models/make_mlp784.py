#!/usr/bin/python3
"""Makes the benchmark model: a 784-512-256-32 MLP encoder and its mirror decoder (ReLU, sigmoid
output), PyTorch default initialisation with torch.manual_seed(0), untrained (throughput does not
depend on the weights). Writes mlp784-onnx/ (opset 13), mlp784-torchscript/ and mlp784-layers/
(LatentLab's layer-stack format, the same weights).

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
# the same weights in LatentLab's layer-stack format (what 'latentlab train' writes)
import numpy as np
d = os.path.join(here, "mlp784-layers")
os.makedirs(d, exist_ok=True)
for name, net, act_last in (("encoder", enc, None), ("decoder", dec, "sigmoid")):
    layers = []
    for i, m in enumerate(net):
        if isinstance(m, torch.nn.Linear):
            w, b = "%s.%d.weight.npy" % (name, i), "%s.%d.bias.npy" % (name, i)
            np.save(os.path.join(d, w), m.weight.detach().numpy().astype(np.float32))
            np.save(os.path.join(d, b), m.bias.detach().numpy().astype(np.float32))
            layers.append({"type": "linear", "in": m.in_features, "out": m.out_features, "weight": w, "bias": b})
        elif isinstance(m, torch.nn.ReLU):
            layers.append({"type": "relu"})
        elif isinstance(m, torch.nn.Sigmoid):
            layers.append({"type": "sigmoid"})
    json.dump({"format": "latentlab-layers/1", "layers": layers}, open(os.path.join(d, name + ".layers.json"), "w"), indent=2)
json.dump({"name": "mlp784", "inputShape": [784], "latentDim": 32, "encoder": "encoder.layers.json",
           "decoder": "decoder.layers.json"}, open(os.path.join(d, "model.json"), "w"), indent=2)
print("wrote", here)
