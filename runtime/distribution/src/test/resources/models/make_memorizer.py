#!/usr/bin/python3
"""Makes the 'memorizer' fixture and its independent reference attractors (reference_analysis.py).

A 16 -> 32 -> 4 -> 32 -> 16 MLP autoencoder trained (Adam, 3000 steps, torch.manual_seed(0)) on 6
random binary patterns, so E(D(z)) has several attractors. Exported as ONNX (opset 13) to memorizer/
and as TorchScript to memorizer-torchscript/. Then, in PyTorch alone, the analysis LatentLab performs is redone for 400 Gaussian
latent seeds (seeds.npy):
  - plain iteration z <- f(z), stopping when ||f(z) - z||^2 < 1e-6 (checked after every update,
    the paper's rule) or after 3000 updates;
  - converged end points merged in seed order by the cosine leader rule (cos > 0.99 with a
    cluster's first member), cluster position = mean of its members;
  - each position polished by plain iteration (at most 1000 updates, until ||f(z) - z||^2 < 1e-14),
    kept only if that lowered the residual and moved less than 100 x the initial residual;
  - clusters ordered by basin size, largest first, ties by first seed.
Writes reference_attractors.npy, reference_labels.npy and reference.json.

Run with Debian's python3-torch 1.13:  /usr/bin/python3 make_memorizer.py
"""
import json, os
import numpy as np
import torch

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "memorizer")
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)
np.random.seed(0)

D_IN, H, K = 16, 32, 4
data = torch.tensor((np.random.rand(6, D_IN) > 0.5).astype(np.float32))
enc = torch.nn.Sequential(torch.nn.Linear(D_IN, H), torch.nn.Tanh(), torch.nn.Linear(H, K))
dec = torch.nn.Sequential(torch.nn.Linear(K, H), torch.nn.Tanh(), torch.nn.Linear(H, D_IN), torch.nn.Sigmoid())
opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=1e-2)
for step in range(3000):
    opt.zero_grad()
    loss = ((dec(enc(data)) - data) ** 2).mean()
    loss.backward()
    opt.step()
enc.eval(); dec.eval()
print("final loss", float(loss))

for name, net, example in (("encoder", enc, torch.zeros(1, D_IN)), ("decoder", dec, torch.zeros(1, K))):
    torch.onnx.export(net, example, os.path.join(out, name + ".onnx"), opset_version=13,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    ts_dir = os.path.join(here, "memorizer-torchscript")
    os.makedirs(ts_dir, exist_ok=True)
    torch.jit.trace(net, example).save(os.path.join(ts_dir, name + ".pt"))
json.dump({"name": "memorizer", "inputShape": [D_IN], "latentDim": K,
           "encoder": "encoder.onnx", "decoder": "decoder.onnx"}, open(os.path.join(out, "model.json"), "w"), indent=2)
json.dump({"name": "memorizer", "inputShape": [D_IN], "latentDim": K,
           "encoder": "encoder.pt", "decoder": "decoder.pt"},
          open(os.path.join(ts_dir, "model.json"), "w"), indent=2)

with torch.no_grad():
    z_data = enc(data)
    scale = float(z_data.std())
seeds = (np.random.randn(400, K) * scale * 1.5).astype(np.float32)
np.save(os.path.join(out, "seeds.npy"), seeds)

# the same weights in LatentLab's layer-stack format: run by the 'layers' backend (libtorch) in
# memorizer-layers/ and, with "backend": "nd4j" in model.json, by the ND4J backend in memorizer-nd4j/
def save_layers(folder, backend):
    os.makedirs(folder, exist_ok=True)
    for name, net in (("encoder", enc), ("decoder", dec)):
        layers = []
        for i, m in enumerate(net):
            if isinstance(m, torch.nn.Linear):
                w, b = "%s.%d.weight.npy" % (name, i), "%s.%d.bias.npy" % (name, i)
                np.save(os.path.join(folder, w), m.weight.detach().numpy().astype(np.float32))
                np.save(os.path.join(folder, b), m.bias.detach().numpy().astype(np.float32))
                layers.append({"type": "linear", "in": m.in_features, "out": m.out_features, "weight": w, "bias": b})
            else:
                layers.append({"type": type(m).__name__.lower()})
        json.dump({"format": "latentlab-layers/1", "layers": layers},
                  open(os.path.join(folder, name + ".layers.json"), "w"), indent=2)
    spec = {"name": "memorizer", "inputShape": [D_IN], "latentDim": K,
            "encoder": "encoder.layers.json", "decoder": "decoder.layers.json"}
    if backend:
        spec["backend"] = backend
    json.dump(spec, open(os.path.join(folder, "model.json"), "w"), indent=2)


save_layers(os.path.join(here, "memorizer-layers"), None)
save_layers(os.path.join(here, "memorizer-nd4j"), "nd4j")

from reference_analysis import analyse
print(analyse(enc, dec, seeds, out))
