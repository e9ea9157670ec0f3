#!/usr/bin/env bash
# sigprobe NAME SIGNAL WAITPATTERN -- args : start launcher, wait for a file matching find-pattern under /tmp/hc/p, send signal
name="$1"; sig="$2"; pat="$3"; shift 3
W=/work/wt/memory
L=$W/runtime/distribution/target/latentlab/bin/latentlab
export LATENTLAB_HOME=${LATENTLAB_HOME:-/tmp/hc/home}
log=/tmp/hc/logs/$name
ls -a /tmp > $log.tmp-before
/usr/bin/python3 -c "import signal,os,sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.setsid(); os.execvp(sys.argv[1], sys.argv[1:])" $L "$@" > $log.out 2> $log.err &
pid=$!
for i in $(seq 1 1200); do
  if [ -n "$(find /tmp/hc/p -path "$pat" 2>/dev/null | head -1)" ]; then break; fi
  kill -0 $pid 2>/dev/null || break
  sleep 0.25
done
echo "found: $(find /tmp/hc/p -path "$pat" | head -1)"
sleep ${EXTRA:-2}
t0=$(date +%s.%N)
kill -$sig $pid
# wait at most 180 s
for i in $(seq 1 720); do kill -0 $pid 2>/dev/null || break; sleep 0.25; done
if kill -0 $pid 2>/dev/null; then echo "STILL ALIVE after 180s"; fi
wait $pid; rc=$?
t1=$(date +%s.%N)
echo "== $name sig=$sig rc=$rc stop-time=$(echo "$t1 - $t0" | bc)s"
tail -5 $log.err
echo "-- /tmp new:"; ls -a /tmp > $log.tmp-after; comm -13 $log.tmp-before $log.tmp-after
echo "-- left in /tmp/hc/p:"; find /tmp/hc/p -maxdepth 2 | grep -v '/user' | head -20
ls /tmp/hc/home/run
