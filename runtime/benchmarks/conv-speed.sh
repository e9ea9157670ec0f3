#!/usr/bin/env bash
# Iteration speed on the convolutional fixture (issue 15): z <- E(D(z)) on conv-large (3x128x128 images, 4x16x16 =
# 1024 latent), PyTorch eager (Debian's python3-torch, 2 threads, the same weights) against LatentLab's TorchScript
# and ONNX backends (RoundRobinMap: the engine's latentSteps, one step per call). PyTorch runs before and after
# LatentLab and its mean is the reference, as side-by-side.sh does; prints seed-steps per second and the ratios.
#
#   runtime/benchmarks/conv-speed.sh [--batches 16,64,256] [--seconds 3] [--rounds 4]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
models="$root/runtime/distribution/src/test/resources/models"
batches=16,64,256
seconds=3
rounds=4
while (( $# )); do
  case "$1" in
    --batches) batches="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    *) echo "conv-speed: unknown option $1" >&2; exit 2 ;;
  esac
done
if ! /usr/bin/python3 -c 'import torch, numpy' >/dev/null 2>&1; then
  echo "conv-speed: needs Debian's PyTorch: apt-get install -y python3-torch python3-numpy (as side-by-side.sh does)" >&2
  exit 2
fi
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
echo "conv-speed: load $(cut -d' ' -f1 /proc/loadavg); PyTorch eager, before"
before=$(/usr/bin/python3 "$here/conv_speed.py" "$models/conv-large-torchscript" "$batches" "$seconds")
echo "conv-speed: load $(cut -d' ' -f1 /proc/loadavg); LatentLab (RoundRobinMap)"
ll=$("$here/run.sh" roundrobin --models "$models" --prefix conv-large --batches "$batches" --seconds "$seconds" \
      --rounds "$rounds" torchscript=torchscript onnx=onnx)
echo "$ll"
echo "conv-speed: load $(cut -d' ' -f1 /proc/loadavg); PyTorch eager, after"
after=$(/usr/bin/python3 "$here/conv_speed.py" "$models/conv-large-torchscript" "$batches" "$seconds")
BEFORE="$before" AFTER="$after" LL="$ll" /usr/bin/python3 - <<'PY'
import json, os, re
b, a = json.loads(os.environ["BEFORE"]), json.loads(os.environ["AFTER"])
ll = {}
section = None
for line in os.environ["LL"].splitlines():
    if line.startswith("seed-steps per second"):
        section = "rates"
    elif not line.startswith("  "):
        section = None
    elif section == "rates":
        m = re.match(r"\s+batch\s+(\d+)\s+(\S+)\s+([\d.]+)", line)
        if m:
            ll.setdefault(m.group(1), {})[m.group(2)] = float(m.group(3))
print("\n| batch | PyTorch eager (before, after) | LatentLab torchscript | LatentLab onnx |")
print("|---:|---:|---:|---:|")
for batch in sorted(ll, key=int):
    t = (b["rates"][batch] + a["rates"][batch]) / 2
    row = ["%s" % batch, "%.0f (%.0f, %.0f)" % (t, b["rates"][batch], a["rates"][batch])]
    for kind in ("torchscript", "onnx"):
        v = ll[batch].get(kind)
        row.append("—" if v is None else "%.0f (%.2fx)" % (v, v / t))
    print("| " + " | ".join(row) + " |")
print("\nseed-steps per second; ratios against PyTorch's mean; eager map checked against the TorchScript files: max |diff| %.1e"
      % b["check_max_abs_diff"])
PY
