#!/usr/bin/python3
"""Side-by-side benchmark of LatentLab against PyTorch eager on the same model files, in one run.

Started by side-by-side.sh (which installs Debian's python3-torch and builds LatentLab); see README.md.
Phases, each printed as it runs:
  model     train the 784-512-256-32 MLP on 20000 MNIST digits with `latentlab train` (kept in WORK between runs),
            load its layer-stack .npy weights into an equivalent torch nn.Sequential, export TorchScript (trace) and
            ONNX (opset 13) model folders, and check that all engines give the same f(z) (PyTorch eager, the
            traced module, and LatentLab's layers / TorchScript / ONNX backends through `latentlab field`)
  sgemm     1024x1024 float32 matrix products per second: torch (2 threads) and libtorch via DJL (JMH)
  fixed     20 plain steps of a batch of Gaussian seeds, batch 1024 and 4096: torch eager vs JMH's
            LatentMapBenchmark.picardIteration (TorchScript and ONNX backends) run by FixedStepsServer, in rounds that
            alternate the two sides (ratios: medians of the rounds'); where the CPU has bfloat16 matrix
            instructions (amx_bf16, avx512_bf16) also both sides in bfloat16: torch eager's modules .to(bfloat16)
            against the TorchScript model's bfloat16 version (precision=bfloat16, what mixedPrecision=true runs first)
  seeds     10^4 Gaussian seeds to the paper's stop rule ||f(z_t+1) - f(z_t)||^2 < 1e-6, 3000 steps max: a torch
            loop where converged seeds leave the batch, then leader clustering cos > 0.99, against
            `latentlab analyze --strategy picard` and `--strategy anderson` on the same seeds file
  train     optimiser steps per second of the same recipe (batch 128, Adam 1e-3, weight decay 1e-5, MSE):
            torch eager vs `latentlab train --steps N`, with the CPU time (user/system) of each
Torch-side phases that are short run before and after the LatentLab side and are averaged (the fixed steps alternate
round by round), so a change of the machine's load during the run moves both sides alike. Both sides run with
bin/latentlab's malloc settings (side-by-side.sh exports them). Results: WORK/side-by-side.md and WORK/side-by-side.json.
"""
import argparse
import copy
import datetime
import json
import os
import platform
import re
import resource
import select
import shutil
import socket
from statistics import median
import subprocess
import sys
import time

import numpy as np
import torch

LATENT, HIDDEN, TRAIN_SIZE, EPOCHS = 32, (512, 256), 20000, 3
TOL, MAX_STEPS, COS = 1e-6, 3000, 0.99
FIXED_STEPS = 20  # steps per invocation of LatentMapBenchmark.picardIteration
MFLOP_PER_SEED_STEP = 2 * 2 * (784 * 512 + 512 * 256 + 256 * 32) / 1e6  # encoder + decoder, multiply-add = 2


def log(*a):
    print("side-by-side:", *a, flush=True)


def load():
    return open("/proc/loadavg").read().split()[0]


class Run:
    """Runs commands, keeping the child's wall and CPU times."""

    def __init__(self, launcher, env):
        self.launcher = launcher
        self.env = env

    def __call__(self, argv, check=True, env=None):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        p = subprocess.run(argv, capture_output=True, text=True, env=env or self.env)
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if check and p.returncode != 0:
            sys.stderr.write(p.stdout[-4000:] + p.stderr[-4000:])
            raise SystemExit("side-by-side: failed (exit %d): %s" % (p.returncode, " ".join(argv)))
        p.wall = wall
        p.user = after.ru_utime - before.ru_utime
        p.sys = after.ru_stime - before.ru_stime
        return p

    def latentlab(self, *args, **kw):
        return self([self.launcher] + [str(a) for a in args], **kw)


# ---------------------------------------------------------------------------------------------------- the model

class Reshape(torch.nn.Module):
    """[batch, ...] to [batch, *shape] (nn.Unflatten does not export to ONNX in torch 1.13)."""

    def __init__(self, shape):
        super().__init__()
        self.shape = tuple(shape)

    def forward(self, x):
        return x.reshape((x.shape[0],) + self.shape)


