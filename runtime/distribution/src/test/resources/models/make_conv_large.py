#!/usr/bin/python3
"""Makes the 'conv-large' fixtures: a convolutional autoencoder on 3x128x128 colour images with a
4x16x16 = 1024-dimensional latent (issue 15: large latents, big inputs), exported with the same
weights as ONNX (opset 13, conv-large-onnx/) and TorchScript (conv-large-torchscript/).

  encoder: Conv2d 3->16 4x4 s2 -> tanh -> Conv2d 16->32 4x4 s2 -> tanh -> Conv2d 32->4 4x4 s2 -> flatten (1024)
  decoder: reshape 4x16x16 -> ConvTranspose2d 4->32 -> tanh -> 32->16 -> tanh -> 16->3 (4x4 s2 each) -> sigmoid

Trained (Adam 3e-3, 600 steps, torch.manual_seed(3)) to memorize 6 smooth random images (a few
coloured Gaussian blobs each), so that E(D(z)) has attractors at (near) their encodings, as the
memorizer fixtures do. The model files are small (about 50 KB each); the images are not kept. The
seeds are the encodings of 30 noisy copies of the images (Gaussian noise 0.15, clipped to [0, 1]):
seeds.npy, [30, 1024]. reference_analysis.py then runs the analysis on them in PyTorch (plain
iteration, cosine leaders, polishing, autograd Jacobian spectra at k = 1024) and writes
reference.json / reference_attractors.npy / reference_labels.npy next to the ONNX model.

Run with Debian's python3-torch 1.13:  /usr/bin/python3 make_conv_large.py   (a few minutes on 2 cores)
"""
import json, os, shutil
import numpy as np
import torch
from reference_analysis import analyse

here = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(3)
rng = np.random.default_rng(3)
torch.set_num_threads(2)
H = W = 128


def blobs(n):
    yy, xx = np.mgrid[0:H, 0:W] / H
    out = np.zeros((n, 3, H, W), dtype=np.float32)
    for i in range(n):
        for _ in range(rng.integers(2, 5)):
            cy, cx, s = rng.random(), rng.random(), 0.05 + 0.15 * rng.random()
            g = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * s * s))
            out[i] += rng.random(3)[:, None, None].astype(np.float32) * g.astype(np.float32)
    return np.clip(out, 0, 1)


class Unflatten(torch.nn.Module):  # nn.Unflatten has no ONNX export in torch 1.13
    def forward(self, z):
        return z.reshape(-1, 4, 16, 16)


def conv(i, o):
    return torch.nn.Conv2d(i, o, 4, stride=2, padding=1)


def deconv(i, o):
    return torch.nn.ConvTranspose2d(i, o, 4, stride=2, padding=1)


enc = torch.nn.Sequential(conv(3, 16), torch.nn.Tanh(), conv(16, 32), torch.nn.Tanh(), conv(32, 4), torch.nn.Flatten())
dec = torch.nn.Sequential(Unflatten(), deconv(4, 32), torch.nn.Tanh(), deconv(32, 16), torch.nn.Tanh(), deconv(16, 3),
                          torch.nn.Sigmoid())
images = torch.tensor(blobs(6))
opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=3e-3)
for step in range(600):
    opt.zero_grad()
    loss = ((dec(enc(images)) - images) ** 2).mean()
    loss.backward()
    opt.step()
    if step % 100 == 0:
        print("step", step, "loss", float(loss))
enc.eval()
dec.eval()
print("final loss", float(loss))

spec = {"name": "conv-large", "inputShape": [3, H, W], "latentDim": 1024}
onnx_dir = os.path.join(here, "conv-large-onnx")
ts_dir = os.path.join(here, "conv-large-torchscript")
for d in (onnx_dir, ts_dir):
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
for name, net, example in (("encoder", enc, torch.zeros(1, 3, H, W)), ("decoder", dec, torch.zeros(1, 1024))):
    torch.onnx.export(net, example, os.path.join(onnx_dir, name + ".onnx"), opset_version=13,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    torch.jit.trace(net, example).save(os.path.join(ts_dir, name + ".pt"))
json.dump(dict(spec, encoder="encoder.onnx", decoder="decoder.onnx"), open(os.path.join(onnx_dir, "model.json"), "w"), indent=2)
json.dump(dict(spec, encoder="encoder.pt", decoder="decoder.pt"), open(os.path.join(ts_dir, "model.json"), "w"), indent=2)

noisy = (images.repeat(5, 1, 1, 1) + 0.15 * torch.tensor(rng.standard_normal((30, 3, H, W)).astype(np.float32))).clamp(0, 1)
with torch.no_grad():
    seeds = enc(noisy).numpy().astype(np.float32)
np.save(os.path.join(onnx_dir, "seeds.npy"), seeds)
print(analyse(enc, dec, seeds, onnx_dir))
