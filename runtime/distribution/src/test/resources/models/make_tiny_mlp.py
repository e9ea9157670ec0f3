#!/usr/bin/python3
"""Makes the tiny-mlp fixture: a 4 -> 2 -> 4 autoencoder with fixed weights, exported to ONNX
(opset 13) and TorchScript, plus reference outputs computed by PyTorch for the tests to match.

Run with Debian's python3-torch (1.13):  /usr/bin/python3 make_tiny_mlp.py
"""
import json, os
import torch

torch.manual_seed(7)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tiny-mlp")
os.makedirs(out, exist_ok=True)

encoder = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Tanh(), torch.nn.Linear(3, 2)).eval()
decoder = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 4)).eval()

x = torch.tensor([[1.0, 2.0, 3.0, 4.0], [-0.5, 0.0, 0.25, 1.0]])
z = torch.zeros(1, 2)
for name, net, example in (("encoder", encoder, torch.zeros(1, 4)), ("decoder", decoder, z)):
    torch.onnx.export(net, example, os.path.join(out, name + ".onnx"), opset_version=13,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    torch.jit.trace(net, example).save(os.path.join(out, name + ".pt"))

with torch.no_grad():
    zx = encoder(x)
    rx = decoder(zx)
json.dump({"name": "tiny-mlp", "inputShape": [4], "latentDim": 2,
           "encoder": "encoder.onnx", "decoder": "decoder.onnx"},
          open(os.path.join(out, "model.json"), "w"), indent=2)
json.dump({"inputs": x.tolist(), "encoded": zx.tolist(), "decoded": rx.tolist(), "torch": torch.__version__},
          open(os.path.join(out, "reference.json"), "w"), indent=2)
print("wrote", out)
