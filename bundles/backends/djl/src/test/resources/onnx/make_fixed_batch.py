#!/usr/bin/python3
"""Makes fixed-batch/: the memorizer's networks (weights from the integration tests' memorizer-layers folder)
exported to ONNX (opset 13) WITHOUT a dynamic batch axis, so both take exactly one row. The 'onnx' backend must
refuse them at load, naming the file, instead of failing in the first batch of two.

Run with Debian's python3-torch 1.13:  /usr/bin/python3 make_fixed_batch.py
"""
import json, os
import numpy as np
import torch

here = os.path.dirname(os.path.abspath(__file__))
layers = os.path.join(here, "../../../../../../../runtime/distribution/src/test/resources/models/memorizer-layers")
out = os.path.join(here, "fixed-batch")
os.makedirs(out, exist_ok=True)


def stack(name):
    spec = json.load(open(os.path.join(layers, name + ".layers.json")))
    mods = []
    for l in spec["layers"]:
        if l["type"] == "linear":
            m = torch.nn.Linear(l["in"], l["out"])
            m.weight.data = torch.tensor(np.load(os.path.join(layers, l["weight"])))
            m.bias.data = torch.tensor(np.load(os.path.join(layers, l["bias"])))
            mods.append(m)
        else:
            mods.append({"tanh": torch.nn.Tanh(), "sigmoid": torch.nn.Sigmoid(), "relu": torch.nn.ReLU()}[l["type"]])
    return torch.nn.Sequential(*mods).eval()


for name, example in (("encoder", torch.zeros(1, 16)), ("decoder", torch.zeros(1, 4))):
    torch.onnx.export(stack(name), example, os.path.join(out, name + ".onnx"), opset_version=13,
                      input_names=["input"], output_names=["output"])
json.dump({"name": "fixed-batch", "inputShape": [16], "latentDim": 4, "encoder": "encoder.onnx",
           "decoder": "decoder.onnx"}, open(os.path.join(out, "model.json"), "w"), indent=2)
print("wrote", out)