def torch_stack(folder, which):
    """An nn.Sequential equal to a LatentLab layer stack (docs/training.md: PyTorch's weight layout)."""
    spec = json.load(open(os.path.join(folder, which + ".layers.json")))
    if spec.get("format") != "latentlab-layers/1":
        raise SystemExit("side-by-side: %s.layers.json: unknown format %r" % (which, spec.get("format")))
    mods = []
    for l in spec["layers"]:
        t = l["type"]
        if t == "linear":
            m = torch.nn.Linear(l["in"], l["out"])
            with torch.no_grad():
                m.weight.copy_(torch.from_numpy(np.load(os.path.join(folder, l["weight"]))))
                m.bias.copy_(torch.from_numpy(np.load(os.path.join(folder, l["bias"]))))
            mods.append(m)
        elif t in ("relu", "tanh", "sigmoid", "gelu"):
            mods.append({"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid, "gelu": torch.nn.GELU}[t]())
        elif t == "leaky-relu":
            mods.append(torch.nn.LeakyReLU(l.get("alpha", 0.01)))
        elif t == "flatten":
            mods.append(torch.nn.Flatten())
        elif t == "reshape":
            mods.append(Reshape(l["shape"]))
        else:
            raise SystemExit("side-by-side: layer type %r is not handled here (dense models only)" % t)
    return torch.nn.Sequential(*mods).eval()


def make_model(run, work, epochs):
    models = os.path.join(work, "models")
    layers = os.path.join(models, "mlp784-layers")
    trained = os.path.join(layers, "training.json")
    if not os.path.exists(trained) or json.load(open(trained))["config"].get("epochs") != epochs:
        log("training the model (latentlab train --dataset mnist --train-size %d --epochs %d --latent %d --hidden %s)"
            % (TRAIN_SIZE, epochs, LATENT, ",".join(map(str, HIDDEN))))
        p = run.latentlab("train", "--dataset", "mnist", "--train-size", TRAIN_SIZE, "--epochs", epochs, "--latent", LATENT,
                          "--hidden", ",".join(map(str, HIDDEN)), "--out", layers)
        log(p.stdout.strip().splitlines()[0])
    meta = json.load(open(os.path.join(layers, "model.json")))
    enc, dec = torch_stack(layers, "encoder"), torch_stack(layers, "decoder")
    shape = tuple(meta["inputShape"])
    for kind, ext in (("torchscript", ".pt"), ("onnx", ".onnx")):
        d = os.path.join(models, "mlp784-" + kind)
        os.makedirs(d, exist_ok=True)
        for name, net, ex in (("encoder", enc, torch.zeros((1,) + shape)), ("decoder", dec, torch.zeros(1, meta["latentDim"]))):
            path = os.path.join(d, name + ext)
            if kind == "onnx":
                torch.onnx.export(net, ex, path, opset_version=13, input_names=["input"], output_names=["output"],
                                  dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
            else:
                torch.jit.trace(net, ex).save(path)
        json.dump(dict(meta, encoder="encoder" + ext, decoder="decoder" + ext), open(os.path.join(d, "model.json"), "w"), indent=2)
    return models, enc, dec, meta


def check_agreement(run, work, models, f):
    """f(z) of 256 Gaussian points in every engine against PyTorch eager; returns the max abs differences."""
    z = np.random.default_rng(1).standard_normal((256, LATENT)).astype(np.float32)
    pts = os.path.join(work, "check-points.npy")
    np.save(pts, z)
    with torch.no_grad():
        ref = f(torch.from_numpy(z)).numpy() - z
        ts = torch.jit.load(os.path.join(models, "mlp784-torchscript", "encoder.pt"))
        td = torch.jit.load(os.path.join(models, "mlp784-torchscript", "decoder.pt"))
        diffs = {"torch.jit (Python)": float(np.abs(ts(td(torch.from_numpy(z))).numpy() - z - ref).max())}
    for kind in ("layers", "torchscript", "onnx"):
        out = os.path.join(work, "check-field-" + kind)
        run.latentlab("field", "--model", os.path.join(models, "mlp784-" + kind), "--points", pts, "--out", out)
        diffs["LatentLab " + kind] = float(np.abs(np.load(os.path.join(out, "field.npy")) - ref).max())
    scale = float(np.abs(ref).max())
    for k, v in diffs.items():
        log("  f(z) - z, max |difference| to PyTorch eager: %-22s %.2e  (values up to %.1f)" % (k, v, scale))
    worst = max(diffs.values())
    if worst > 1e-4 * max(1.0, scale):
        raise SystemExit("side-by-side: the engines disagree on the same weights (max difference %.2e)" % worst)
    return diffs


# ---------------------------------------------------------------------------------------------------- measurements

def torch_sgemm(seconds, n=1024):
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(3):
        a @ b
    k, t = 0, time.perf_counter()
    while time.perf_counter() - t < seconds:
        a @ b
        k += 1
    return 2 * n ** 3 * k / (time.perf_counter() - t) / 1e9


def torch_fixed(f, batch, seconds, dtype=torch.float32):
    """Seed-steps per second of FIXED_STEPS plain steps on a batch (no stop rule), as picardIteration does."""
    z0 = torch.from_numpy(np.random.default_rng(0).standard_normal((batch, LATENT)).astype(np.float32)).to(dtype)
    with torch.no_grad():
        f(f(z0))
        k, t = 0, time.perf_counter()
        while time.perf_counter() - t < seconds:
            z = z0
            for _ in range(FIXED_STEPS):
                z = f(z)
            k += 1
        return k * FIXED_STEPS * batch / (time.perf_counter() - t)


def jmh(cp, pattern, params, out_json, warmups, iterations, seconds, models_dir):
    # (JMH's lock only stops a second JMH run; on this shared machine other work runs anyway, the ratios say how much)
    argv = ["java", "-Djmh.ignoreLock=true", "-Dlatentlab.benchmark.models=" + models_dir, "-cp", cp, "org.openjdk.jmh.Main", pattern,
            "-wi", str(warmups), "-i", str(iterations), "-w", "%ds" % seconds, "-r", "%ds" % seconds, "-f", "1",
            "-rf", "json", "-rff", out_json, "-foe", "true"]
    for k, v in params.items():
        argv += ["-p", "%s=%s" % (k, v)]
    p = subprocess.run(argv, capture_output=True, text=True)
    results = None
    if p.returncode == 0 and os.path.exists(out_json):
        with open(out_json) as f:
            results = json.load(f)
    if not results:  # (-foe: a benchmark that throws fails the run; without it JMH exits 0 with no results)
        sys.stderr.write(p.stdout[-4000:] + p.stderr[-4000:])
        raise SystemExit("side-by-side: JMH failed: " + " ".join(argv))
    return results


def leader_clusters(points, threshold=COS):
    """The paper's rule as LatentLab's 'cosine' clusterer applies it: leaders in seed order, join the first leader
    with cosine > threshold. Returns labels and the cluster means."""
    unit = points / np.maximum(np.linalg.norm(points, axis=1, keepdims=True), 1e-30)
    leaders, members, labels = [], [], np.empty(len(points), dtype=np.int64)
    lead = np.empty((0, points.shape[1]), dtype=np.float64)
    for i, u in enumerate(unit):
        hit = np.flatnonzero(lead @ u > threshold) if len(leaders) else []
        if len(hit):
            labels[i] = hit[0]
            members[hit[0]].append(i)
        else:
            labels[i] = len(leaders)
            leaders.append(i)
            members.append([i])
            lead = np.vstack([lead, u])
    means = np.array([points[m].mean(0) for m in members]) if members else np.empty((0, points.shape[1]))
    return labels, means


def torch_attractors(f, seeds):
    """The careful PyTorch loop: all seeds in one batch, converged (or diverged) seeds leave it at once.
    Same rule and bookkeeping as LatentLab's picard: converged when ||f(z) - z||^2 < TOL after a step."""
    t0 = time.perf_counter()
    n = len(seeds)
    end = np.empty_like(seeds)
    steps = np.zeros(n, dtype=np.int64)
    state = np.zeros(n, dtype=np.int8)  # 0 active, 1 converged, 2 diverged, 3 out of steps
    evals = 0
    with torch.no_grad():
        idx = torch.arange(n)
        z = torch.from_numpy(seeds)
        fz = f(z)
        evals += n
        for t in range(1, MAX_STEPS + 1):
            z, fz = fz, f(fz)
            evals += len(idx)
            r2 = ((fz - z) ** 2).sum(1)
            ok = torch.isfinite(z).all(1) & torch.isfinite(fz).all(1) & (z.norm(dim=1) <= 1e6)
            conv, div = ok & (r2 < TOL), ~ok
            stop = conv | div if t < MAX_STEPS else torch.ones_like(conv)
            if stop.any():
                ids = idx[stop].numpy()
                end[ids] = z[stop].numpy()
                steps[ids] = t
                state[ids] = np.where(conv[stop].numpy(), 1, np.where(div[stop].numpy(), 2, 3))
                keep = ~stop
                idx, z, fz = idx[keep], z[keep], fz[keep]
            if len(idx) == 0:
                break
    t1 = time.perf_counter()
    conv = np.flatnonzero(state == 1)
    labels, means = leader_clusters(end[conv].astype(np.float64))
    t2 = time.perf_counter()
    return dict(seconds=t2 - t0, iterate_seconds=t1 - t0, cluster_seconds=t2 - t1, converged=int(len(conv)),
                diverged=int((state == 2).sum()), not_converged=int((state == 3).sum()), attractors=int(len(means)),
                mean_steps=float(steps[conv].mean()) if len(conv) else 0.0, map_evaluations=int(evals),
                end=end, state=state, means=means)


def latentlab_attractors(run, model, seeds_file, strategy, out):
    if os.path.isdir(out):
        shutil.rmtree(out)
    name, _, params = strategy.partition(":")  # e.g. anderson:capture=true+mixedPrecision=true
    params = params.replace("+", ",")
    extra = ["--strategy-param", params] if params else []
    p = run.latentlab("analyze", "--model", model, "--seeds", seeds_file, "--strategy", name, *extra, "--exporters", "json,npy",
                      "--quiet", "--out", out)
    m = re.search(r"(\d+) converged, (\d+) diverged, (\d+) not converged, in ([\d.]+) s", p.stdout)
    a = re.search(r"(\d+) distinct fixed points", p.stdout)
    if not m or not a:
        raise SystemExit("side-by-side: cannot read analyze's summary:\n" + p.stdout)
    res = json.load(open(os.path.join(out, "result.json")))
    r = dict(seconds=float(m.group(4)), process_seconds=p.wall, user=p.user, sys=p.sys, converged=int(m.group(1)),
             diverged=int(m.group(2)), not_converged=int(m.group(3)), attractors=int(a.group(1)),
             summary=res.get("summary"), evaluations=find_key(res, "mapEvaluations"))
    r["end"] = np.load(os.path.join(out, "endpoints.npy"))
    r["labels"] = np.load(os.path.join(out, "labels.npy"))
    r["positions"] = np.load(os.path.join(out, "attractors.npy"))
    return r


def find_key(node, key):
    """The first value of a key anywhere in a JSON tree (result.json's layout may grow; the map evaluations per
    strategy are asked for in issue 13)."""
    if isinstance(node, dict):
        if key in node:
            return node[key]
        node = list(node.values())
    if isinstance(node, list):
        for v in node:
            if isinstance(v, (dict, list)):
                found = find_key(v, key)
                if found is not None:
                    return found
    return None


def compare(py, ll):
    """Same attractors? Seeds converged in both whose end points have cosine > COS, and attractors of one side
    with a counterpart (cosine > COS) on the other."""
    both = (py["state"] == 1) & (ll["labels"] >= 0)
    a, b = py["end"][both].astype(np.float64), ll["end"][both].astype(np.float64)
    cos = (a * b).sum(1) / np.maximum(np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1), 1e-30)
    def unit(x):
        return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-30)
    c = unit(ll["positions"].astype(np.float64)) @ unit(py["means"]).T if len(ll["positions"]) and len(py["means"]) else np.zeros((0, 0))
    return dict(seeds_both=int(both.sum()), seeds_same=int((cos > COS).sum()),
                ll_matched=int((c > COS).any(1).sum()) if c.size else 0,
                py_matched=int((c > COS).any(0).sum()) if c.size else 0)


def mnist_train(home, n):
    path = os.path.join(home, "datasets", "mnist", "train-images-idx3-ubyte")
    if not os.path.exists(path):
        log("  (no MNIST in %s: PyTorch trains on uniform noise of the same shape; speed does not depend on it)" % home)
        return np.random.default_rng(0).random((n, 1, 28, 28), dtype=np.float32)
    raw = np.fromfile(path, dtype=np.uint8, offset=16)[: n * 784]
    return (raw.reshape(n, 1, 28, 28).astype(np.float32) / 255.0)


def torch_train(layers_folder, x, steps, batch=128):
    """The recipe of `latentlab train`: the same layers (fresh PyTorch default initialisation, which is LatentLab's
    kaiming-uniform), MSE, Adam(1e-3) with L2 weight decay 1e-5, batches drawn from a shuffled pass."""
    torch.manual_seed(0)
    enc, dec = torch_stack(layers_folder, "encoder").train(), torch_stack(layers_folder, "decoder").train()
    for m in list(enc) + list(dec):
        if isinstance(m, torch.nn.Linear):
            m.reset_parameters()
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=1e-3, weight_decay=1e-5)
    data = torch.from_numpy(x)
    r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    order, pos = torch.randperm(len(data)), 0
    for s in range(steps):
        if pos + batch > len(data):
            order, pos = torch.randperm(len(data)), 0
        b = data[order[pos:pos + batch]]
        pos += batch
        loss = ((dec(enc(b)) - b) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    loss = float(loss)
    wall, r1 = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF)
    return dict(steps=steps, seconds=wall, user=r1.ru_utime - r0.ru_utime, sys=r1.ru_stime - r0.ru_stime, loss=loss)


