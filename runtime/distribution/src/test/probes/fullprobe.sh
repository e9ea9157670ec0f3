#!/usr/bin/env bash
# start a large run into the tmpfs, fill the tmpfs once its per-seed files appear
W=/work/wt/memory; L=$W/runtime/distribution/target/latentlab/bin/latentlab
M=$W/runtime/distribution/src/test/resources/models/memorizer
export LATENTLAB_HOME=/tmp/hc/home LATENTLAB_JAVA_OPTS=-Xmx128m
mkdir -p /tmp/hc/full/mine && echo "my thesis" > /tmp/hc/full/mine/thesis.tex
t0=$(date +%s.%N)
$L analyze --model $M --noise 350000 --out /tmp/hc/full/out --quiet > /tmp/hc/logs/full.out 2> /tmp/hc/logs/full.err &
pid=$!
for i in $(seq 1 600); do [ -n "$(find /tmp/hc/full -path '*per-seed*' -name endpoints.npy 2>/dev/null)" ] && break; sleep 0.2; done
dd if=/dev/zero of=/tmp/hc/full/filler bs=1M 2>/dev/null; echo "filled: $(df -h /tmp/hc/full | tail -1)"
wait $pid; rc=$?
echo "rc=$rc time=$(echo "$(date +%s.%N) - $t0" | bc)"; cat /tmp/hc/logs/full.err | tail -3
rm -f /tmp/hc/full/filler; find /tmp/hc/full | head; cat /tmp/hc/full/mine/thesis.tex
