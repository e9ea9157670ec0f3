#!/usr/bin/env python3
"""Spectral radius of the contraction's Jacobian at a point by ARPACK (scipy's eigs), for k above what dense eigenvalues
allow (make_contraction.py computes them up to 4096).

J = diag(1 - tanh^2(W z + b)) W with the model's float32 weights (products in float32, about 1e-7 relative), the 6
eigenvalues of largest modulus to ARPACK's tolerance 1e-9 with 300 Lanczos vectors. Writes the fixture's json with
spectralRadius, the moduli found and how they were computed added (SpectraBench --exact reads it).

    python3 arpack_radius.py --weights MODELS/contraction-16384-layers --point MODELS/contraction-16384.npy \
        --json MODELS/contraction-16384.json --out MODELS/contraction-16384-arpack.json

Needs numpy and scipy (and torch for a TorchScript folder; a layer-stack folder needs none). About 5 minutes at k = 16384 on 2 cores.
"""
import argparse, json, os, time
import numpy as np
from scipy.sparse.linalg import LinearOperator, eigs

p = argparse.ArgumentParser()
p.add_argument("--weights", required=True)
p.add_argument("--point", required=True)
p.add_argument("--json", required=True)
p.add_argument("--out", required=True)
p.add_argument("--ncv", type=int, default=300)
p.add_argument("--tol", type=float, default=1e-9)
a = p.parse_args()
if os.path.exists(os.path.join(a.weights, "decoder.pt")):
    import torch
    sd = torch.jit.load(os.path.join(a.weights, "decoder.pt")).state_dict()
    W, b = sd["weight"].float().numpy(), sd["bias"].double().numpy()
else:
    W = np.load(os.path.join(a.weights, "decoder.0.weight.npy")).astype(np.float32)
    b = np.load(os.path.join(a.weights, "decoder.0.bias.npy")).astype(np.float64)
k = W.shape[0]
z = np.load(a.point).astype(np.float64).reshape(-1)[:k]
d = 1 - np.tanh(W.astype(np.float64) @ z + b) ** 2 if k <= 4096 else 1 - np.tanh((W @ z.astype(np.float32)).astype(np.float64) + b) ** 2
count = [0]
def mv(x):
    count[0] += 1
    x = np.asarray(x).reshape(-1)
    re = (W @ x.real.astype(np.float32)).astype(np.float64)
    if np.iscomplexobj(x):
        re = re + 1j * (W @ x.imag.astype(np.float32)).astype(np.float64)
    return d * re
t = time.time()
vals = eigs(LinearOperator((k, k), matvec=mv, dtype=np.float64), k=6, which="LM", ncv=a.ncv, tol=a.tol,
            return_eigenvectors=False, v0=np.random.default_rng(0).standard_normal(k))
mods = sorted(np.abs(vals), reverse=True)
out = json.load(open(a.json))
out.update({"spectralRadius": float(mods[0]), "largestModuli": [float(m) for m in mods],
            "spectralRadiusMethod": f"ARPACK eigs, float32 weights, tol {a.tol}, ncv {a.ncv}, {count[0]} products",
            "spectralNormClosedForm": float(0.5 * d.max())})
json.dump(out, open(a.out, "w"), indent=2)
print(json.dumps({"k": k, "spectralRadius": float(mods[0]), "moduli": [float(m) for m in mods], "products": count[0],
                  "seconds": round(time.time() - t, 1)}))