def latentlab_train(run, work, steps, extra_env=None):
    out = os.path.join(work, "train-steps-%d" % steps)
    env = dict(run.env, **(extra_env or {}))
    p = run.latentlab("train", "--dataset", "mnist", "--train-size", TRAIN_SIZE, "--latent", LATENT,
                      "--hidden", ",".join(map(str, HIDDEN)), "--steps", steps, "--out", out, env=env)
    t = json.load(open(os.path.join(out, "training.json")))
    return dict(steps=steps, seconds=t["millis"] / 1000.0, step_seconds=t.get("stepMillis", t["millis"]) / 1000.0,
                process_seconds=p.wall, user=p.user, sys=p.sys, loss=t["epochLosses"][-1])


# ---------------------------------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", required=True)
    ap.add_argument("--launcher", required=True)
    ap.add_argument("--jmh-classpath", required=True)
    ap.add_argument("--work", default=os.environ.get("LATENTLAB_BENCH_WORK", "/tmp/latentlab-side-by-side"))
    ap.add_argument("--epochs", type=int, default=EPOCHS, help="training epochs of the model (default %d; retrains "
                    "the model in WORK when it was trained with another count)" % EPOCHS)
    ap.add_argument("--seeds", type=int, default=10000, help="noise seeds to the stop rule (default 10000)")
    ap.add_argument("--train-steps", type=int, default=200, help="optimiser steps timed per side (default 200)")
    ap.add_argument("--strategies", default="picard,anderson,anderson:capture=true,anderson:capture=true+mixedPrecision=true",
                    help="LatentLab strategies to run, comma-separated, each ID or ID:K=V+K=V... (default picard,anderson,"
                         "anderson:capture=true,anderson:capture=true+mixedPrecision=true)")
    ap.add_argument("--quick", action="store_true", help="a short smoke run: 2000 seeds, short timings (figures are rough)")
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    ap.add_argument("--only", default="", help="comma-separated phases to run: sgemm, fixed, seeds, train (default: all; "
                    "the model is made in any case; with a subset the report lists only those rows)")
    args = ap.parse_args()
    phases = set(p for p in args.only.split(",") if p) or {"sgemm", "fixed", "seeds", "train"}
    unknown = phases - {"sgemm", "fixed", "seeds", "train"}
    if unknown:
        ap.error("--only: unknown phase(s) %s" % ", ".join(sorted(unknown)))
    if args.quick:
        args.seeds, args.train_steps = min(args.seeds, 2000), min(args.train_steps, 60)
    secs = 3 if args.quick else 6
    torch.set_num_threads(args.threads)
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    env = dict(os.environ)
    home = env.get("LATENTLAB_HOME") or os.path.expanduser("~/.latentlab")
    run = Run(args.launcher, env)
    started = time.perf_counter()
    blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    info = dict(date=datetime.datetime.now().astimezone().isoformat(timespec="seconds"), host=socket.gethostname(), cpu=cpu,
                cores=os.cpu_count(), torch=torch.__version__, torch_threads=torch.get_num_threads(), blas=blas,
                java=subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0],
                epochs=args.epochs, seeds=args.seeds, train_steps=args.train_steps, quick=args.quick, loads={},
                env={k: v for k, v in sorted(os.environ.items()) if re.match(r"(OMP|GOMP|KMP|MKL|OPENBLAS|MALLOC)_", k)},
                java_opts=os.environ.get("LATENTLAB_JAVA_OPTS", ""))
    log("%s, %s, %d cores, torch %s (%d threads, BLAS %s), %s; threading environment (both sides): %s"
        % (info["date"], cpu, info["cores"], torch.__version__, torch.get_num_threads(), blas, info["java"],
           " ".join("%s=%s" % kv for kv in info["env"].items()) or "none set"))
    if float(load()) > info["cores"]:
        log("the machine is busy (load %s on %d cores): with OpenMP's default wait policy both sides lose much of their time "
            "to threads waiting for descheduled team members; see README.md (--passive)" % (load(), info["cores"]))
    R = dict(info=info)

    def phase(name):
        info["loads"][name] = load()
        log("[%s] load %s, %.0f s so far" % (name, info["loads"][name], time.perf_counter() - started))

    phase("model")
    models, enc, dec, meta = make_model(run, work, args.epochs)

    def f(z):
        return enc(dec(z))

    t = json.load(open(os.path.join(models, "mlp784-layers", "training.json")))
    R["model"] = dict(folder=models, epochs=t["config"]["epochs"], losses=t["epochLosses"])
    if phases & {"fixed", "seeds"}:
        R["agreement"] = check_agreement(run, work, models, f)
    if "sgemm" in phases:
        sgemm_phase(R, args, work, secs, models, phase)
    if "fixed" in phases:
        fixed_phase(R, args, work, secs, models, f, phase, enc, dec)
    if "seeds" in phases:
        seeds_phase(R, args, run, work, models, f, phase)
    if "train" in phases:
        train_phase(R, args, run, work, models, home, phase)

    phase("end")
    R["info"]["seconds"] = time.perf_counter() - started
    if phases == {"sgemm", "fixed", "seeds", "train"}:
        report = table(R)
    else:
        report = partial_table(R)
    print()
    print(report)
    with open(os.path.join(work, "side-by-side.md"), "w") as fh:
        fh.write(report)
    with open(os.path.join(work, "side-by-side.json"), "w") as fh:
        json.dump(R, fh, indent=2, default=lambda o: o.tolist() if hasattr(o, "tolist") else str(o))
    log("written %s and side-by-side.json" % os.path.join(work, "side-by-side.md"))


