#!/usr/bin/env bash
# Runs the JMH benchmarks. Arguments go to JMH, e.g.  runtime/benchmarks/run.sh -p backend=onnx
# 'run.sh roundrobin ...' runs RoundRobinMap instead (variants of the map in one process, round-robin).
# Builds this module and what it needs first (mvn package in the reactor: never 'install', which would replace the
# snapshot jars in ~/.m2). LATENTLAB_BENCH_NO_BUILD=1 skips the build.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
if [[ -z "${LATENTLAB_BENCH_NO_BUILD:-}" || ! -s "$here/target/classpath.txt" ]]; then
  build=(mvn -B -q -Dstyle.color=never -DskipTests package -pl runtime/benchmarks -am
         dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime)
  (cd "$root" && { "${build[@]}" -o >/dev/null 2>&1 || "${build[@]}"; })
fi
# the launcher's malloc settings (bin/latentlab), so JMH measures the map as the CLI and the server run it
source "$here/launcher-env.sh"
main=org.openjdk.jmh.Main
if [[ "${1:-}" == roundrobin ]]; then main=org.latentlab.benchmarks.RoundRobinMap; shift; fi # see RoundRobinMap
exec java -Dlatentlab.benchmark.models="$here/models" -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" \
  "$main" "$@"
