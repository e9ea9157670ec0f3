#!/usr/bin/env bash
# probe NAME -- latentlab args...   : runs the launcher, records rc, time, stderr tail, leftovers
name="$1"; shift
W=/work/wt/memory
L=$W/runtime/distribution/target/latentlab/bin/latentlab
export LATENTLAB_HOME=${LATENTLAB_HOME:-/tmp/hc/home}
log=/tmp/hc/logs/$name
ls -a /tmp > $log.tmp-before
find /tmp/hc/p -printf '%p %s %T@\n' 2>/dev/null | sort > $log.p-before
start=$(date +%s.%N)
timeout -s TERM ${PROBE_TIMEOUT:-900} $L "$@" > $log.out 2> $log.err
rc=$?
end=$(date +%s.%N)
ls -a /tmp > $log.tmp-after
find /tmp/hc/p -printf '%p %s %T@\n' 2>/dev/null | sort > $log.p-after
el=$(echo "$end - $start" | bc)
echo "== $name rc=$rc time=${el}s"
echo "-- stderr (tail):"; tail -c 1500 $log.err | grep -v '^\s*$' | tail -8
echo "-- stdout (tail):"; tail -5 $log.out
echo "-- /tmp new:"; comm -13 $log.tmp-before $log.tmp-after
echo "-- /tmp/hc/p changes:"; diff $log.p-before $log.p-after | grep '^[<>]' | head -20
echo "-- staging/parts left:"; find /tmp/hc/p -name '*latentlab-staging*' -o -name '.parts' -o -name '.per-seed' 2>/dev/null | head
ls /tmp/hc/home/run 2>/dev/null | head
