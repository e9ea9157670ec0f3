#!/usr/bin/env bash
# Side-by-side benchmark: PyTorch eager (Debian's python3-torch 1.13, 2 threads) against LatentLab on the same
# model files, in one run. Prints ratios (LatentLab / PyTorch) and writes them to WORK/side-by-side.md and .json.
#
#   runtime/benchmarks/side-by-side.sh [--passive] [--work DIR] [--quick] [--seeds N] [--strategies picard,anderson:capture=true+mixedPrecision=true,...]
#                                      [--only sgemm,fixed,seeds,train]
#
# WORK (default /tmp/latentlab-side-by-side) keeps the trained model between runs; delete it to retrain.
# LATENTLAB_HOME is honoured (MNIST is fetched there on first use). Both sides run in the same environment (with
# the launcher's malloc settings, below); --passive exports OMP_WAIT_POLICY=PASSIVE to both (on a busy machine OpenMP's default spinning dominates both).
# See runtime/benchmarks/README.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
py=/usr/bin/python3 # Debian's python3-torch lives here, not in a pyenv or venv python

# 1. PyTorch: Debian's CPU build, installed with apt when missing (needs root). Debian's torch calls the system
#    BLAS (libblas.so.3); with only the reference BLAS that apt picks for its dependency, a 1024x1024 sgemm runs at
#    about 2.5 GFLOP/s, so the baseline would be a straw man: the script also installs OpenBLAS (libtorch1.13
#    recommends libopenblas0 first), which makes torch's matrix products about 20x faster.
#    The BLAS is checked once torch is there: on a fresh machine libblas.so.3 does not exist before python3-torch
#    pulls in the reference one, so a check made before would miss it.
need_root() {
  if [[ $(id -u) -ne 0 ]]; then
    echo "side-by-side: not root: run 'apt-get install -y $*' as root, then run this script again" >&2
    exit 2
  fi
}
apt_install() {
  echo "side-by-side:   apt-get install -y $*"
  need_root "$@"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y "$@" || { apt-get update && apt-get install -y "$@"; }
}
if ! "$py" -c 'import torch, numpy' >/dev/null 2>&1; then
  echo "side-by-side: installing Debian's PyTorch 1.13 (CPU):"
  apt_install python3-torch python3-numpy
  "$py" -c 'import torch, numpy; print("side-by-side: installed torch", torch.__version__, "numpy", numpy.__version__)'
fi
blas="$(readlink -e /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || true)"
if [[ -z "$blas" || "$blas" == */blas/libblas.so.3* ]]; then
  echo "side-by-side: torch's BLAS is the reference one (${blas:-none}): installing OpenBLAS for it:"
  apt_install libopenblas0-pthread
fi
echo "side-by-side: torch's BLAS: $(readlink -e /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo none)"

# 2. LatentLab: the launcher and the JMH benchmarks, built from this checkout (package, never install: the
#    reactor resolves the project's own modules from their target folders). Offline first, then online.
launcher="$root/runtime/distribution/target/latentlab/bin/latentlab"
if [[ -z "${LATENTLAB_BENCH_NO_BUILD:-}" ]]; then
  echo "side-by-side: building LatentLab (mvn package -DskipTests of runtime/distribution and runtime/benchmarks)"
  build=(mvn -B -q -Dstyle.color=never -DskipTests package -pl runtime/distribution,runtime/benchmarks -am
         dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime)
  (cd "$root" && { "${build[@]}" -o >/dev/null 2>&1 || "${build[@]}"; })
fi
classpath="$here/target/classpath.txt"

# 3. The environment of both sides: the launcher's malloc settings, with which every LatentLab process runs (the CLI,
#    the server, and here also FixedStepsServer and JMH), exported to PyTorch too: its loop allocates each layer's
#    output per call as well (measured, it gains 3-7 % from them).
source "$here/launcher-env.sh"

args=()
for a in "$@"; do
  if [[ "$a" == --passive ]]; then export OMP_WAIT_POLICY=PASSIVE; else args+=("$a"); fi
done
exec "$py" "$here/side_by_side.py" --root "$root" --launcher "$launcher" \
  --jmh-classpath "$here/target/classes:$(cat "$classpath")" ${args[@]+"${args[@]}"}
