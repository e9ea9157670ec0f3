#!/usr/bin/env bash
# Jacobian spectra benchmark (issues 15 and 13): time and memory per attractor of the engine's spectra on the dense
# contraction f(z) = tanh(0.5 Q z + b) at k = 1024, 4096, 16384 (TorchScript and layer stacks: autograd; ONNX:
# differences), with the old dense path side by side at 1024; and 1000 attractors at latent 32 (the 784-512-256-32
# MLP) by autograd and by differences, dense and matrix-free. One JSON line per measurement in WORK/spectra.jsonl,
# a table in WORK/spectra.md. See runtime/benchmarks/README.md.
#
#   runtime/benchmarks/spectra.sh [--work DIR] [--sizes 1024,4096,16384] [--backends torchscript,onnx,layers]
#                                 [--bias-scale 1] [--points 1000 (0: none)] [--dense-at 1024] [--repeat 2]
#
# The fixtures (made by models/make_contraction.py with Debian's python3-torch, installed when missing as
# side-by-side.sh does) go to WORK/models and stay there: 4 k² bytes per weight file and format, 1 GB each at 16384.
# Each (k, backend) runs in its own JVM, so the peak-memory figures do not mix.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
py=/usr/bin/python3
work=/tmp/latentlab-spectra
sizes=1024,4096,16384
backends=torchscript,onnx,layers
bias=1
points=1000
dense_at=1024
repeat=2
while (( $# )); do
  case "$1" in
    --work) work="$2"; shift 2 ;;
    --sizes) sizes="$2"; shift 2 ;;
    --backends) backends="$2"; shift 2 ;;
    --bias-scale) bias="$2"; shift 2 ;;
    --points) points="$2"; shift 2 ;;
    --dense-at) dense_at="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    *) echo "spectra: unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$work/models"
out="$work/spectra.jsonl"
: > "$out"
# libtorch's OpenMP team spins by default; on a shared machine that costs a time slice per call (the launcher sets
# the same, see docs/performance.md)
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"

if ! "$py" -c 'import torch, numpy' >/dev/null 2>&1; then
  echo "spectra: installing Debian's PyTorch 1.13 (CPU) for the fixtures: apt-get install -y python3-torch python3-numpy libopenblas0-pthread"
  if [[ $(id -u) -ne 0 ]]; then echo "spectra: not root: run that command as root, then this script again" >&2; exit 2; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y python3-torch python3-numpy libopenblas0-pthread \
    || { apt-get update && apt-get install -y python3-torch python3-numpy libopenblas0-pthread; }
fi

if [[ -z "${LATENTLAB_BENCH_NO_BUILD:-}" || ! -s "$here/target/classpath.txt" ]]; then
  echo "spectra: building runtime/benchmarks (mvn package)"
  build=(mvn -B -q -Dstyle.color=never -DskipTests package -pl runtime/benchmarks -am
         dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime)
  (cd "$root" && { "${build[@]}" -o >/dev/null 2>&1 || "${build[@]}"; })
fi
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"
# a small heap: the spectra must fit (bounded memory), and collections then show the live set; layer stacks read their
# weights into the heap first (1 GB at 16384)
bench() { java "-Xmx${heap}" -cp "$cp" org.latentlab.benchmarks.SpectraBench "$@" 2>/dev/null | grep '^{' | tee -a "$out"; }

echo "spectra: load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores, OMP_WAIT_POLICY=$OMP_WAIT_POLICY"
for k in ${sizes//,/ }; do
  if [[ ! -f "$work/models/contraction-$k.json" ]]; then
    echo "spectra: making the k = $k contraction (bias scale $bias)"
    "$py" "$here/models/make_contraction.py" --k "$k" --out "$work/models" --bias-scale "$bias" | tail -1
  fi
  for b in ${backends//,/ }; do
    heap=1g
    [[ "$b" == layers && "$k" -gt 8192 ]] && heap=3g
    variants=free
    [[ ",$dense_at," == *",$k,"* ]] && variants=free,dense
    echo "spectra: k = $k, $b: $variants"
    bench contraction --model "$work/models/contraction-$k-$b" --point "$work/models/contraction-$k.npy" \
      --exact "$work/models/contraction-$k.json" --variants "$variants"
  done
done

heap=1g
if (( points > 0 )); then
  echo "spectra: $points attractors at latent 32 (784-512-256-32 MLP), TorchScript: autograd and differences"
  bench many --model "$here/models/mlp784-torchscript" --points "$points" --repeat "$repeat"
  echo "spectra: the same, ONNX (differences only)"
  bench many --model "$here/models/mlp784-onnx" --points "$points" --repeat "$repeat" --variants dense-differences,free-differences
fi

"$py" - "$out" "$work/spectra.md" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
with open(sys.argv[2], "w") as md:
    md.write("| k | backend | variant | method | wall s | CPU s | load | RSS added MB | live heap MB | products | resolved | residual | ρ error | ‖J‖ error |\n")
    md.write("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
    for r in rows:
        f = lambda key, fmt="%.3g": (fmt % r[key]) if r.get(key) is not None else ""
        prod = (r.get("eigenProducts", 0) + r.get("normProducts", 0)) if "eigenProducts" in r else r.get("meanProducts", "")
        md.write("| %s | %s | %s (%d points) | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n" % (
            r["k"], r["backend"], r["variant"], r["points"], r["method"], f("seconds"), f("cpuSeconds"), f("load"),
            f("rssAddedMB", "%.0f"), f("heapLiveMB", "%.0f"), prod, f("resolved", "%d"), f("residual", "%.1e"),
            f("radiusError", "%.1e"), f("normError", "%.1e")))
print(open(sys.argv[2]).read())
EOF
echo "spectra: wrote $out and $work/spectra.md"
