#!/usr/bin/python3
"""Makes the dense contraction f(z) = tanh(0.5 Q z + b) of issue 15 as model folders, with its exact spectrum.

Decoder: x = 0.5 Q z + b (one Linear layer, k x k, Q orthogonal); encoder: tanh(x). Latent and input dimension k.
One attractor z* (plain iteration from anywhere converges: |J| <= 0.5). At z*, J = diag(1 - z*^2) 0.5 Q, so its
singular values are (1 - z*_i^2)/2 and the spectral norm is max_i (1 - z*_i^2)/2 exactly; the spectral radius comes
from numpy's dense eigenvalues in float64 (k <= --exact-max; about 1 minute at k = 4096).

Q: Haar-random (QR of a Gaussian matrix) up to k = 4096; above (QR would take a quarter of an hour) a random
row/column permutation of kron(Q1, Q2), Q1 and Q2 Haar of size sqrt(k): orthogonal and dense all the same.
b ~ N(0, bias_scale^2): the larger bias_scale, the more the eigenvalue moduli spread (1 gives a ring of eigenvalues
between about 0.05 and 0.35 with a few outliers above; 0.1 gives a thin ring at about 0.49 that no Krylov method
resolves quickly).

    /usr/bin/python3 make_contraction.py --k 1024 --out /tmp/spectra-models [--bias-scale 1] [--formats onnx,torchscript,layers]

Writes OUT/contraction-K-{onnx,torchscript,layers}/ (model.json and the network files), OUT/contraction-K.npy (z*,
float32, shape [1, k]: the attractor, usable as --seeds) and OUT/contraction-K.json (k, bias scale, seed, exact
spectralNorm, spectralRadius and the 8 largest eigenvalue moduli when computed, and the contraction rate seen by
plain iteration). Sizes: 4 k^2 bytes per weight file (4 MB at k = 1024, 64 MB at 4096, 1 GB at 16384), generated
where asked, never committed. Debian python3-torch 1.13 and python3-numpy.
"""
import argparse, json, math, os, time
import numpy as np
import torch

p = argparse.ArgumentParser()
p.add_argument("--k", type=int, required=True)
p.add_argument("--out", required=True)
p.add_argument("--bias-scale", type=float, default=1.0)
p.add_argument("--seed", type=int, default=0)
p.add_argument("--formats", default="onnx,torchscript,layers")
p.add_argument("--exact-max", type=int, default=4096, help="dense float64 eigenvalues up to this k")
a = p.parse_args()
k = a.k
os.makedirs(a.out, exist_ok=True)
torch.manual_seed(a.seed)
rng = np.random.default_rng(a.seed)
t0 = time.time()

if k <= 4096:
    q, r = torch.linalg.qr(torch.randn(k, k, dtype=torch.float64))
    q = (q * torch.sign(torch.diagonal(r))).float()  # Haar: fix the signs of R's diagonal
else:
    s = int(round(math.sqrt(k)))
    assert s * s == k, "above 4096, k must be a square (kron of two sqrt(k) x sqrt(k) factors)"
    def haar(n):
        q, r = torch.linalg.qr(torch.randn(n, n, dtype=torch.float64))
        return (q * torch.sign(torch.diagonal(r))).float()
    q = torch.kron(haar(s), haar(s))
    q = q[torch.randperm(k)][:, torch.randperm(k)].contiguous()
b = torch.from_numpy(rng.normal(0, a.bias_scale, k).astype(np.float32))
w = 0.5 * q
del q

# the fixed point in float64, and the rate plain iteration shows
w64 = w.double()
b64 = b.double()
z = torch.zeros(k, dtype=torch.float64)
steps = []
for it in range(200):
    nz = torch.tanh(w64 @ z + b64)
    steps.append(float(torch.linalg.norm(nz - z)))
    z = nz
rate = steps[20] / steps[19] if steps[19] > 0 else 0.0
d = 1 - z * z
exact = {"k": k, "biasScale": a.bias_scale, "seed": a.seed, "spectralNorm": 0.5 * float(d.max()),
         "iterationRate": rate, "orthogonal": "haar" if k <= 4096 else "permuted kron of two haar factors"}
if k <= a.exact_max:
    jac = (d[:, None] * w64).numpy()
    te = time.time()
    ev = np.linalg.eigvals(jac)
    mod = np.sort(np.abs(ev))[::-1]
    exact["spectralRadius"] = float(mod[0])
    exact["largestModuli"] = [float(x) for x in mod[:8]]
    exact["smallestModulus"] = float(mod[-1])
    exact["eigenSeconds"] = time.time() - te
    del jac
del w64
np.save(os.path.join(a.out, "contraction-%d.npy" % k), z.float().numpy().reshape(1, k))
json.dump(exact, open(os.path.join(a.out, "contraction-%d.json" % k), "w"), indent=2)

dec = torch.nn.Linear(k, k)
with torch.no_grad():
    dec.weight.copy_(w)
    dec.bias.copy_(b)
del w
dec.eval()
enc = torch.nn.Tanh().eval()
name = "contraction-%d" % k
for fmt in a.formats.split(","):
    folder = os.path.join(a.out, name + "-" + fmt)
    os.makedirs(folder, exist_ok=True)
    if fmt == "layers":
        np.save(os.path.join(folder, "decoder.0.weight.npy"), dec.weight.detach().numpy())
        np.save(os.path.join(folder, "decoder.0.bias.npy"), dec.bias.detach().numpy())
        json.dump({"format": "latentlab-layers/1", "layers": [{"type": "linear", "in": k, "out": k,
                   "weight": "decoder.0.weight.npy", "bias": "decoder.0.bias.npy"}]},
                  open(os.path.join(folder, "decoder.layers.json"), "w"), indent=2)
        json.dump({"format": "latentlab-layers/1", "layers": [{"type": "tanh"}]},
                  open(os.path.join(folder, "encoder.layers.json"), "w"), indent=2)
        ext = ".layers.json"
    else:
        ext = ".onnx" if fmt == "onnx" else ".pt"
        for role, net in (("encoder", enc), ("decoder", dec)):
            path = os.path.join(folder, role + ext)
            example = torch.zeros(1, k)
            if fmt == "onnx":
                torch.onnx.export(net, example, path, opset_version=13, input_names=["input"], output_names=["output"],
                                  dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
            else:
                torch.jit.trace(net, example).save(path)
    json.dump({"name": name, "inputShape": [k], "latentDim": k, "encoder": "encoder" + ext, "decoder": "decoder" + ext},
              open(os.path.join(folder, "model.json"), "w"), indent=2)
exact["seconds"] = time.time() - t0
json.dump(exact, open(os.path.join(a.out, "contraction-%d.json" % k), "w"), indent=2)
print(json.dumps(exact))