def partial_table(R):
    """The rows of the phases that ran (--only)."""
    rows = ["| | PyTorch eager | LatentLab |", "|---|---:|---:|"]
    if "sgemm" in R:
        rows.append("| sgemm 1024×1024 (GFLOP/s) | %.1f | %.1f (%.2fx) |" % (R["sgemm"]["torch"], R["sgemm"]["libtorch"],
                                                                            R["sgemm"]["libtorch"] / R["sgemm"]["torch"]))
        if R["sgemm"].get("fma_peak"):
            rows.append("| float32 FMA peak, all cores (GFLOP/s; fma-peak.sh) | %.1f | |" % R["sgemm"]["fma_peak"])
    if "fixed" in R:
        for b in float32_batches(R["fixed"]):
            fx = R["fixed"][b]
            rows.append("| fixed steps, batch %d (seed-steps/s) | %.0f | torchscript %.0f (%.2fx), onnx %.0f (%.2fx) |"
                        % (b, fx["torch"], fx.get("torchscript", 0), fx.get("torchscript_ratio", 0),
                           fx.get("onnx", 0), fx.get("onnx_ratio", 0)))
        rows += bfloat16_rows(R["fixed"], 2)
    if "seeds" in R:
        for k, v in R["seeds"].items():
            if k != "torch":
                rows.append("| 10^4 seeds, %s (s) | %.1f | %.1f (%.2fx) |" % (k, R["seeds"]["torch"]["seconds"], v["seconds"],
                                                                          R["seeds"]["torch"]["seconds"] / v["seconds"]))
    if "train" in R:
        t, l = R["train"]["torch"], R["train"]["latentlab"]
        rows.append("| training, batch 128, Adam (steps/s) | %.1f (%s) | %.1f (%s; %s) |" % (
            t["steps_per_s"], ", ".join("%.1f" % (r["steps"] / r["seconds"]) for r in t["runs"]), l["steps_per_s"],
            train_ratio(R["train"]), ", ".join("%.1f" % (r["steps"] / r["step_seconds"]) for r in l["runs"][1:])))
        rows.append("| training CPU per step, user / system (ms) | %.0f / %.0f | %.0f / %.0f |" % (
            1e3 * t["user_per_step"], 1e3 * t["sys_per_step"], 1e3 * l["user_per_step"], 1e3 * l["sys_per_step"]))
    i = R["info"]
    rows.append("")
    rows.append("%s, %s, %d cores; loads per phase: %s; threading environment: %s" % (
        i["date"], i["cpu"], i["cores"], ", ".join("%s %s" % kv for kv in i["loads"].items()),
        " ".join("%s=%s" % kv for kv in i["env"].items()) or "none set"))
    return "\n".join(rows) + "\n"


