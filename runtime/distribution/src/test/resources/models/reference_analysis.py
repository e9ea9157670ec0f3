"""The analysis LatentLab performs, written again in PyTorch and NumPy only, as the independent
reference the integration tests compare with (see make_memorizer.py, make_conv_memorizer.py):

  - plain iteration z <- f(z) = E(D(z)), stopping when ||f(z) - z||^2 < 1e-6 (checked after every
    update: the paper's rule) or after 3000 updates;
  - converged end points merged in seed order by the cosine leader rule (cos > 0.99 with a
    cluster's first member), cluster position = mean of its members;
  - each position polished by plain iteration (at most 1000 updates, until ||f(z) - z||^2 < 1e-14),
    kept only if that lowered the residual and moved less than 100 x the initial residual / (1 - rate),
    rate = sqrt(r1 / r0) from the first update, at most 0.999;
  - clusters whose polished points coincide (within 1e-4 relative) merged;
  - clusters ordered by basin size, largest first, ties by first seed;
  - at each attractor, the Jacobian of f by autograd: spectral radius and norm (reference.json).
"""
import json, os
import numpy as np
import torch


def analyse(enc, dec, seeds, out, extra=None):
    def f(z):
        with torch.no_grad():
            return enc(dec(z))

    TOL, MAX = 1e-6, 3000
    z = torch.tensor(seeds)
    fz = f(z)
    n = z.shape[0]
    steps = np.zeros(n, dtype=int)
    state = np.zeros(n, dtype=int)  # 0 active, 1 converged, 3 out of steps
    while (state == 0).any():
        idx = np.nonzero(state == 0)[0]
        nxt = fz[idx]
        fnx = f(nxt)
        z[idx] = nxt
        fz[idx] = fnx
        steps[idx] += 1
        r2 = ((fnx - nxt) ** 2).sum(dim=1).numpy()
        for a, i in enumerate(idx):
            if r2[a] < TOL:
                state[i] = 1
            elif steps[i] >= MAX:
                state[i] = 3

    ends = z.numpy()
    leaders, members = [], []
    labels = -np.ones(n, dtype=int)
    for i in np.nonzero(state == 1)[0]:
        e = ends[i].astype(np.float64)
        for c, l in enumerate(leaders):
            if e @ l / (np.linalg.norm(e) * np.linalg.norm(l)) > 0.99:
                members[c].append(i); labels[i] = c; break
        else:
            leaders.append(e); members.append([i]); labels[i] = len(leaders) - 1
    centers = np.array([ends[m].astype(np.float64).mean(axis=0) for m in members], dtype=np.float32)

    def residual2(x):
        return ((f(x) - x) ** 2).sum(dim=1)

    polished = torch.tensor(centers)
    r0 = residual2(polished)
    p = polished.clone()
    for _ in range(1000):
        if (residual2(p) < 1e-14).all():
            break
        p = f(p)
    r1 = residual2(f(polished))
    rate = torch.clamp(torch.sqrt(r1 / torch.clamp(r0, min=1e-300)), max=0.999)
    better = (residual2(p) < r0) & ((p - polished).norm(dim=1) < 100 * r0.sqrt() / (1 - rate))
    polished[better] = p[better]

    # merge clusters that polished to the same point
    rep = list(range(len(members)))
    P = polished.double().numpy()
    for c in range(len(members)):
        for b in range(c):
            if rep[b] == b and np.linalg.norm(P[b] - P[c]) <= 1e-4 * max(1.0, np.linalg.norm(P[b])):
                rep[c] = b
                break
    merged = {}
    for c in range(len(members)):
        merged.setdefault(rep[c], []).extend(members[c])
    labels = np.array([rep[l] if l >= 0 else -1 for l in labels])
    members = [sorted(merged[c]) if c in merged else [] for c in range(len(members))]

    order = sorted([c for c in range(len(members)) if members[c]], key=lambda c: (-len(members[c]), min(members[c])))
    remap = {c: i for i, c in enumerate(order)}
    labels = np.array([remap[l] if l >= 0 else -1 for l in labels], dtype=np.int32)
    att = polished.numpy()[order]
    np.save(os.path.join(out, "reference_attractors.npy"), att)
    np.save(os.path.join(out, "reference_labels.npy"), labels)
    # Jacobians of f at the attractors by autograd: spectral radius and spectral norm
    radii, norms = [], []
    for a in att:
        # (vectorized: all rows of J in one batched backward pass; the same numbers, fast at large k)
        J = torch.autograd.functional.jacobian(lambda x: enc(dec(x[None]))[0], torch.tensor(a),
                                               vectorize=len(a) > 64).double().numpy()
        radii.append(float(np.abs(np.linalg.eigvals(J)).max()))
        norms.append(float(np.linalg.svd(J, compute_uv=False)[0]))
    summary = {"seeds": n, "converged": int((state == 1).sum()), "attractors": len(order),
               "basinSizes": [len(members[c]) for c in order], "spectralRadius": radii, "spectralNorm": norms,
               "torch": torch.__version__}
    summary.update(extra or {})
    json.dump(summary, open(os.path.join(out, "reference.json"), "w"), indent=2)
    return summary
