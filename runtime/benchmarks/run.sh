#!/usr/bin/env bash
# Runs the JMH benchmarks. Arguments go to JMH, e.g.  runtime/benchmarks/run.sh -p backend=onnx
# Builds the project first when the benchmark classes are missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
if [[ ! -f "$here/target/classes/META-INF/BenchmarkList" ]]; then
  (cd "$root" && mvn -B -q -Dstyle.color=never -DskipTests install)
fi
(cd "$here" && mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null)
exec java -Dlatentlab.benchmark.models="$here/models" -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" \
  org.openjdk.jmh.Main "$@"
