#!/usr/bin/env bash
# The CPU's float32 FMA peak (fma_peak.c), on 1 thread and on every core: the ceiling that matrix-product rates are
# a share of. Needs a C compiler (Debian: gcc) and an x86-64 CPU with FMA. Usage: runtime/benchmarks/fma-peak.sh [SECONDS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cc_bin="$(command -v cc || command -v gcc || true)"
[[ -n "$cc_bin" ]] || { echo "fma-peak: no C compiler (apt-get install gcc)" >&2; exit 1; }
bin="$(mktemp -d)/fma_peak"
trap 'rm -rf "$(dirname "$bin")"' EXIT
grep -qw fma /proc/cpuinfo 2>/dev/null || { echo "fma-peak: this CPU has no FMA instructions" >&2; exit 1; }
"$cc_bin" -O2 -march=native "$here/fma_peak.c" -o "$bin" -lpthread
cores="$(nproc)"; (( cores <= 4096 )) || cores=4096
"$bin" 1 "${1:-1}"
"$bin" "$cores" "${1:-1}"