def float32_batches(fx):
    return sorted(b for b in fx if isinstance(b, int))


def bfloat16_batches(fx):
    return sorted((b for b in fx if isinstance(b, str)), key=lambda b: int(b.split()[1]))


def bfloat16_rows(fx, columns):
    """Rows of the bfloat16 fixed steps: both sides in bfloat16, and LatentLab's against PyTorch's float32."""
    rows = []
    for b in bfloat16_batches(fx):
        r, f32 = fx[b], fx[int(b.split()[1])]
        rows.append("| fixed steps, batch %s, both in bfloat16 (seed-steps/s) | %s | torchscript %s (%.2fx; %.2fx PyTorch's "
                    "float32 %s)%s |" % (b.split()[1], "{:,.0f}".format(r["torch"]), "{:,.0f}".format(r.get("torchscript", 0)),
                                         r.get("torchscript_ratio", 0), r.get("torchscript_ratio_to_float32", 0),
                                         "{:,.0f}".format(f32["torch"]), " | (none)" if columns == 3 else ""))
    return rows


def sgemm_phase(R, args, work, secs, models, phase):
    phase("sgemm")
    s1 = torch_sgemm(secs / 2)
    j = jmh(args.jmh_classpath, "SgemmBenchmark", {"n": 1024}, os.path.join(work, "jmh-sgemm.json"), 1, 3, max(2, secs // 3), models)
    s2 = torch_sgemm(secs / 2)
    R["sgemm"] = dict(torch=(s1 + s2) / 2, torch_runs=[s1, s2], libtorch=j[0]["primaryMetric"]["score"] * 2 * 1024 ** 3 / 1e9)
    log("  sgemm 1024: torch %.1f GFLOP/s (%.1f, %.1f), libtorch via DJL %.1f GFLOP/s"
        % (R["sgemm"]["torch"], s1, s2, R["sgemm"]["libtorch"]))
    R["sgemm"]["fma_peak"] = fma_peak()
    if R["sgemm"]["fma_peak"]:
        log("  float32 FMA peak, all cores: %.1f GFLOP/s" % R["sgemm"]["fma_peak"])


def fma_peak():
    """The CPU's float32 FMA peak on all cores in GFLOP/s (fma-peak.sh, 1 s), or 0 when it cannot be measured (no C
    compiler, no FMA: the reason is logged): the ceiling that the map's and sgemm's rates are shares of."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fma-peak.sh")
    try:
        p = subprocess.run(["bash", script, "1"], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        log("  float32 FMA peak not measured: %s" % e)
        return 0.0
    rates = re.findall(r"(\d+) thread\(s\): ([\d.]+) GFLOP/s", p.stdout)
    if p.returncode != 0 or not rates:
        log("  float32 FMA peak not measured: %s" % ((p.stderr or p.stdout).strip().splitlines() or ["no output"])[-1])
        return 0.0
    return float(rates[-1][1])


def has_bfloat16():
    """What LatentLab's `latentlab.bfloat16=auto` looks for: the CPU's bfloat16 matrix instructions."""
    try:
        flags = next((l.split(":", 1)[1].split() for l in open("/proc/cpuinfo") if l.startswith("flags")), [])
    except OSError:
        return False
    return "amx_bf16" in flags or "avx512_bf16" in flags


def fixed_phase(R, args, work, secs, models, f, phase, enc, dec):
    """Float32 on both sides; where the CPU has bfloat16 matrix instructions also bfloat16 on both sides: PyTorch
    eager's modules converted with .to(torch.bfloat16), LatentLab's TorchScript model's low-precision version (what
    mixedPrecision=true iterates on first). Keys: batch for float32, "bf16 <batch>" for bfloat16.

    Rounds alternate the sides: in each round every case runs on both, PyTorch first in odd rounds and LatentLab
    first in even ones (an even count of rounds), and a case's ratio is the median of its rounds' ratios (each taken
    a few seconds apart, so a change of the machine's load moves both sides of it alike). LatentLab's side is JMH's
    LatentMapBenchmark.picardIteration run on request by FixedStepsServer in one JVM, whose models (one per case, set
    up as JMH's LatentMapBenchmark.setUp does) are loaded before the first round. The first round warms both sides up
    (the JIT, oneDNN's kernels) and is not counted."""
    phase("fixed")
    batches = (1024, 4096)
    rounds = 2 if args.quick else 6  # even: each side goes first in half of them
    each = secs / 2
    bf16 = has_bfloat16()
    torch_maps = {b: (f, torch.float32) for b in batches}
    cases = {b: ["torchscript:float32:%d" % b, "onnx:float32:%d" % b] for b in batches}
    if bf16:
        enc16, dec16 = copy.deepcopy(enc).to(torch.bfloat16), copy.deepcopy(dec).to(torch.bfloat16)
        f16 = lambda z: enc16(dec16(z))
        for b in batches:
            torch_maps["bf16 %d" % b] = (f16, torch.bfloat16)
            cases["bf16 %d" % b] = ["torchscript:bfloat16:%d" % b]
    else:
        log("  no bfloat16 matrix instructions on this CPU (amx_bf16 / avx512_bf16): float32 rows only")
    server = FixedStepsServer(args.jmh_classpath, models, [c for cs in cases.values() for c in cs], work)
    torch_rates = {b: [] for b in torch_maps}
    ll_rates = {c: [] for cs in cases.values() for c in cs}
    ll_cpu = {c: [] for c in ll_rates}
    try:
        for r in range(rounds + 1):
            for b, (fn, dtype) in torch_maps.items():
                def torch_side():
                    torch_rates[b].append(torch_fixed(fn, int(str(b).split()[-1]), each, dtype))

                def latentlab_side():
                    for c in cases[b]:
                        rate, cpu = server.measure(c, each)
                        ll_rates[c].append(rate)
                        ll_cpu[c].append(cpu)

                for side in ((torch_side, latentlab_side) if r % 2 == 1 else (latentlab_side, torch_side)):
                    side()
            if r == 0:  # the warm-up round
                for v in list(torch_rates.values()) + list(ll_rates.values()) + list(ll_cpu.values()):
                    v.clear()
            else:
                log("  round %d of %d: %s" % (r, rounds, ", ".join(
                    "%s %.2fx" % (c.replace(":float32", "").replace(":bfloat16", " bf16"), ll_rates[c][-1] / torch_rates[b][-1])
                    for b in cases for c in cases[b])))
    finally:
        server.close()
    fixed = {}
    for b in torch_maps:
        fx = dict(torch=median(torch_rates[b]), torch_runs=torch_rates[b], rounds=rounds)
        for c in cases[b]:
            k = c.split(":")[0]
            fx[k] = median(ll_rates[c])
            fx[k + "_iterations"] = ll_rates[c]
            fx[k + "_cpu_per_step"] = median(ll_cpu[c])
            fx[k + "_ratios"] = [x / t for x, t in zip(ll_rates[c], torch_rates[b])]
            fx[k + "_ratio"] = median(fx[k + "_ratios"])
            if isinstance(b, str):  # bfloat16 against PyTorch's float32 of the same round
                f32 = torch_rates[int(b.split()[1])]
                fx[k + "_ratio_to_float32"] = median([x / t for x, t in zip(ll_rates[c], f32)])
        fixed[b] = fx
    R["fixed"] = fixed
    for b, fx in fixed.items():
        log("  batch %s: torch %.0f (rounds %s), LatentLab %s" % (b, fx["torch"], ", ".join("%.0f" % v for v in fx["torch_runs"]),
            ", ".join("%s %.0f (%.2fx, rounds %s)" % (k, fx[k], fx[k + "_ratio"], ", ".join("%.2f" % v for v in fx[k + "_ratios"]))
                      for k in ("torchscript", "onnx") if k in fx)))
        if isinstance(b, str):
            log("  batch %s: LatentLab's bfloat16 against PyTorch's float32: %.2fx" % (b, fx["torchscript_ratio_to_float32"]))


class FixedStepsServer:
    """LatentLab's side of the fixed steps: runtime/benchmarks' FixedStepsServer in one JVM, measuring on request.
    Its stderr goes to WORK/fixed-steps-server.err (shown when it fails); an answer that does not come within its
    time limit stops the run instead of waiting for ever."""

    START_SECONDS = 300  # loading six models, the oneDNN and bfloat16 versions' probes included

    def __init__(self, cp, models, cases, work):
        self.argv = ["java", "-Xmx4g", "-Dlatentlab.benchmark.models=" + models, "-cp", cp,
                     "org.latentlab.benchmarks.FixedStepsServer", "--models", models] + cases
        self.err_file = os.path.join(work, "fixed-steps-server.err")
        self.err = open(self.err_file, "w")
        self.p = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err, text=True)
        line = self._line(self.START_SECONDS)
        while not line.startswith("ready"):  # (a library may print first)
            line = self._line(self.START_SECONDS)

    def _line(self, timeout):
        ready, _, _ = select.select([self.p.stdout], [], [], timeout)
        if not ready:
            self._fail("gave no answer within %d s" % timeout)
        line = self.p.stdout.readline()
        if not line:
            self._fail("stopped (exit %s)" % self.p.poll())
        return line.strip()

    def _fail(self, what):
        self.p.kill()
        self.p.wait()
        self.err.close()
        with open(self.err_file) as fh:
            sys.stderr.write(fh.read()[-4000:])
        raise SystemExit("side-by-side: FixedStepsServer %s: %s" % (what, " ".join(self.argv)))

    def measure(self, case, seconds):
        """Seed-steps per second of `case`, and the process CPU seconds per seed-step."""
        try:
            self.p.stdin.write("%s %g\n" % (case, seconds))
            self.p.stdin.flush()
        except BrokenPipeError:
            self._fail("stopped (exit %s)" % self.p.poll())
        # whole invocations: at least `seconds`, plus one invocation (under a second here) and a slow machine's margin
        line = self._line(10 * seconds + 60).split()
        if len(line) != 4 or line[0] != "ok" or line[1] != case:
            self._fail("answered %r to %s" % (" ".join(line), case))
        return float(line[2]), float(line[3])

    def close(self):
        try:
            self.p.stdin.write("\n")
            self.p.stdin.close()
            self.p.wait(timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            self.p.kill()
            self.p.wait()
        finally:
            self.err.close()


def seeds_phase(R, args, run, work, models, f, phase):
    phase("seeds")
    seeds = np.random.default_rng(0).standard_normal((args.seeds, LATENT)).astype(np.float32)
    seeds_file = os.path.join(work, "seeds.npy")
    np.save(seeds_file, seeds)
    def torch_seeds():
        r = torch_attractors(f, seeds)
        log("  torch: %.1f s (iterate %.1f, cluster %.2f), %d converged, %d attractors, mean steps %.0f, %d map evaluations"
            % (r["seconds"], r["iterate_seconds"], r["cluster_seconds"], r["converged"], r["attractors"], r["mean_steps"],
               r["map_evaluations"]))
        return r

    py = torch_seeds()
    R["seeds"] = {"torch": {k: v for k, v in py.items() if k not in ("end", "state", "means")}}
    for strategy in [s for s in args.strategies.split(",") if s]:
        phase("seeds-" + strategy)
        ll = latentlab_attractors(run, os.path.join(models, "mlp784-torchscript"), seeds_file, strategy,
                                  os.path.join(work, "analyze-" + re.sub(r"[^A-Za-z0-9._-]", "-", strategy)))
        cmp = compare(py, ll)
        R["seeds"][strategy] = dict({k: v for k, v in ll.items() if k not in ("end", "labels", "positions")}, compare=cmp)
        log("  latentlab %s: %.1f s (process %.1f s), %d converged, %d attractors; seeds on the same attractor as torch %d/%d,"
            " attractors matched %d of %d" % (strategy, ll["seconds"], ll["process_seconds"], ll["converged"], ll["attractors"],
                                            cmp["seeds_same"], cmp["seeds_both"], cmp["ll_matched"], ll["attractors"]))

    phase("seeds-torch-again")
    again = torch_seeds()  # the same work again: its time, averaged with the first, is what LatentLab is compared with
    R["seeds"]["torch"]["runs"] = [py["seconds"], again["seconds"]]
    R["seeds"]["torch"]["seconds"] = (py["seconds"] + again["seconds"]) / 2


def train_phase(R, args, run, work, models, home, phase):
    """Training per step in rounds that alternate the sides (4, or 2 with --quick; each side first in half of them):
    PyTorch's timed loop of --train-steps steps against `latentlab train --steps N2`, whose training.json gives the
    time in its steps. The ratio is the median of the rounds' ratios, each taken seconds apart (until 2026-12-06
    PyTorch ran once before and once after LatentLab, and its two runs read as far apart as 78.6 and 103.4 steps/s).
    CPU per step: PyTorch's over its runs; LatentLab's from the difference of an N1-step run and the last N2-step run
    (start-up, data loading and writing cancel)."""
    phase("train")
    x = mnist_train(home, TRAIN_SIZE)
    n1, n2 = max(10, args.train_steps // 5), args.train_steps + max(10, args.train_steps // 5)
    layers = os.path.join(models, "mlp784-layers")
    l1 = latentlab_train(run, work, n1)
    torch_train(layers, x, max(10, args.train_steps // 5))  # warm-up: torch's first steps build its kernels
    rounds = 2 if args.quick else 4
    pts, lls, ratios = [], [], []
    ll_rate = lambda r: r["steps"] / r["step_seconds"]
    for k in range(rounds):
        got = {}
        for side in (("torch", "latentlab") if k % 2 == 0 else ("latentlab", "torch")):
            got[side] = torch_train(layers, x, args.train_steps) if side == "torch" else latentlab_train(run, work, n2)
        pts.append(got["torch"])
        lls.append(got["latentlab"])
        ratios.append(ll_rate(got["latentlab"]) / (args.train_steps / got["torch"]["seconds"]))
        log("  round %d of %d: torch %.1f, latentlab %.1f steps/s (%.2fx)" % (
            k + 1, rounds, args.train_steps / got["torch"]["seconds"], ll_rate(got["latentlab"]), ratios[-1]))
    per = lambda a, b, key: (b[key] - a[key]) / (b["steps"] - a["steps"])
    R["train"] = dict(
        torch=dict(steps_per_s=median(args.train_steps / r["seconds"] for r in pts),
                   user_per_step=sum(r["user"] for r in pts) / (len(pts) * args.train_steps),
                   sys_per_step=sum(r["sys"] for r in pts) / (len(pts) * args.train_steps), runs=pts),
        latentlab=dict(steps_per_s=median(ll_rate(r) for r in lls), user_per_step=per(l1, lls[-1], "user"),
                       sys_per_step=per(l1, lls[-1], "sys"), runs=[l1] + lls),
        ratio=median(ratios), ratios=ratios)
    for k in ("torch", "latentlab"):
        t = R["train"][k]
        log("  %s: %.1f steps/s, CPU per step user %.3f s, system %.3f s" % (k, t["steps_per_s"], t["user_per_step"], t["sys_per_step"]))


def train_ratio(tr):
    """The median of the training rounds' ratios with their range."""
    return "%.2fx [%.2f-%.2f]" % (tr["ratio"], min(tr["ratios"]), max(tr["ratios"]))


def rounds_ratio(fx, kind):
    """The median of a fixed-steps case's per-round ratios, with their range."""
    if not fx.get(kind + "_ratios"):
        return "-"
    return "%.2fx [%.2f-%.2f]" % (fx[kind + "_ratio"], min(fx[kind + "_ratios"]), max(fx[kind + "_ratios"]))


def table(R):
    i, fx, sd, tr = R["info"], R["fixed"], R["seeds"], R["train"]
    ratio = lambda a, b: "%.2fx" % (a / b) if a and b else "-"
    rows = ["| | PyTorch eager | LatentLab TorchScript | LatentLab ONNX |", "|---|---:|---:|---:|"]
    for b in float32_batches(fx):
        r = fx[b]
        rows.append("| fixed steps, batch %d (seed-steps/s) | %s | %s (%s) | %s (%s) |" % (
            b, "{:,.0f}".format(r["torch"]), "{:,.0f}".format(r.get("torchscript", 0)), rounds_ratio(r, "torchscript"),
            "{:,.0f}".format(r.get("onnx", 0)), rounds_ratio(r, "onnx")))
    rows += bfloat16_rows(fx, 3)
    py = sd["torch"]
    n = i["seeds"]
    for s in [k for k in sd if k != "torch"]:
        r = sd[s]
        c = r["compare"]
        ev = (", %s map evaluations" % "{:,}".format(r["evaluations"])) if r.get("evaluations") else ""
        rows.append("| %s noise seeds to the stop rule, whole run, `--strategy %s` | %.1f s; %d converged, %d attractors, "
                    "%s map evaluations | %.1f s (%s); %d converged, %d attractors%s; %d of %d seeds on the same attractor | |" % (
                        "{:,}".format(n), s, py["seconds"], py["converged"], py["attractors"], "{:,}".format(py["map_evaluations"]),
                        r["seconds"], ratio(py["seconds"], r["seconds"]), r["converged"], r["attractors"], ev, c["seeds_same"],
                        c["seeds_both"]))
    t, l = tr["torch"], tr["latentlab"]
    rows.append("| training, batch 128, Adam (steps/s) | %.1f | %.1f (%s) | |" % (t["steps_per_s"], l["steps_per_s"],
                                                                               train_ratio(tr)))
    rows.append("| training CPU per step, user / system (s) | %.3f / %.3f | %.3f / %.3f | |" % (
        t["user_per_step"], t["sys_per_step"], l["user_per_step"], l["sys_per_step"]))
    sg = R["sgemm"]
    rows.append("| sgemm 1024×1024 (GFLOP/s) | %.1f | libtorch via DJL %.1f (%s) | |" % (sg["torch"], sg["libtorch"],
                                                                                      ratio(sg["libtorch"], sg["torch"])))
    best = max(sg["libtorch"], sg["torch"])
    peak = sg.get("fma_peak", 0)

    def shares(gflops):  # each side's map at 4,096 rows as a share of a rate
        return ", ".join("%s %.0f%%" % (k, 100 * fx[4096][k] * MFLOP_PER_SEED_STEP / 1e3 / gflops)
                         for k in ("torch", "torchscript", "onnx") if fx[4096].get(k))
    head = ["# Side by side: LatentLab / PyTorch eager", "",
            "%s on %s (%s, %d cores); load average at each phase: %s. PyTorch %s, %d threads, BLAS %s; %s. "
            "Threading environment of both sides: %s. Whole run %.0f s%s." % (
                i["date"], i["host"], i["cpu"], i["cores"], ", ".join("%s %s" % kv for kv in i["loads"].items()), i["torch"],
                i["torch_threads"], i["blas"], i["java"], " ".join("%s=%s" % kv for kv in i["env"].items()) or "none set",
                i.get("seconds", 0), " (--quick: rough figures)" if i["quick"] else ""),
            "", "Model: 784-512-256-32 MLP autoencoder trained by `latentlab train` on %d MNIST digits, %d epochs (loss per "
            "epoch %s), run by every engine from %s. Seeds: %s Gaussian latent points N(0, 1), the same file for both sides." % (
                TRAIN_SIZE, R["model"]["epochs"], ", ".join("%.4f" % v for v in R["model"]["losses"]), R["model"]["folder"],
                "{:,}".format(i["seeds"])),
            "", "In parentheses: LatentLab / PyTorch for rates, PyTorch's time / LatentLab's time for whole runs; above 1x "
            "LatentLab is faster. Fixed steps and training: %d and %d rounds that alternate the sides (after a warm-up), "
            "medians of the rates, and the median of the rounds' ratios with their range in brackets. Other rows: "
            "PyTorch's figures are means of a run before and one after the LatentLab side." % (
                fx[4096].get("rounds", 0), len(tr.get("ratios", []))), ""]
    tail = ["", "Map evaluation at batch 4096 as a share of the best measured sgemm rate (%.0f GFLOP/s; %.2f MFLOP per "
            "seed-step): %s." % (best, MFLOP_PER_SEED_STEP, shares(best)),
            "Same, as a share of the CPU's float32 FMA peak on all cores (%.0f GFLOP/s, fma-peak.sh): %s." % (peak, shares(peak))
            if peak else "The CPU's float32 FMA peak was not measured (fma-peak.sh: see the log).",
            "Same weights in every engine: max |f(z) - z| difference to PyTorch eager %s." % ", ".join(
                "%s %.1e" % kv for kv in R["agreement"].items()),
            "Spread (the load moves everything): PyTorch's runs %s; LatentLab's rounds %s." % (
                "; ".join(["fixed %s: %s" % (b, ", ".join("{:,.0f}".format(v) for v in fx[b]["torch_runs"]))
                           for b in float32_batches(fx) + bfloat16_batches(fx)]
                          + ["seeds: %s s" % ", ".join("%.1f" % v for v in sd["torch"].get("runs", []))]
                          + ["training: %s steps/s" % ", ".join("%.1f" % (r["steps"] / r["seconds"]) for r in t["runs"])]
                          + ["sgemm: %s GFLOP/s" % ", ".join("%.0f" % v for v in sg["torch_runs"])]),
                "; ".join(["fixed %s %s: %s" % (b, k, ", ".join("{:,.0f}".format(v) for v in fx[b][k + "_iterations"]))
                           for b in float32_batches(fx) + bfloat16_batches(fx) for k in ("torchscript", "onnx")
                           if k + "_iterations" in fx[b]]
                          + ["training: %s steps/s (rounds' ratios %s)" % (
                              ", ".join("%.1f" % (r["steps"] / r["step_seconds"]) for r in l["runs"][1:]),
                              ", ".join("%.2f" % v for v in tr["ratios"]))]))]
    return "\n".join(head + rows + tail) + "\n"


if __name__ == "__main__":
    main()
