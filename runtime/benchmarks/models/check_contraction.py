#!/usr/bin/python3
"""Exact spectral radius and norm of the contraction's Jacobian at the attractors an analysis reported, against its result.json.

For f(z) = tanh(W z + b) (make_contraction.py, W = 0.5 Q) the Jacobian at a point a is J = diag(1 - tanh^2(W a + b)) W,
in float64 from the model's own float32 weights: the radius from numpy's dense eigenvalues (k <= --exact-max; about a
minute at 4096), the norm from numpy's dense 2-norm (same limit; above it the closed form 0.5 max(1 - tanh^2), exact
when W is 0.5 times an orthogonal matrix).

    /usr/bin/python3 check_contraction.py --weights MODELS/contraction-4096-torchscript OUT1 [OUT2 ...]

--weights: a TorchScript folder (decoder.pt) or a layer-stack folder (decoder.0.weight.npy) of the same fixture.
Prints one JSON line per attractor and analysis: the result's values, the exact ones and the errors.
"""
import argparse, json, os, time
import numpy as np

p = argparse.ArgumentParser()
p.add_argument("--weights", required=True)
p.add_argument("--exact-max", type=int, default=4096)
p.add_argument("outs", nargs="+")
a = p.parse_args()
if os.path.exists(os.path.join(a.weights, "decoder.pt")):
    import torch
    sd = torch.jit.load(os.path.join(a.weights, "decoder.pt")).state_dict()
    W, b = sd["weight"].double().numpy(), sd["bias"].double().numpy()
else:
    W = np.load(os.path.join(a.weights, "decoder.0.weight.npy")).astype(np.float64)
    b = np.load(os.path.join(a.weights, "decoder.0.bias.npy")).astype(np.float64)
k = W.shape[0]
for out in a.outs:
    res = json.load(open(os.path.join(out, "result.json")))
    for i, z in enumerate(np.load(os.path.join(out, "attractors.npy")).astype(np.float64)):
        d = 1 - np.tanh(W @ z + b) ** 2
        t = time.time()
        line = {"out": out, "attractor": i, "k": k}
        r = res["attractors"][i]
        if k <= a.exact_max:
            J = d[:, None] * W
            rho = float(np.max(np.abs(np.linalg.eigvals(J))))
            norm = float(np.linalg.norm(J, 2))
            line.update(radiusExact=rho, radiusError=r["spectralRadius"] - rho)
        else:
            norm = 0.5 * float(d.max())
        line.update(normExact=norm, normError=r["spectralNorm"] - norm, spectralRadius=r["spectralRadius"],
                    spectralNorm=r["spectralNorm"], jacobian=r["jacobian"], eigenvaluesResolved=r.get("eigenvaluesResolved"),
                    spectralNormResidual=r.get("spectralNormResidual"), jacobianProducts=r.get("jacobianProducts"),
                    analysisMillis=res.get("summary", {}).get("elapsedMillis"), exactSeconds=round(time.time() - t, 1))
        print(json.dumps(line))
