#!/usr/bin/env bash
# Speed-up of a sweep on a Spark standalone cluster with 2 workers against 1 worker, on this machine, in one run:
# two clusters from the distribution's own Spark jars on loopback (master A with one worker, master B with two; every
# worker one core, so each cell's lab trains with one thread), the same sweep run alternately on A and B, wall time
# from the sweep's own summary line ("in X s"). Prints the table and the ratio; writes WORK/spark-speedup.md.
#   runtime/benchmarks/spark-speedup.sh [--rounds R] [--cells N] [--steps S] [--work DIR]
# Defaults: 2 rounds (A B B A), 4 cells, 300 steps. LATENTLAB_HOME is honoured (MNIST is fetched into it on first use).
# LATENTLAB_BENCH_NO_BUILD=1 skips the build; MVN_ARGS goes to Maven.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
rounds=2; cells=4; steps=300; work=/tmp/latentlab-spark-speedup
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --cells) cells="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    *) sed -n '2,9p' "$0" >&2; exit 2 ;;
  esac
done
dist="$root/runtime/distribution/target/latentlab"
if [[ "${LATENTLAB_BENCH_NO_BUILD:-}" != 1 ]]; then
  echo "== building the distribution"
  (cd "$root" && { mvn -o -q -B ${MVN_ARGS:-} package -DskipTests -pl runtime/distribution -am \
    || mvn -q -B ${MVN_ARGS:-} package -DskipTests -pl runtime/distribution -am; })
fi
mkdir -p "$work"
export LATENTLAB_HOME="${LATENTLAB_HOME:-$work/home}"
export SPARK_LOCAL_IP=127.0.0.1

seeds=$(seq -s, 1 "$cells")
cat > "$work/spec.json" <<EOF
{
  "name": "spark-speedup",
  "description": "runtime/benchmarks/spark-speedup.sh: $cells cells differing only in their seed",
  "dataset": "mnist",
  "architecture": {"type": "mlp", "hidden": [256, 64], "latentDim": 16},
  "training": {"trainingSize": 1024, "steps": $steps, "batch": 128, "learningRate": 0.001},
  "axes": {"seed": [$seeds]},
  "analysis": {"trainSeeds": 200, "testSeeds": 200, "noiseSeeds": 500, "jacobianPoints": 50, "gallery": 4}
}
EOF

pids=()
cleanup() { for p in "${pids[@]}"; do pkill -KILL -P "$p" 2>/dev/null || true; kill -KILL "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# start_master NAME: sets $url once the master is alive
start_master() {
  "$dist/bin/latentlab-spark" master --host 127.0.0.1 --port 0 --webui-port 0 > "$work/$1.log" 2>&1 &
  pids+=($!)
  until grep -qs "New state: ALIVE" "$work/$1.log"; do sleep 0.2; done
  url=$(grep -o "spark://127.0.0.1:[0-9]*" "$work/$1.log" | head -1)
}
# start_workers MASTER-LOG URL COUNT: one core and 1 GB each, then waits until the master has them all
start_workers() {
  for ((i = 1; i <= $3; i++)); do
    "$dist/bin/latentlab-spark" worker "$2" --host 127.0.0.1 --port 0 --webui-port 0 --cores 1 --memory 1g \
      --work-dir "$work/$1-worker$i" > "$work/$1-worker$i.log" 2>&1 &
    pids+=($!)
  done
  until [[ $(grep -cs "Registering worker" "$work/$1.log") -ge $3 ]]; do sleep 0.2; done
}

echo "== two clusters on loopback: A with 1 worker, B with 2 workers (1 core each)"
start_master masterA; url_a=$url; start_workers masterA "$url_a" 1
start_master masterB; url_b=$url; start_workers masterB "$url_b" 2
echo "A: $url_a   B: $url_b"

# run LABEL URL OUT [SPEC]: the sweep on a cluster; prints its wall time in seconds (from 'in X s')
run() {
  rm -rf "$3"
  local log="$3.log"
  "$dist/bin/latentlab" sweep "${4:-$work/spec.json}" --out "$3" --spark "$2" --executor-param home="$LATENTLAB_HOME" \
    --spark-conf spark.driver.host=127.0.0.1 --spark-conf spark.driver.bindAddress=127.0.0.1 \
    --spark-conf spark.executor.memory=512m --spark-conf spark.ui.enabled=false --quiet > "$log" 2>&1 \
    || { echo "sweep on $1 failed:" >&2; tail -20 "$log" >&2; exit 1; }
  sed -n 's/^in \([0-9.]*\) s\..*/\1/p' "$log"
}

echo "== warm-up on both (MNIST into $LATENTLAB_HOME, page cache): one tiny cell, not timed"
sed -e 's/"steps": [0-9]*/"steps": 10/' -e 's/"seed": \[[0-9,]*\]/"seed": [1]/' "$work/spec.json" > "$work/warmup.json"
run A "$url_a" "$work/warmup-A" "$work/warmup.json" > /dev/null
run B "$url_b" "$work/warmup-B" "$work/warmup.json" > /dev/null

declare -a ta tb
order=()
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2)); then order+=(A B); else order+=(B A); fi
done
# cells_busy OUT WALL: the cells' own time summed (sweep.json 'millis': lab start, training, measures) and that sum over
# the wall time: how many cells ran at once on average
cells_busy() {
  python3 -c 'import json, sys
s = sum(c["millis"] for c in json.load(open(sys.argv[1]))["cells"]) / 1000
print("%.1f %.2f" % (s, s / float(sys.argv[2])))' "$1/sweep.json" "$2"
}

k=0
for c in "${order[@]}"; do
  k=$((k + 1))
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  if [[ $c == A ]]; then t=$(run A "$url_a" "$work/out-A-$k"); else t=$(run B "$url_b" "$work/out-B-$k"); fi
  [[ -n "$t" ]] || exit 1
  if [[ $c == A ]]; then ta+=("$t"); else tb+=("$t"); fi
  busy=$(cells_busy "$work/out-$c-$k" "$t")
  printf '%-3s run %d: %7.1f s   cells busy %s s = %sx the wall time   (load average before: %s)\n' "$c" "$k" "$t" \
    "${busy% *}" "${busy#* }" "$load"
done

mean() { printf '%s\n' "$@" | awk '{s += $1} END {printf "%.1f", s / NR}'; }
ma=$(mean "${ta[@]}"); mb=$(mean "${tb[@]}")
ratio=$(awk -v a="$ma" -v b="$mb" 'BEGIN {printf "%.2f", a / b}')
{
  echo "| cluster | workers x cores | runs (s) | mean (s) |"
  echo "|---|---|---|---|"
  echo "| A | 1 x 1 | ${ta[*]} | $ma |"
  echo "| B | 2 x 1 | ${tb[*]} | $mb |"
  echo
  echo "speed-up of 2 workers over 1: **${ratio}x** ($cells cells, $steps steps each, $(nproc) cores, $(date -u +%F))"
} | tee "$work/spark-speedup.md"
