#!/usr/bin/python3
"""Makes the 'conv-memorizer' fixture: a convolutional autoencoder on 1x8x8 images
(Conv2d 1->8, 3x3, stride 2 -> tanh -> Linear 128->3 | Linear 3->128 -> tanh -> ConvTranspose2d
8->1, 4x4, stride 2 -> sigmoid), trained (Adam, 3000 steps, torch.manual_seed(1)) on 5 random
binary images. Exported as ONNX (opset 13) to conv-memorizer/. The seeds are inputs: the 5 images
and 55 noisy copies (inputs.npy, [60, 1, 8, 8]), encoded first, then the reference analysis of
reference_analysis.py runs on their encodings.

Run with Debian's python3-torch 1.13:  /usr/bin/python3 make_conv_memorizer.py
"""
import json, os
import numpy as np
import torch
from reference_analysis import analyse

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "conv-memorizer")
os.makedirs(out, exist_ok=True)
torch.manual_seed(1)
rng = np.random.default_rng(1)

images = torch.tensor((rng.random((5, 1, 8, 8)) > 0.5).astype(np.float32))
enc = torch.nn.Sequential(torch.nn.Conv2d(1, 8, 3, stride=2, padding=1), torch.nn.Tanh(), torch.nn.Flatten(),
                          torch.nn.Linear(128, 3))
class Reshape(torch.nn.Module):  # nn.Unflatten has no ONNX export in torch 1.13
    def forward(self, x):
        return x.reshape(-1, 8, 4, 4)


dec = torch.nn.Sequential(torch.nn.Linear(3, 128), torch.nn.Tanh(), Reshape(),
                          torch.nn.ConvTranspose2d(8, 1, 4, stride=2, padding=1), torch.nn.Sigmoid())
opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=1e-2)
for step in range(3000):
    opt.zero_grad()
    loss = ((dec(enc(images)) - images) ** 2).mean()
    loss.backward()
    opt.step()
enc.eval(); dec.eval()
print("final loss", float(loss))

for name, net, example in (("encoder", enc, torch.zeros(1, 1, 8, 8)), ("decoder", dec, torch.zeros(1, 3))):
    torch.onnx.export(net, example, os.path.join(out, name + ".onnx"), opset_version=13,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
json.dump({"name": "conv-memorizer", "inputShape": [1, 8, 8], "latentDim": 3,
           "encoder": "encoder.onnx", "decoder": "decoder.onnx"}, open(os.path.join(out, "model.json"), "w"), indent=2)

noisy = images.repeat(12, 1, 1, 1)[5:] + 0.3 * torch.tensor(rng.standard_normal((55, 1, 8, 8)).astype(np.float32))
inputs = torch.cat([images, noisy.clamp(0, 1)]).numpy().astype(np.float32)
np.save(os.path.join(out, "inputs.npy"), inputs)
with torch.no_grad():
    seeds = enc(torch.tensor(inputs)).numpy()
print(analyse(enc, dec, seeds, out))
