#!/usr/bin/python3
"""PyTorch eager on the conv-large fixture (issue 15: iteration speed on a convolutional model): the same
architecture as runtime/distribution/src/test/resources/models/make_conv_large.py, built as torch.nn modules and given
the weights of the TorchScript files, so both sides compute the same map (checked first). Prints one JSON line:
seed-steps per second of z <- E(D(z)) per batch, torch.no_grad(), 2 threads, one step per call as the engine's
iteration makes.

  /usr/bin/python3 conv_speed.py MODEL_DIR BATCHES SECONDS     (MODEL_DIR: conv-large-torchscript)
"""
import json, os, sys, time
import numpy as np
import torch

torch.set_num_threads(2)


class Unflatten(torch.nn.Module):
    def forward(self, z):
        return z.reshape(-1, 4, 16, 16)


def conv(i, o):
    return torch.nn.Conv2d(i, o, 4, stride=2, padding=1)


def deconv(i, o):
    return torch.nn.ConvTranspose2d(i, o, 4, stride=2, padding=1)


def main():
    model, batches, seconds = sys.argv[1], [int(b) for b in sys.argv[2].split(",")], float(sys.argv[3])
    enc = torch.nn.Sequential(conv(3, 16), torch.nn.Tanh(), conv(16, 32), torch.nn.Tanh(), conv(32, 4), torch.nn.Flatten())
    dec = torch.nn.Sequential(Unflatten(), deconv(4, 32), torch.nn.Tanh(), deconv(32, 16), torch.nn.Tanh(), deconv(16, 3),
                              torch.nn.Sigmoid())
    ts_enc = torch.jit.load(os.path.join(model, "encoder.pt"))
    ts_dec = torch.jit.load(os.path.join(model, "decoder.pt"))
    enc.load_state_dict(ts_enc.state_dict())
    dec.load_state_dict(ts_dec.state_dict())
    enc.eval()
    dec.eval()
    with torch.no_grad():
        z = torch.tensor(np.random.default_rng(0).standard_normal((8, 1024)).astype(np.float32))
        diff = float((enc(dec(z)) - ts_enc(ts_dec(z))).abs().max())
        if diff > 1e-5:
            raise SystemExit("conv_speed: the eager modules differ from the TorchScript files by %g" % diff)
        out = {"check_max_abs_diff": diff, "threads": torch.get_num_threads(), "torch": torch.__version__, "rates": {}}
        for b in batches:
            z = torch.tensor(np.random.default_rng(b).standard_normal((b, 1024)).astype(np.float32))
            enc(dec(z))  # warm-up
            calls, t0 = 0, time.perf_counter()
            while time.perf_counter() - t0 < seconds or calls < 2:
                enc(dec(z))
                calls += 1
            out["rates"][str(b)] = calls * b / (time.perf_counter() - t0)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
